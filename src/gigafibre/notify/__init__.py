"""Notifications: SMS and email rendered from templates and sent through the outbox.

Callers queue a message in their own transaction (`service.queue_sms`, `service.queue_email`);
the outbox worker hands it to the provider chosen from settings (`providers.build_senders`).
"""
