"""Read PDFs back in tests: rasterise a page, count pages, extract text, list the fonts.

Built on wheels from PyPI (pypdfium2 for pixels and text, pypdf for the font dictionaries), so the
tests need no system package such as poppler-utils.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdfium2
from PIL import Image
from pypdf import PdfReader

POINTS_PER_INCH = 72
# The PDF font subtypes under the names pdffonts prints for them.
FONT_TYPES = {
    "/CIDFontType0": "CID Type 0",
    "/CIDFontType2": "CID TrueType",
    "/TrueType": "TrueType",
    "/Type1": "Type 1",
    "/MMType1": "Type 1",
    "/Type3": "Type 3",
}
# A subset font's name starts with six capital letters and a plus sign (PDF 32000-1, 9.6.4).
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Font:
    """One font of a PDF, with what pdffonts reports about it."""

    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool


def rasterise(pdf_bytes: bytes, page: int = 1, dpi: int = 300) -> Image.Image:
    """Render one page (numbered from 1) at `dpi` as a greyscale PIL image."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        bitmap = document[page - 1].render(scale=dpi / POINTS_PER_INCH, grayscale=True)
        # Copy the pixels: the bitmap's memory belongs to the document closed below.
        return bitmap.to_pil().convert("L").copy()
    finally:
        document.close()


def page_count(pdf_bytes: bytes) -> int:
    """How many pages the PDF has."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return len(document)
    finally:
        document.close()


def text(pdf_bytes: bytes) -> str:
    """The text of every page, pages separated by a form feed as pdftotext does."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in document:
            pages.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
        return "\f".join(pages)
    finally:
        document.close()


def fonts(pdf_bytes: bytes) -> list[Font]:
    """Every font the pages' resources name, each once, read from the font dictionaries."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        resources = page.get("/Resources")
        font_table = resources.get_object().get("/Font") if resources else None
        if not font_table:
            continue
        for reference in font_table.get_object().values():
            font = reference.get_object()
            found.setdefault(str(font.get("/BaseFont")), _describe(font))
    return list(found.values())


def _describe(font) -> Font:
    """What pdffonts would print for one font dictionary."""
    name = str(font.get("/BaseFont", ""))[1:]
    subtype = str(font.get("/Subtype"))
    described = font
    if subtype == "/Type0":
        # A composite font: the glyphs and their descriptor are in its one descendant font.
        described = font["/DescendantFonts"][0].get_object()
        subtype = str(described.get("/Subtype"))
    descriptor = described.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor else {}
    embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return Font(
        name=name,
        type=FONT_TYPES.get(subtype, subtype.lstrip("/")),
        embedded=embedded,
        subset=bool(SUBSET_PREFIX.match(name)),
        unicode="/ToUnicode" in font,
    )
