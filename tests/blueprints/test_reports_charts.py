"""The SVG bar chart: well-formed XML, a title and axis labels, every number on its bar, text escaped."""

import xml.etree.ElementTree as ET

from blueprints.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def draw(**kwargs):
    series = [
        charts.Series("寄付", [3, 0, 12], "s-donated", "受"),
        charts.Series("購入", [1, 2, 0], "s-purchased", "受"),
        charts.Series("配置", [4, 4, 4], "s-placed", "出"),
    ]
    options = {"y_label": "パック数", "x_label": "月", "description": "説明"}
    options.update(kwargs)
    return ET.fromstring(str(charts.bar_chart("月別の受入と払出", ["4月", "5月", "6月"], series, **options)))


def test_a_chart_is_well_formed_and_carries_its_title_axis_labels_and_numbers():
    svg = draw()
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "月別の受入と払出"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "パック数" in texts and "月" in texts and "4月" in texts and "寄付" in texts
    bars = [
        (r.get("data-value"), r.find(f"{SVG}title").text)
        for r in svg.iter(f"{SVG}rect")
        if r.get("data-value")
    ]
    assert sorted(int(v) for v, _ in bars) == sorted([3, 12, 1, 2, 4, 4, 4])
    assert ("12", "6月 寄付: 12") in bars


def test_stacked_bars_share_a_column_and_grow_upwards():
    svg = draw()
    april = [
        r
        for r in svg.iter(f"{SVG}rect")
        if r.get("data-value") and r.find(f"{SVG}title").text.startswith("4月")
    ]
    donated, bought, placed = april
    assert donated.get("x") == bought.get("x") != placed.get("x")
    assert float(bought.get("y")) + float(bought.get("height")) == float(donated.get("y"))


def test_text_is_escaped_and_no_style_attribute_is_used():
    svg_text = str(
        charts.bar_chart(
            '<script>"x"</script>', ["a&b"], [charts.Series("<b>", [1])], y_label="y", x_label="x"
        )
    )
    root = ET.fromstring(svg_text)
    assert root.find(f"{SVG}title").text == '<script>"x"</script>'
    assert "<script>" not in svg_text and "style=" not in svg_text


def test_an_empty_chart_still_draws_its_axes():
    svg = draw()
    empty = ET.fromstring(
        str(charts.bar_chart("空", ["4月"], [charts.Series("寄付", [0])], y_label="y", x_label="x"))
    )
    assert not [r for r in empty.iter(f"{SVG}rect") if r.get("data-value")]
    assert len(list(empty.iter(f"{SVG}line"))) >= 2 and svg is not None


def test_the_value_axis_has_round_steps():
    assert charts.nice_scale(0) == (1.0, 1.0)
    assert charts.nice_scale(12) == (12.5, 2.5) or charts.nice_scale(12) == (15, 5)
    top, step = charts.nice_scale(1234)
    assert top >= 1234 and top / step <= 5
