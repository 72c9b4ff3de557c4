"""The Japanese font: finding it, loading it once per process, its metrics, and clean text."""

import importlib
import io
import mmap
import os
import sys
import threading
import unicodedata
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from PIL import ImageFont

from .errors import FontNotFound

SETTING_NAME = "LABEL_FONT_PATH"
PACKAGE_NAME = "noto-cjk-sans-jp-regular"
PACKAGE_MODULE = "noto_cjk_sans_jp_regular"

# 〓 (geta) is the mark Japanese typesetters use for a character the font cannot show;
# unlike a box it does not look like a rendering fault.
PLACEHOLDER = "\u3013"
ELLIPSIS = "\u2026"
_PROBE_CHARACTERS = "あア日〒"
_LINE_BREAKS = "\t\n\r\x0b\x0c\x85\u2028\u2029"
_PIL_CACHE_SIZE = 24

_fonts: dict[str | bytes, "LoadedFont"] = {}  # by LABEL_FONT_PATH, or PACKAGE_MODULE
_fonts_lock = threading.Lock()


@dataclass(eq=False)
class LoadedFont:
    """A parsed font with the few facts the layout needs, shared by every render in the process."""

    path: str
    data: mmap.mmap | bytes  # read-only mmap of the file, or bytes when it is not a plain file
    ttfont: TTFont
    cmap: dict
    units_per_em: int
    ascent: float  # typographic ascender, in em
    descent: float  # typographic descender below the baseline, in em (positive)
    advances: array  # advance width in font units, by glyph id (last one repeats)
    name_records: dict
    lock: threading.RLock = field(default_factory=threading.RLock)
    outline_cache: dict = field(default_factory=dict)
    _width_cache: dict = field(default_factory=dict)
    _pil_fonts: dict = field(default_factory=dict)
    _outlines: Any = None  # the CFF CharStrings (fontTools has no type hints)

    def draw_glyph(self, character, pen):
        """Draw one character's outline (CFF cubic or TrueType quadratic) into a pen."""
        name = self.cmap[ord(character)]
        # fontTools decompiles glyphs lazily, which is not thread-safe.
        with self.lock, _damaged_font_is_refused(self.path):
            if "CFF " in self.ttfont:
                if self._outlines is None:
                    cff = self.ttfont["CFF "].cff
                    self._outlines = cff[cff.fontNames[0]].CharStrings
                self._outlines[name].draw(pen)
            elif "glyf" in self.ttfont:
                outlines = _GlyfOutlines(self.ttfont["glyf"])
                # Composite glyphs refer to other glyphs; flatten them so the copy stands alone.
                flattened = DecomposingRecordingPen(outlines)
                outlines[name].draw(flattened)
                flattened.replay(pen)
            else:
                # The glyph set reads hmtx as objects (~20 MB for a CJK font), so it is only
                # the fallback for rarer outline formats such as CFF2.
                self.ttfont.getGlyphSet()[name].draw(pen)

    @property
    def placeholder(self):
        """The mark for a character the font lacks: 〓, else ?, else nothing."""
        return next((mark for mark in (PLACEHOLDER, "?") if self.has_glyph(mark)), "")

    @property
    def ellipsis(self):
        """The mark ending cut text: …, else three dots."""
        return ELLIPSIS if self.has_glyph(ELLIPSIS) else "..."

    def has_glyph(self, character):
        """Tell whether the font can draw this character."""
        return ord(character) in self.cmap

    def advance_em(self, character):
        """Advance width of one character, in em."""
        width = self._width_cache.get(character)
        if width is None:
            glyph = self.cmap.get(ord(character))
            if glyph:
                glyph_id = min(self.ttfont.getGlyphID(glyph), len(self.advances) - 1)
                width = self.advances[glyph_id] / self.units_per_em
            else:
                width = 0.25 if character == " " else 1.0
            self._width_cache[character] = width
        return width

    def width_em(self, text):
        """Advance width of a string without kerning, in em (what fpdf2 and the preview use)."""
        return sum(self.advance_em(character) for character in text)

    def clean_text(self, text):
        """Return text the font can draw, never tofu and never an exception (see clean_text_losses)."""
        return self.clean_text_losses(text)[0]

    def clean_text_losses(self, text):
        """Return (clean text, characters dropped, characters replaced by 〓).

        Control and format characters are removed, line breaks become spaces, emoji and
        symbols the font lacks are dropped, other missing characters become one 〓 per run,
        and runs of spaces collapse to one. What was dropped or replaced is returned so the
        caller can warn: a placard whose title was one emoji would otherwise print blank.
        """
        output = []
        dropped, replaced = [], []
        for character in unicodedata.normalize("NFC", text):
            category = unicodedata.category(character)
            if character in _LINE_BREAKS or (category == "Zs" and not self.has_glyph(character)):
                output.append(" ")
            elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
                dropped.append(character)
            elif self.has_glyph(character):
                output.append(character)
            elif category[0] in "MS":
                # Emoji, variation selectors, skin-tone modifiers, combining marks: decoration
                # whose loss does not change what the text says (but is still reported).
                dropped.append(character)
            else:
                replaced.append(character)
                if self.placeholder and (not output or output[-1] != self.placeholder):
                    output.append(self.placeholder)
        clean = " ".join(part for part in "".join(output).split(" ") if part)
        return clean, "".join(dropped), "".join(replaced)

    def pil_font(self, size_px):
        """Return a Pillow font of this face at a pixel size (cached)."""
        key = round(size_px, 2)
        with self.lock:
            font = self._pil_fonts.get(key)
            if font is None:
                source = self.path if os.path.isfile(self.path) else io.BytesIO(bytes(self.data))
                try:
                    font = ImageFont.truetype(source, size=key)
                except OSError:
                    raise _not_found(
                        f"Pillow cannot draw with the font {self.path!r}; point {SETTING_NAME} "
                        f"at another .otf or .ttf file.",
                        code="font_unreadable",
                        path=self.path,
                    ) from None
                if len(self._pil_fonts) >= _PIL_CACHE_SIZE:
                    self._pil_fonts.pop(next(iter(self._pil_fonts)))
                self._pil_fonts[key] = font
            return font


