"""Fitting text into a box: wrap by character, shrink to a minimum size, then truncate with …."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .drawing import PT_TO_MM, TextMark
from .fonts import LoadedFont
from .layouts import Rect

LINE_SPACING = 1.3
# Kinsoku shori: characters Japanese typesetting never puts at the start / end of a line.
NO_LINE_START = set(
    "、。，．,.・：；:;？！?!ー－）)」』】〕〉》〙〗｝}]"  # punctuation, long vowel mark, closing brackets
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"  # small kana
    "々〻ゝゞヽヾ〜～…‥％%"  # iteration marks, wave dash, ellipses, percent
)
NO_LINE_END = set("（(「『【〔〈《〘〖｛{[￥$＃#〒")
_EPSILON = 1e-6


@dataclass(frozen=True)
class Paragraph:
    """A run of text with its size relative to the block's base size and its alignment."""

    text: str
    scale: float = 1.0
    align: str = "left"  # "left", "center" or "right"
    keep_whole: bool = False  # shrink up to 30% more to stay on one line before wrapping


def _tokens(text: str) -> list[str]:
    """Split text into unbreakable pieces: one per wide (CJK) character, spaces, and words.

    Latin words, phone numbers, e-mail addresses and LINE IDs stay whole unless a single one
    is wider than the line.
    """
    tokens = []
    word: list[str] = []
    for character in text:
        if character == " " or unicodedata.east_asian_width(character) in ("W", "F"):
            if word:
                tokens.append("".join(word))
                word = []
            tokens.append(character)
        else:
            word.append(character)
    if word:
        tokens.append("".join(word))
    return tokens


def _split_wide(line, font, limit):
    """Cut a line that is still too wide into pieces by character, with no kinsoku."""
    pieces, current, width = [], "", 0.0
    for character in line:
        advance = font.advance_em(character)
        if current and width + advance > limit + _EPSILON:
            pieces.append(current)
            current, width = "", 0.0
        current += character
        width += advance
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, font: LoadedFont, limit_em: float) -> list[str]:
    """Break text into lines no wider than `limit_em` (em at the text's own size)."""
    lines = []
    current: list[str] = []  # tokens on the line being filled
    width = 0.0
    for token in _tokens(text):
        if token == " ":
            if current and current[-1] != " ":
                current.append(token)
                width += font.advance_em(" ")
            continue
        pieces = [token] if font.width_em(token) <= limit_em + _EPSILON else list(token)
        for piece in pieces:
            advance = font.width_em(piece)
            if not current or width + advance <= limit_em + _EPSILON:
                current.append(piece)
                width += advance
                continue
            carried = []
            words = [t for t in current if t != " "]
            if piece[0] in NO_LINE_START and len(words) > 1:
                while current and current[-1] == " ":
                    current.pop()
                carried.append(current.pop())
            while len(current) > 1 and current[-1] != " " and current[-1][-1] in NO_LINE_END:
                carried.insert(0, current.pop())
            while current and current[-1] == " ":
                current.pop()
            lines.append("".join(current))
            current = [*carried, piece]
            width = font.width_em("".join(current))
    while current and current[-1] == " ":
        current.pop()
    if current:
        lines.append("".join(current))
    result = []
    for line in lines:
        if font.width_em(line) > limit_em + _EPSILON:
            result.extend(_split_wide(line, font, limit_em))
        elif line:
            result.append(line)
    return result


def _layout(
    paragraphs: Sequence[Paragraph], font: LoadedFont, width_mm: float, base_pt: float, min_pt: float
) -> list[tuple[Paragraph, float, str]]:
    sizes = []
    for paragraph in paragraphs:
        size_pt = max(min_pt, base_pt * paragraph.scale)
        text_em = font.width_em(paragraph.text)
        if paragraph.keep_whole and text_em > 0:
            one_line_pt = width_mm / (text_em * PT_TO_MM)
            if one_line_pt < size_pt:
                size_pt = max(one_line_pt, size_pt * 0.7, min_pt)
        sizes.append(size_pt)
    # Paragraphs of the same rank share one size, so a block never looks ragged in size.
    smallest: dict[float, float] = {}  # by paragraph scale
    for paragraph, size_pt in zip(paragraphs, sizes, strict=True):
        smallest[paragraph.scale] = min(size_pt, smallest.get(paragraph.scale, size_pt))
    laid_out = []
    for paragraph in paragraphs:
        size_pt = smallest[paragraph.scale]
        size_mm = size_pt * PT_TO_MM
        for line in wrap(paragraph.text, font, width_mm / size_mm):
            laid_out.append((paragraph, size_pt, line))
    return laid_out


