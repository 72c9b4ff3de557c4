"""Sheet layouts: presets that fit A4, custom layouts, skip, printer offsets, page counts."""

import math

import pytest

import labels
from labels import LayoutError, custom_layout

# Hisago ELM011 (21-up) is sold as 70×42.4 mm with no margins (余白なし): 3 × 7 labels tile
# the A4 sheet exactly, so its rows are 297/7 mm, not the 42.3 mm of the 12- and 18-up sheets.
ELM011_ROW_MM = 297 / 7

PUBLISHED_SHEETS = {
    # key: (label w, label h, columns, rows, left, top)
    "12up": (86.4, 42.3, 2, 6, 18.6, 21.2),
    "10up": (86.4, 50.8, 2, 5, 18.6, 21.2),
    "18up": (70.0, 42.3, 3, 6, 0.0, 21.2),
    "21up": (70.0, ELM011_ROW_MM, 3, 7, 0.0, 0.0),
    "24up": (66.0, 33.9, 3, 8, 6.0, 12.9),
    "44up": (48.3, 25.4, 4, 11, 8.4, 8.8),
}


@pytest.mark.parametrize("key", sorted(PUBLISHED_SHEETS))
def test_label_sheet_presets_match_the_published_measurements_with_pitch_equal_to_label_size(key):
    width, height, columns, rows, left, top = PUBLISHED_SHEETS[key]
    layout = labels.LAYOUTS[key]
    assert (layout.page_width_mm, layout.page_height_mm) == (210.0, 297.0)
    assert (layout.label_width_mm, layout.label_height_mm) == (width, height)
    assert (layout.columns, layout.rows, layout.left_mm, layout.top_mm) == (columns, rows, left, top)
    assert (layout.pitch_x_mm, layout.pitch_y_mm) == (width, height)


@pytest.mark.parametrize("key", sorted(labels.LAYOUTS))
def test_every_preset_fits_its_page(key):
    layout = labels.LAYOUTS[key]
    for cell in layout.cells():
        assert layout.page.contains(cell, tolerance=0.01), (key, cell)
    assert layout.name and layout.key == key


def test_the_21_up_sheet_matches_hisago_elm011_to_the_paper_edge_in_every_cell():
    layout = labels.LAYOUTS["21up"]
    assert "42.4" in layout.name
    for index, cell in enumerate(layout.cells()):
        row, column = divmod(index, 3)
        # Each published label edge is at column × 70 and row × 297/7 mm: within 0.05 mm.
        assert cell.x == pytest.approx(column * 70.0, abs=0.05)
        assert cell.y == pytest.approx(row * 297 / 7, abs=0.05)
        assert cell.bottom == pytest.approx((row + 1) * 297 / 7, abs=0.05)
    assert layout.cell(20).bottom == pytest.approx(297.0, abs=0.05)
    assert layout.cell(20).right == pytest.approx(210.0, abs=0.05)


def test_cell_positions_are_computed_not_accumulated_so_nothing_drifts_down_the_sheet():
    layout = labels.LAYOUTS["44up"]
    last = layout.cell(layout.per_page - 1)
    assert last.x == 8.4 + 3 * 48.3
    assert last.y == 8.8 + 10 * 25.4


def test_custom_layout_is_validated_and_usable():
    layout = custom_layout(
        label_width_mm=90,
        label_height_mm=60,
        columns=2,
        rows=4,
        left_mm=10,
        top_mm=20,
        pitch_x_mm=100,
        pitch_y_mm=65,
    )
    assert layout.per_page == 8
    assert layout.cell(7).right == 10 + 100 + 90


def test_custom_layout_wider_than_the_page_is_refused_with_the_width_needed():
    with pytest.raises(LayoutError) as caught:
        custom_layout(label_width_mm=100, label_height_mm=40, columns=2, rows=5, left_mm=15, top_mm=10)
    assert caught.value.code == "labels_exceed_page"
    assert caught.value.needed_mm == 215.0
    assert caught.value.maximum == 210.0
    assert "215.0 mm" in caught.value.message


