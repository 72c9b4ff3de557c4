"""Benchmark: 1,000 package labels on the 12-up sheet, vector PDF against a raster PDF.

Run as `.venv/bin/python tests/perf/bench_labels.py` (not collected by pytest). Each case
runs in a fresh subprocess so its peak memory (ru_maxrss) is its own; the font is loaded
before the clock starts and timed separately.

Targets for the vector route: <= 0.5 s wall, <= 150 MB peak, <= 500 KB file.
"""

import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

COUNT = 1000
LAYOUT = "12up"
TARGET_SECONDS, TARGET_MB, TARGET_KB = 0.5, 150, 500


def _label():
    import labels

    return labels.PackageLabel(
        labels.location_url("https://tsunagari.example.jp", "K7M2Q9"),
        "困っていませんか？",
        ("相談無料・秘密厳守・匿名OK", "☎ 0157-57-3190", "平日 9:00–17:30"),
    )


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def case_font():
    """Time the first font load in a fresh process, a warm call, and the first glyph subset."""
    from labels.fonts import load_font
    from labels.truetype import truetype_subset

    started = time.perf_counter()
    font = load_font()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    load_font()
    warm = time.perf_counter() - started
    started = time.perf_counter()
    truetype_subset(font, "困っていませんか？相談無料・秘密厳守・匿名OK☎ 0157-57-3190平日 9:00–17:30")
    subset = time.perf_counter() - started
    return {"cold_s": cold, "warm_s": warm, "first_subset_s": subset, "peak_mb": _peak_mb()}


def case_vector():
    """The shipped route: labels.render_pdf, QR embedded once, text as text."""
    import labels

    labels.load_font()
    label = _label()
    baseline = _peak_mb()
    started = time.perf_counter()
    pdf = labels.render_pdf(label, count=COUNT, layout=LAYOUT)
    first = time.perf_counter() - started
    started = time.perf_counter()
    labels.render_pdf(label, count=COUNT, layout=LAYOUT)
    second = time.perf_counter() - started
    pages = labels.page_count(label, count=COUNT, layout=LAYOUT)
    return {
        "wall_s": first,
        "repeat_s": second,
        "bytes": len(pdf),
        "pages": pages,
        "baseline_mb": baseline,
        "peak_mb": _peak_mb(),
    }


def case_vector_rects():
    """Rejected alternative: the QR drawn as merged rectangles on every label (no reuse)."""
    import labels
    from labels import pdf as pdf_module
    from labels.jobs import plan_job

    class RectPainter(pdf_module._Painter):
        def qr(self, mark, dx, dy):
            for row, column, length in mark.code.dark_runs():
                self.pdf.rect(
                    mark.x + dx + column * mark.module_mm,
                    mark.y + dy + row * mark.module_mm,
                    length * mark.module_mm,
                    mark.module_mm,
                    style="F",
                )

    labels.load_font()
    baseline = _peak_mb()
    original = pdf_module._Painter
    pdf_module._Painter = RectPainter
    try:
        started = time.perf_counter()
        pdf = pdf_module.render_plan_pdf(plan_job(_label(), count=COUNT, layout=LAYOUT))
        wall = time.perf_counter() - started
    finally:
        pdf_module._Painter = original
    return {
        "wall_s": wall,
        "bytes": len(pdf),
        "pages": math.ceil(COUNT / 12),
        "baseline_mb": baseline,
        "peak_mb": _peak_mb(),
    }


def case_raster():
    """The raster route: one 300-dpi bilevel label pasted 1,000 times, pages saved by Pillow."""
    import io

    from PIL import Image

    import labels
    from labels.jobs import plan_job
    from labels.preview import render_page_image

    labels.load_font()
    baseline = _peak_mb()
    dpi = 300
    started = time.perf_counter()
    layout = labels.LAYOUTS[LAYOUT]
    one = plan_job(_label(), count=1, layout=LAYOUT)
    page = render_page_image(one, 0, dpi, show_cells=False, mode="1")
    scale = dpi / 25.4
    first = layout.cell(0)
    box = tuple(round(v * scale) for v in (first.x, first.y, first.right, first.bottom))
    label_image = page.crop(box)
    size = (round(layout.page_width_mm * scale), round(layout.page_height_mm * scale))
    pages = []
    for index in range(COUNT):
        slot = index % layout.per_page
        if slot == 0:
            pages.append(Image.new("1", size, 1))
        cell = layout.cell(slot)
        pages[-1].paste(label_image, (round(cell.x * scale), round(cell.y * scale)))
    output = io.BytesIO()
    pages[0].save(output, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "bytes": output.tell(),
        "pages": len(pages),
        "baseline_mb": baseline,
        "peak_mb": _peak_mb(),
    }


CASES = {
    "font": case_font,
    "vector": case_vector,
    "vector_rects": case_vector_rects,
    "raster": case_raster,
}


def run_case(name):
    """Run one case in a fresh interpreter and return its measurements."""
    completed = subprocess.run(
        [sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    """Run every case and print the table, the ratios and the verdict against the targets."""
    results = {name: run_case(name) for name in CASES}
    font, vector, rects, raster = (results[k] for k in ("font", "vector", "vector_rects", "raster"))
    print(f"{COUNT} package labels, layout {LAYOUT}, {vector['pages']} pages, one location URL\n")
    print(f"{'route':<34}{'wall s':>8}{'peak MB':>10}{'file KB':>10}{'pages':>7}")
    rows = (
        ("vector PDF (labels.render_pdf)", vector),
        ("  same job again, warm", {**vector, "wall_s": vector["repeat_s"]}),
        ("vector, QR as rects on each label", rects),
        ("raster PDF (Pillow, 1-bit 300 dpi)", raster),
    )
    for title, row in rows:
        print(
            f"{title:<34}{row['wall_s']:>8.3f}{row['peak_mb']:>10.1f}"
            f"{row['bytes'] / 1024:>10.1f}{row['pages']:>7}"
        )
    print(
        f"\n(peak MB is the whole process's max RSS; before rendering it was "
        f"{vector['baseline_mb']:.1f} MB with Python, libraries and the parsed font)"
    )
    print(
        "\nratios raster / vector: "
        f"time x{raster['wall_s'] / vector['wall_s']:.1f}, "
        f"peak memory x{raster['peak_mb'] / vector['peak_mb']:.1f}, "
        f"file size x{raster['bytes'] / vector['bytes']:.1f}"
    )
    print(
        f"\nfont: first load {font['cold_s']:.3f} s, warm call {font['warm_s'] * 1e6:.1f} µs, "
        f"first glyph subset {font['first_subset_s']:.3f} s"
    )
    verdicts = (
        ("wall", vector["wall_s"] <= TARGET_SECONDS, f"{vector['wall_s']:.3f} s <= {TARGET_SECONDS} s"),
        ("memory", vector["peak_mb"] <= TARGET_MB, f"{vector['peak_mb']:.1f} MB <= {TARGET_MB} MB"),
        ("file", vector["bytes"] <= TARGET_KB * 1024, f"{vector['bytes'] / 1024:.1f} KB <= {TARGET_KB} KB"),
    )
    print(
        "\ntargets: "
        + ", ".join(f"{name} {'OK' if ok else 'MISSED'} ({text})" for name, ok, text in verdicts)
    )
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(CASES[sys.argv[2]]()))
    else:
        sys.exit(main())