def _height(laid_out):
    return sum(size_pt * PT_TO_MM * LINE_SPACING for _, size_pt, _ in laid_out)


def _truncate(laid_out, font, area):
    kept, used = [], 0.0
    for paragraph, size_pt, line in laid_out:
        line_height = size_pt * PT_TO_MM * LINE_SPACING
        if used + line_height > area.height + _EPSILON:
            break
        kept.append((paragraph, size_pt, line))
        used += line_height
    if kept and len(kept) < len(laid_out):
        paragraph, size_pt, line = kept[-1]
        limit = area.width / (size_pt * PT_TO_MM)
        while line and font.width_em(line + font.ellipsis) > limit + _EPSILON:
            line = line[:-1]
        kept[-1] = (paragraph, size_pt, line.rstrip() + font.ellipsis)
    return kept


def fit_text(font, paragraphs, area, *, max_pt, min_pt, valign="center"):
    """Lay out paragraphs inside `area` at the largest size that fits, never outside it.

    Sizes shrink together from `max_pt` (times each paragraph's scale) down to `min_pt`;
    if even that overflows, the text is cut and ends with "…" (fit_block says so).
    """
    return fit_block(font, paragraphs, area, max_pt=max_pt, min_pt=min_pt, valign=valign)[0]


def fit_block(font, paragraphs, area, *, max_pt, min_pt, valign="center"):
    """Like fit_text, and also say which paragraphs had to be cut: (marks, cut paragraphs)."""
    paragraphs = [paragraph for paragraph in paragraphs if paragraph.text]
    if not paragraphs:
        return (), ()
    if area.width <= 0 or area.height <= 0:
        return (), tuple(paragraphs)
    # At `low` every paragraph has reached min_pt, headline included.
    largest_scale = max(paragraph.scale for paragraph in paragraphs)
    low, high = min(max_pt, min_pt / largest_scale), max_pt
    laid_out = _layout(paragraphs, font, area.width, high, min_pt)
    cut = []
    if _height(laid_out) > area.height + _EPSILON:
        best = None
        # Height shrinks with size (wrapping makes it step, not strictly), so bisect to 0.1 pt.
        while high - low > 0.1:
            middle = (low + high) / 2
            candidate = _layout(paragraphs, font, area.width, middle, min_pt)
            if _height(candidate) <= area.height + _EPSILON:
                best, low = candidate, middle
            else:
                high = middle
        if best is None:
            best = _layout(paragraphs, font, area.width, low, min_pt)
            if _height(best) > area.height + _EPSILON:
                kept = _truncate(best, font, area)
                # The last kept line ends with …, and every line after it is gone.
                cut = [paragraph for paragraph, _, _ in best[max(len(kept) - 1, 0) :]]
                best = kept
        laid_out = best
    marks = []
    for (paragraph, _, line), mark in zip(laid_out, _place(laid_out, font, area, valign), strict=True):
        if mark is None or mark.text != line:
            cut.append(paragraph)
        if mark is not None:
            marks.append(mark)
    return tuple(marks), tuple(p for p in paragraphs if any(p is c for c in cut))


def _place(laid_out, font, area, valign):
    total = _height(laid_out)
    y = area.y + (area.height - total) / 2 if valign == "center" else area.y
    for paragraph, size_pt, line in laid_out:
        size_mm = size_pt * PT_TO_MM
        line_height = size_mm * LINE_SPACING
        em_box = (font.ascent + font.descent) * size_mm
        baseline = y + (line_height - em_box) / 2 + font.ascent * size_mm
        # Only a single character wider than a very narrow area gets here; drop it rather
        # than let it cross the edge.
        while line and font.width_em(line) * size_mm > area.width + _EPSILON:
            line = line[:-1]
        width = font.width_em(line) * size_mm
        if paragraph.align == "center":
            x = area.x + (area.width - width) / 2
        elif paragraph.align == "right":
            x = area.right - width
        else:
            x = area.x
        yield TextMark(x, baseline, size_pt, line, Rect(x, y, width, line_height)) if line else None
        y += line_height
