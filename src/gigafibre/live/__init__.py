"""Live updates: SSE topics, who may follow them, and staff broadcasts."""
