"""Vision: barcodes, equipment labels and supplier invoices read from photos.

Reading stores nothing; only what a person reviews and saves becomes a Service Equipment or a
Supplier Bill. Barcodes are always decoded locally (zxing-cpp, exact); labels and invoices go
through the provider chosen by settings: local OCR (default) or Gemini.
"""
