"""The font: parsed once, embedded as a small TrueType subset, override fonts of either kind."""

import io
import re
import zlib

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

import labels
from labels.fonts import load_font
from labels.truetype import truetype_subset


def square(size=600):
    pen = TTGlyphPen(None)
    pen.moveTo((100, 0))
    pen.lineTo((100, size))
    pen.lineTo((size, size))
    pen.lineTo((size, 0))
    pen.closePath()
    return pen.glyph()


def composite_of(base, glyphs):
    pen = TTGlyphPen(glyphs)
    pen.addComponent(base, (1, 0, 0, 1, 0, 0))
    return pen.glyph()


@pytest.fixture
def truetype_font_file(tmp_path):
    """A tiny TrueType font with the kana the loader probes for; ア is a composite glyph."""
    glyphs = {".notdef": TTGlyphPen(None).glyph(), "space": TTGlyphPen(None).glyph(), "box": square()}
    mapping = {0x20: "space", ord("日"): "box", ord("〒"): "box", ord("あ"): "box", ord("ア"): "a_kata"}
    glyphs["a_kata"] = composite_of("box", glyphs)
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 0) for name in glyphs})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Tiny JP", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120)
    builder.setupPost()
    output = io.BytesIO()
    builder.save(output)
    path = tmp_path / "tiny.ttf"
    path.write_bytes(output.getvalue())
    return str(path)


def embedded_font(pdf):
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        if data[:4] == b"\x00\x01\x00\x00":
            return TTFont(io.BytesIO(data))
    raise AssertionError("no TrueType font stream in the PDF")


def test_the_font_is_parsed_once_per_process():
    assert load_font() is load_font()
    assert load_font(None) is load_font("")


def test_a_truetype_override_font_with_composite_glyphs_is_flattened_into_the_pdf(
    truetype_font_file, package_label
):
    label = package_label(headline="あア日", lines=("漢字",))
    pdf = labels.render_pdf(label, count=1, font_path=truetype_font_file)
    font = embedded_font(pdf)
    glyf = font["glyf"]
    katakana = glyf[font.getBestCmap()[ord("ア")]]
    assert not katakana.isComposite() and katakana.numberOfContours == 1


def test_a_font_without_the_geta_mark_drops_missing_characters_instead(truetype_font_file):
    font = load_font(truetype_font_file)
    assert font.clean_text("あ漢ア") == "あア"
    assert font.ellipsis == "..."


def test_the_embedded_subset_holds_only_the_printed_characters_with_the_source_licence():
    source = load_font()
    font = TTFont(io.BytesIO(truetype_subset(source, "困っていませんか？")))
    assert set(font.getBestCmap()) == {ord(c) for c in "困っていませんか？ "}
    names = {record.nameID: record.toUnicode() for record in font["name"].names}
    assert "Open Font License" in names[13]
    assert names[0] == source.name_records[0]


def test_converted_outlines_keep_the_source_advance_widths():
    source = load_font()
    font = TTFont(io.BytesIO(truetype_subset(source, "困A1")))
    cmap = font.getBestCmap()
    for character in "困A1":
        assert font["hmtx"][cmap[ord(character)]][0] == round(source.advance_em(character) * 1000)
