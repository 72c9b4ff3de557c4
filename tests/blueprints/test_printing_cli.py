"""`flask labels …`: layouts, label PDFs recorded as batches, placards and calibration pages."""

import pytest

from inventory.settings import organisation as settings
from inventory.stock import catalog

from .test_printing import PUBLIC_BASE, batch_count, only_batch, pdf_pages, qr_texts


@pytest.fixture
def public_base(app):
    """The public address printed in QR codes."""
    settings.update_settings(public_base_url=PUBLIC_BASE)
    return PUBLIC_BASE


def test_layouts_lists_every_sheet_one_a_line(runner):
    result = runner.invoke(args=["labels", "layouts"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 10
    assert lines[0].split("\t") == ["12up", "A4 12面 86.4×42.3mm", "86.4x42.3mm", "2x6"]


def test_print_writes_the_pdf_and_records_a_batch_by_nobody(runner, point, public_base, tmp_path):
    out = tmp_path / "labels.pdf"
    result = runner.invoke(
        args=[
            "labels",
            "print",
            "--location",
            point.code.lower(),
            "--count",
            "13",
            "--layout",
            "12up",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf, tmp_path) == 2
    assert qr_texts(pdf, tmp_path, page=2) == [f"{PUBLIC_BASE}/L/{point.code}".upper()]
    batch = only_batch()
    assert (batch.created_by, batch.location_id, batch.count, batch.layout) == (None, point.id, 13, "12up")


def test_print_general_labels_lead_to_the_support_page(runner, public_base, tmp_path):
    out = tmp_path / "general.pdf"
    result = runner.invoke(
        args=["labels", "print", "--general", "--count", "2", "--layout", "12up", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert qr_texts(out.read_bytes(), tmp_path) == [f"{PUBLIC_BASE}/support"] * 2
    assert only_batch().location_id is None


def test_placard_writes_one_page_for_the_location(runner, point, public_base, tmp_path):
    out = tmp_path / "placard.pdf"
    result = runner.invoke(args=["labels", "placard", "--location", point.code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pdf_pages(out.read_bytes(), tmp_path) == 1
    assert qr_texts(out.read_bytes(), tmp_path) == [f"{PUBLIC_BASE}/L/{point.code}".upper()]


def test_calibration_writes_a_page_for_the_layout(runner, tmp_path):
    out = tmp_path / "calibration.pdf"
    result = runner.invoke(args=["labels", "calibration", "--layout", "44up", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "command",
    [
        ["labels", "print", "--count", "3", "--layout", "12up"],
        ["labels", "placard"],
    ],
)
def test_a_retired_or_unknown_location_code_is_refused_and_nothing_is_written(
    runner, point, public_base, tmp_path, command
):
    out = tmp_path / "refused.pdf"
    catalog.set_location_active(point.id, False)
    for code, reason in ((point.code, "retired"), ("ZZZZZZ9", "no location")):
        result = runner.invoke(args=[*command, "--location", code, "--out", str(out)])
        assert result.exit_code != 0
        assert reason in result.output
    assert not out.exists() and batch_count() == 0


@pytest.mark.parametrize(
    "arguments, reason",
    [
        (["--general", "--count", "0"], "1 to 2000"),
        (["--general", "--count", "5", "--layout", "99up"], "unknown layout"),
        (["--general", "--count", "5", "--skip", "12", "--layout", "12up"], "skip"),
        (["--count", "5"], "either --location"),
    ],
)
def test_print_refuses_bad_input_with_a_clear_message(runner, public_base, tmp_path, arguments, reason):
    out = tmp_path / "refused.pdf"
    result = runner.invoke(args=["labels", "print", *arguments, "--out", str(out)])
    assert result.exit_code != 0
    assert reason in result.output
    assert not out.exists() and batch_count() == 0


def test_print_without_a_public_address_asks_for_one(runner, point, tmp_path):
    result = runner.invoke(
        args=["labels", "print", "--general", "--count", "1", "--out", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code != 0 and "--base-url" in result.output
    result = runner.invoke(
        args=[
            "labels",
            "print",
            "--general",
            "--count",
            "1",
            "--base-url",
            "https://a.example.jp",
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert result.exit_code == 0, result.output


def test_calibration_refuses_an_unknown_layout(runner, tmp_path):
    result = runner.invoke(
        args=["labels", "calibration", "--layout", "99up", "--out", str(tmp_path / "c.pdf")]
    )
    assert result.exit_code != 0 and "99up" in result.output
