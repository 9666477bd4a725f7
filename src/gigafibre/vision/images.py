"""Uploaded files: checked by their content, never by their name or declared type.

A phone may call a JPEG `IMG_0042.HEIC` or send `application/octet-stream`; what counts is the
magic number, then whether Pillow (or pdfium for a PDF) can really decode the whole thing.
Photos are turned upright from their EXIF orientation and never kept after the request.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

from gigafibre.core.i18n import N_
from gigafibre.vision.errors import FileTooLargeError, UnreadableFileError, UnsupportedFileTypeError
from gigafibre.vision.layout import TextLine

MAX_PIXELS = 50_000_000  # a 50 MP photo (under Pillow's own bomb limit); decoding more is slow
PDF_RENDER_DPI = 200
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe

UNSUPPORTED = N_("This file type is not supported: send a photo (JPEG, PNG, WebP) or a PDF.")
UNSUPPORTED_IMAGE = N_("This file type is not supported: send a photo (JPEG, PNG or WebP).")
UNREADABLE = N_("This file could not be read: it is damaged or incomplete.")
EMPTY = N_("The file is empty.")
TOO_MANY_PIXELS = N_("The image is too large: send a picture under 50 megapixels.")


class FileKind(StrEnum):
    jpeg = "image/jpeg"
    png = "image/png"
    webp = "image/webp"
    gif = "image/gif"
    bmp = "image/bmp"
    tiff = "image/tiff"
    pdf = "application/pdf"


def sniff(data: bytes) -> FileKind | None:
    """The file's real type from its first bytes."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.jpeg
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.png
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind.webp
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileKind.gif
    if head[:2] == b"BM":
        return FileKind.bmp
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return FileKind.tiff
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return FileKind.pdf
    return None


@dataclass(frozen=True)
class Upload:
    """One uploaded file as received: its bytes and the name the client gave (for messages)."""

    data: bytes
    filename: str = ""


@dataclass(frozen=True)
class Document:
    """A decoded upload: the picture to read, and a PDF's own text layer when it has one.

    The text layer comes as positioned lines in pixels of `image`, like OCR's, so a born-digital
    PDF is parsed exactly as a photo would be, only without reading errors.
    """

    kind: FileKind
    image: Image.Image
    text_lines: tuple[TextLine, ...] = ()
    original: bytes = b""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.text_lines)


def decode_image(data: bytes) -> Image.Image:
    """Decode a whole image (a truncated file fails here, not later) and turn it upright."""
    try:
        opened = Image.open(io.BytesIO(data))
        if opened.width * opened.height > MAX_PIXELS:  # checked before decoding a single pixel
            raise FileTooLargeError(TOO_MANY_PIXELS)
        opened.load()
        image = ImageOps.exif_transpose(opened)
    except Image.DecompressionBombError:
        raise FileTooLargeError(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UnreadableFileError(UNREADABLE) from None
    return image.convert("RGB")


def render_pdf(data: bytes) -> tuple[Image.Image, tuple[TextLine, ...]]:
    """The first page of a PDF as a picture, and its text layer (empty for a scanned page)."""
    import pypdfium2  # type: ignore[import-untyped]  # only PDFs pay for loading pdfium

    with _pdfium_lock:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            raise UnreadableFileError(UNREADABLE) from None
        try:
            if len(pdf) == 0:
                raise UnreadableFileError(UNREADABLE)
            page = pdf[0]
            width, height = page.get_size()
            scale = min(PDF_RENDER_DPI / 72, 2400 / max(width, height, 1))
            image = page.render(scale=scale).to_pil().convert("RGB")
            textpage = page.get_textpage()
            lines = []
            for index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(index)
                words = str(textpage.get_text_bounded(left, bottom, right, top)).strip()
                if words:
                    x0, x1 = left * scale, right * scale
                    y0, y1 = (height - top) * scale, (height - bottom) * scale
                    lines.append(TextLine(words, 1.0, ((x0, y0), (x1, y0), (x1, y1), (x0, y1))))
        except pypdfium2.PdfiumError:
            raise UnreadableFileError(UNREADABLE) from None
        finally:
            pdf.close()
    return image, tuple(lines)


def open_document(upload: Upload, *, allow_pdf: bool) -> Document:
    """Check and decode an upload: 415 for a type we do not read, 422 for a broken file."""
    if not upload.data:
        raise UnreadableFileError(EMPTY)
    kind = sniff(upload.data)
    if kind is None or (kind is FileKind.pdf and not allow_pdf):
        raise UnsupportedFileTypeError(UNSUPPORTED if allow_pdf else UNSUPPORTED_IMAGE)
    if kind is FileKind.pdf:
        image, lines = render_pdf(upload.data)
        return Document(kind, image, lines, upload.data)
    return Document(kind, decode_image(upload.data), (), upload.data)


def shrink(image: Image.Image, max_side: int) -> tuple[Image.Image, float]:
    """A copy no larger than `max_side`, and the factor that maps its pixels back."""
    longest = max(image.size)
    if longest <= max_side:
        return image, 1.0
    factor = max_side / longest
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS), 1 / factor


def jpeg_bytes(image: Image.Image, *, max_side: int = 2048, quality: int = 90) -> bytes:
    small, _factor = shrink(image, max_side)
    output = io.BytesIO()
    small.save(output, format="JPEG", quality=quality)
    return output.getvalue()
