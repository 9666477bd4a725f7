"""Text on pictures with RapidOCR (PP-OCRv4 models shipped in the wheel, run by onnxruntime).

One engine per process: loading the models and the first inference cost about a second, so
the engine is built once (lazily, or at start-up through `warm_up`) and shared by every
request. Inference holds a lock: onnxruntime already spreads one inference over the cores,
and two at once on a two-core machine only make both slower.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PIL import Image

from gigafibre.vision.images import shrink
from gigafibre.vision.layout import TextLine

LABEL_SIDE = 1024  # labels: big print; the detector's cost grows with the pixel count
SECOND_LOOK_SIDE = 2048  # a far or blurred shot where the first look found nothing
MIN_SIDE = 32  # smaller than this, a picture holds no readable text
MAX_ENLARGE = 2.0
DOCUMENT_SIDE = 1600  # invoices: smaller print, read at about 130 dpi for an A4 page


class OcrEngine:
    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

            engine = RapidOCR(det_limit_type="max", print_verbose=False)
            engine(np.full((64, 256, 3), 255, dtype=np.uint8))  # first run allocates
            self._engine = engine
        return self._engine

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def read(
        self, image: Image.Image, *, max_side: int = LABEL_SIDE, enlarge: bool = False
    ) -> list[TextLine]:
        """Every box of text, its score, and its corners in pixels of `image`.

        `enlarge` scales a smaller picture up towards `max_side` (at most twice): tiny print is
        found only then.
        """
        if min(image.size) < MIN_SIDE:
            return []
        if enlarge and max(image.size) < max_side:
            factor = min(max_side / max(image.size), MAX_ENLARGE)
            size = (round(image.width * factor), round(image.height * factor))
            small, factor = image.convert("RGB").resize(size, Image.Resampling.BICUBIC), 1 / factor
        else:
            small, factor = shrink(image.convert("RGB"), max_side)
        pixels = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])  # RapidOCR wants BGR
        with self._lock:
            result, _elapsed = self._load()(pixels)
        lines = []
        for box, text, score in result or ():
            points = tuple((float(x) * factor, float(y) * factor) for x, y in box)
            lines.append(TextLine(str(text).strip(), float(score), points))
        return [line for line in lines if line.text]


_shared: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """The process's engine; created on first use (models load on the first `read`)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OcrEngine()
        return _shared