def test_custom_layout_taller_than_the_page_is_refused():
    with pytest.raises(LayoutError) as caught:
        custom_layout(label_width_mm=50, label_height_mm=50, columns=2, rows=6, left_mm=0, top_mm=0)
    assert caught.value.code == "labels_exceed_page"
    assert caught.value.field == "height"


def test_custom_layout_with_overlapping_labels_is_refused():
    with pytest.raises(LayoutError) as caught:
        custom_layout(
            label_width_mm=50,
            label_height_mm=30,
            columns=2,
            rows=2,
            left_mm=0,
            top_mm=0,
            pitch_x_mm=40,
        )
    assert caught.value.code == "labels_overlap"


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"label_width_mm": 0}, "size_out_of_range"),
        ({"label_height_mm": -5}, "size_out_of_range"),
        ({"label_width_mm": float("nan")}, "not_a_number"),
        ({"label_width_mm": "86.4"}, "not_a_number"),
        ({"columns": 0}, "grid_out_of_range"),
        ({"rows": 2.5}, "grid_out_of_range"),
        ({"left_mm": -1}, "margin_negative"),
    ],
)
def test_custom_layout_refuses_nonsense_numbers(changes, code):
    values = dict(label_width_mm=50, label_height_mm=30, columns=2, rows=2, left_mm=5, top_mm=5)
    values.update(changes)
    with pytest.raises(LayoutError) as caught:
        custom_layout(**values)
    assert caught.value.code == code


def test_unknown_layout_key_is_refused_with_the_choices(package_label):
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(package_label(), layout="13up")
    assert caught.value.code == "unknown_layout"
    assert "12up" in caught.value.choices


@pytest.mark.parametrize("key, offset", [("12up", (5.0, -5.0)), ("21up", (1.0, -0.9)), ("44up", (-9.4, 9.8))])
def test_offsets_that_keep_labels_on_the_page_are_accepted(key, offset, package_label):
    plan = labels.jobs.plan_job(package_label(), count=1, layout=key, offset_mm=offset)
    cell, _ = plan.pages[0].placements[0]
    assert cell.x == pytest.approx(labels.LAYOUTS[key].left_mm + offset[0])


@pytest.mark.parametrize(
    "key, offset, field",
    [
        ("21up", (1.5, 0.0), "offset_x_mm"),
        ("12up", (0.0, 23.5), "offset_y_mm"),
        ("44up", (-9.5, 0), "offset_x_mm"),
    ],
)
def test_an_offset_pushing_labels_off_the_page_is_refused_with_the_allowed_range(
    key, offset, field, package_label
):
    with pytest.raises(LayoutError) as caught:
        labels.render_pdf(package_label(), layout=key, offset_mm=offset)
    error = caught.value
    assert error.code == "offset_off_page"
    assert error.field == field
    assert error.minimum < 0 < error.maximum
    assert "off the page" in error.message


@pytest.mark.parametrize(
    "skip, count, pages",
    [(0, 1, 1), (0, 12, 1), (0, 13, 2), (11, 1, 1), (11, 2, 2), (5, 1000, 84), (0, 2000, 167)],
)
def test_page_count_is_ceil_of_skip_plus_count_over_labels_per_page(skip, count, pages, package_label):
    assert labels.page_count(package_label(), count=count, layout="12up", skip=skip) == pages
    assert pages == math.ceil((skip + count) / 12)


def test_skipped_labels_on_a_part_used_sheet_are_left_blank(package_label, page_image, raster):
    _, image = page_image(package_label(), dpi=100, count=2, layout="12up", skip=5)
    cells = labels.LAYOUTS["12up"].cells()
    inked = [raster.ink_bbox(image, raster.px_box(cell, 100)) is not None for cell in cells]
    assert inked == [False] * 5 + [True, True] + [False] * 5