@contextmanager
def _damaged_font_is_refused(path):
    try:
        yield
    except Exception:  # a glyph that cannot be decoded, however it fails
        raise _not_found(
            f"The font {path!r} has damaged glyphs; point {SETTING_NAME} at another font file.",
            code="font_unreadable",
            path=path,
        ) from None


class _GlyfOutlines:
    """Glyph-set view of a glyf table, enough for DecomposingRecordingPen."""

    def __init__(self, glyf):
        self.glyf = glyf

    def __getitem__(self, name):
        glyf = self.glyf
        glyph = glyf[name]  # KeyError for a missing component, which the pen skips
        return _GlyfGlyph(glyph, glyf)


class _GlyfGlyph:
    def __init__(self, glyph, glyf):
        self.glyph, self.glyf = glyph, glyf

    def draw(self, pen):
        """Draw the glyph into a pen."""
        self.glyph.draw(pen, self.glyf)


def _not_found(message, **values):
    return FontNotFound(message, setting=SETTING_NAME, package=PACKAGE_NAME, **values)


def _map(path):
    """Map a font file read-only.

    Forked workers share the mapped pages, and unlike a shared file handle each process
    keeps its own read position, so lazy reads in two workers cannot interleave.
    """
    with open(path, "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty files and special files cannot be mapped
            return handle.read()


def _package_font():
    try:
        module = importlib.import_module(PACKAGE_MODULE)
        resource = module.FONT_PATH
        path = str(resource)
        data = _map(path) if os.path.isfile(path) else resource.read_bytes()
    except (ImportError, AttributeError, OSError):
        raise _not_found(
            f"No Japanese font found: set {SETTING_NAME} to a font file (.otf/.ttf) "
            f"or install the package {PACKAGE_NAME}.",
            code="font_not_found",
        ) from None
    return path, data


def _override_font(font_path):
    if not isinstance(font_path, (str, os.PathLike)):
        raise _not_found(
            f"{SETTING_NAME} must be a file path.", code="font_path_missing", path=repr(font_path)
        )
    path = Path(font_path).expanduser()
    try:
        data = _map(path)
    except OSError:
        raise _not_found(
            f"The font file {str(path)!r} named by {SETTING_NAME} does not exist or cannot be "
            f"read. Fix the path, or leave {SETTING_NAME} empty to use the package {PACKAGE_NAME}.",
            code="font_path_missing",
            path=str(path),
        ) from None
    return str(path.resolve()), data


def _parse(path, data):
    try:
        source = data if isinstance(data, mmap.mmap) else io.BytesIO(data)
        ttfont = TTFont(source, lazy=True, fontNumber=0)
        cmap = ttfont.getBestCmap() or {}
        # The other cmap subtables repeat the same 44,000 mappings (about 25 MB for Noto).
        del ttfont["cmap"]
        units_per_em = ttfont["head"].unitsPerEm
        os2 = ttfont["OS/2"]
        advances = _advance_widths(ttfont)
        names = {
            record.nameID: record.toUnicode()
            for record in ttfont["name"].names
            if record.nameID in (0, 1, 4, 6, 13, 14) and record.isUnicode()
        }
    except Exception:  # a damaged file can fail anywhere inside fontTools
        raise _not_found(
            f"The file {path!r} is not a font that can be read. Point {SETTING_NAME} at an "
            f".otf or .ttf file, or leave it empty to use the package {PACKAGE_NAME}.",
            code="font_unreadable",
            path=path,
        ) from None
    if not all(ord(character) in cmap for character in _PROBE_CHARACTERS):
        raise _not_found(
            f"The font {path!r} has no Japanese characters; labels would print empty boxes. "
            f"Point {SETTING_NAME} at a Japanese font or leave it empty to use {PACKAGE_NAME}.",
            code="font_lacks_japanese",
            path=path,
        )
    return LoadedFont(
        path=path,
        data=data,
        ttfont=ttfont,
        cmap=cmap,
        units_per_em=units_per_em,
        ascent=os2.sTypoAscender / units_per_em,
        descent=-os2.sTypoDescender / units_per_em,
        advances=advances,
        name_records=names,
    )


def _advance_widths(ttfont):
    """Advance widths by glyph id, read straight from the raw hmtx table.

    Decompiling hmtx makes two Python objects per glyph: about 22 MB for 65,000 CJK glyphs,
    against 130 KB for this array.
    """
    count = ttfont["hhea"].numberOfHMetrics
    metrics = array("H", ttfont.reader["hmtx"][: 4 * count])
    if sys.byteorder == "little":
        metrics.byteswap()
    return metrics[0::2]


def load_font(font_path=None):
    """Return the Japanese font, parsing it only on the first call for a given path.

    `font_path` is the app's LABEL_FONT_PATH setting: None or "" means the bundled
    noto-cjk-sans-jp-regular package. The 16 MB Noto OTF takes ~0.1-0.4 s to parse, so it is
    parsed once and shared by every job (thread-safe).
    """
    use_package = font_path is None or (isinstance(font_path, str) and not font_path.strip())
    if use_package:
        key = PACKAGE_MODULE
    elif isinstance(font_path, (str, os.PathLike)):
        key = os.fspath(font_path)
    else:
        key = None
    with _fonts_lock:
        font = _fonts.get(key) if key is not None else None
        if font is None:
            path, data = _package_font() if use_package else _override_font(font_path)
            font = _parse(path, data)
            if key is not None:
                _fonts[key] = font
    return font
