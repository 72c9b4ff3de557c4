"""A small TrueType font holding only the characters a PDF uses, built from the loaded font.

Why not hand the OTF to fpdf2: fpdf2 2.8.5 embeds every font as /FontFile2 with a
CIDFontType2 descendant, the form reserved for TrueType (glyf) outlines. Noto Sans CJK is
CFF, so the result is a mislabelled font that Poppler and browsers tolerate but Adobe
Acrobat rejects ("Cannot extract the embedded font"), and fpdf2 would also rebuild its
65,000-entry width table from the 16 MB file for every document. Converting just the glyphs
we print to quadratic TrueType outlines (cu2qu, within 1 font unit) gives a correct,
few-kilobyte font that every reader accepts and that fpdf2 loads in milliseconds.
"""

import io
import threading
from collections import OrderedDict

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

# Maximum distance between the cubic CFF curve and its quadratic copy, in font units
# (1/1000 em): 0.004 mm at 10 pt, far below what any printer resolves.
CURVE_TOLERANCE_UNITS = 1.0
_SUBSET_CACHE_SIZE = 64

# (font path, characters) -> TrueType bytes, least recently used first
_subsets: OrderedDict[tuple[str, tuple[str, ...]], bytes] = OrderedDict()
_subsets_lock = threading.Lock()


def _glyph_name(character):
    return f"u{ord(character):04X}"


def _outline(font, character):
    """Return the recorded quadratic outline of one character (cached on the font)."""
    recorded = font.outline_cache.get(character)
    if recorded is None:
        pen = RecordingPen()
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        reverse = "glyf" not in font.ttfont
        font.draw_glyph(character, Cu2QuPen(pen, CURVE_TOLERANCE_UNITS, reverse_direction=reverse))
        recorded = pen.value
        font.outline_cache[character] = recorded
    return recorded


def _build(font, characters):
    order = [".notdef"] + [_glyph_name(character) for character in characters]
    glyphs = {".notdef": TTGlyphPen(None).glyph()}
    advances = {".notdef": font.units_per_em}
    for character in characters:
        pen = TTGlyphPen(None)
        if font.has_glyph(character):
            for operator, operands in _outline(font, character):
                getattr(pen, operator)(*operands)
        name = _glyph_name(character)
        glyphs[name] = pen.glyph()
        advances[name] = round(font.advance_em(character) * font.units_per_em)

    builder = FontBuilder(font.units_per_em, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({ord(character): _glyph_name(character) for character in characters})
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    metrics = {}
    for name in order:
        glyph = glyf[name]
        glyph.recalcBounds(glyf)
        metrics[name] = (advances[name], getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)
    builder.setupHorizontalMetrics(metrics)
    ascent = round(font.ascent * font.units_per_em)
    descent = round(font.descent * font.units_per_em)
    builder.setupHorizontalHeader(ascent=ascent, descent=-descent)
    family = font.name_records.get(1, "Label Font")
    # The source is usually Noto Sans CJK (SIL OFL 1.1, no reserved names); its copyright
    # and licence records travel with every derived subset, as the OFL asks.
    names = {
        "familyName": family,
        "styleName": "Regular",
        "fullName": f"{family} Label Subset",
        "psName": "".join(ch for ch in family if ch.isalnum()) + "-LabelSubset",
    }
    if 0 in font.name_records:
        names["copyright"] = font.name_records[0]
    if 13 in font.name_records:
        names["licenseDescription"] = font.name_records[13]
    if 14 in font.name_records:
        names["licenseInfoURL"] = font.name_records[14]
    builder.setupNameTable(names)
    builder.setupOS2(
        sTypoAscender=ascent,
        sTypoDescender=-descent,
        usWinAscent=ascent,
        usWinDescent=descent,
        sCapHeight=getattr(font.ttfont["OS/2"], "sCapHeight", ascent),
        fsType=0,
    )
    builder.setupPost()
    output = io.BytesIO()
    builder.save(output)
    return output.getvalue()


def truetype_subset(font, text):
    """Return TrueType font bytes containing the characters of `text` and a space (cached)."""
    # fpdf2 reserves code 0x20 and looks for a glyph named "space" when the cmap lacks it.
    characters = tuple(sorted({character for character in text if font.has_glyph(character)} | {" "}))
    key = (font.path, characters)
    with _subsets_lock:
        cached = _subsets.get(key)
        if cached is not None:
            _subsets.move_to_end(key)
            return cached
    data = _build(font, characters)
    with _subsets_lock:
        _subsets[key] = data
        while len(_subsets) > _SUBSET_CACHE_SIZE:
            _subsets.popitem(last=False)
    return data
