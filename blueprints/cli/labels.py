"""Command-line printing: sheet layouts, label PDFs (recorded as batches), placards, calibration pages."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

import labels
from inventory.core.errors import DomainError, InvalidQuantity
from inventory.printing import batches as printing
from inventory.printing.batches import PrintJob
from inventory.printing.models import Product
from inventory.settings.organisation import get_settings
from inventory.stock import catalog
from inventory.stock.errors import RetiredLocation

labels_cli = AppGroup("labels", help="Print QR labels, placards and calibration pages as PDF.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(labels_cli)


def _fail(message: str):
    raise click.ClickException(message)


def _location(code: str):
    """The active location a code names; a retired or unknown code stops the command."""
    location = catalog.find_location_by_code(code)
    if location is None:
        _fail(f"no location with the code {code!r} (see `flask locations list`)")
    if not location.active:
        _fail(f"the location {location.code} ({location.name}) is retired: print nothing new for it")
    return location


def _base_url(option: str | None) -> str:
    base = option or get_settings().public_base_url
    if not base:
        _fail("no public address: set it in the admin settings or pass --base-url https://…")
    return base


def _font() -> str | None:
    return current_app.config.get("LABEL_FONT_PATH")


def _write(out: Path, pdf: bytes, what: str) -> None:
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({what}, {len(pdf)} bytes)")


def _explain(error: Exception) -> str:
    if isinstance(error, labels.LabelError):
        return error.message
    if isinstance(error, InvalidQuantity):
        option = error.field.replace("_", "-")
        return f"--{option} must be a whole number from {error.minimum} to {error.maximum}"
    if isinstance(error, RetiredLocation):
        return "the location is retired: print nothing new for it"
    return f"{error} {error.details or ''}".strip() if isinstance(error, DomainError) else str(error)


def _warn_losses(job: PrintJob, base_url: str) -> None:
    """Say on stderr which texts did not print as given: emoji and invisible characters vanish quietly."""
    for loss in printing.text_losses_of(job, base_url=base_url, font_path=_font()):
        shown = " ".join(
            f"U+{ord(c):04X}" if unicodedata.category(c)[0] in "CZ" else c
            for c in dict.fromkeys(loss.characters)
        )
        if loss.kind == "dropped":
            click.echo(f"warning: characters left out of {loss.field} (cannot be printed): {shown}", err=True)
        elif loss.kind == "replaced":
            click.echo(
                f"warning: characters of {loss.field} not in the label font, printed as 〓: {shown}", err=True
            )
        else:
            click.echo(f"warning: {loss.field} is too long for these labels and is cut short (…)", err=True)


base_url_option = click.option(
    "--base-url",
    default=None,
    help="Address printed in QR codes (default: the public address in the settings).",
)
out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write."
)
offset_options = [
    click.option("--offset-x", type=float, default=0.0, help="Shift right in mm (negative: left)."),
    click.option("--offset-y", type=float, default=0.0, help="Shift down in mm (negative: up)."),
]


def with_offsets(command):
    """Add the --offset-x / --offset-y options."""
    for option in reversed(offset_options):
        command = option(command)
    return command


@labels_cli.command("layouts")
def layouts():
    """Print one sheet layout a line: key, name, label size, grid (tab-separated)."""
    for key, layout in labels.LAYOUTS.items():
        click.echo(
            "\t".join(
                [
                    key,
                    layout.name,
                    f"{layout.label_width_mm:g}x{layout.label_height_mm:g}mm",
                    f"{layout.columns}x{layout.rows}",
                ]
            )
        )


@labels_cli.command("print")
@click.option("--location", "code", default=None, help="The location code the QR codes lead to.")
@click.option("--general", is_flag=True, help="QR codes lead to the general support page instead.")
@click.option(
    "--product",
    type=click.Choice([Product.PACKAGE_LABEL.value, Product.LEAFLET_CARD.value]),
    default=Product.PACKAGE_LABEL.value,
    show_default=True,
)
@click.option("--count", type=int, required=True, help=f"Number of labels, 1 to {labels.MAX_LABELS}.")
@click.option(
    "--layout", default="", help="A sheet key from `flask labels layouts` (default: the product's own)."
)
@click.option("--skip", type=int, default=0, help="Labels already used on the first sheet.")
@with_offsets
@base_url_option
@out_option
def print_labels(code, general, product, count, layout, skip, offset_x, offset_y, base_url, out):
    """Write a PDF of labels and record it as a batch (printed by: the command line)."""
    if bool(code) == bool(general):
        _fail("give either --location CODE or --general")
    location = _location(code) if code else None
    if layout and layout not in labels.LAYOUTS:
        _fail(f"unknown layout {layout!r}; choose one of {', '.join(labels.LAYOUTS)}")
    job = PrintJob(
        product=product,
        location_id=location.id if location else None,
        layout=layout,
        count=count,
        skip=skip,
        offset_x_mm=offset_x,
        offset_y_mm=offset_y,
    )
    try:
        result = printing.record_batch(
            job, base_url=_base_url(base_url), font_path=_font(), created_by=None, idempotency_key=None
        )
    except (DomainError, labels.LabelError) as error:
        _fail(_explain(error))
    _write(out, result.pdf, f"batch #{result.batch_id}, {count} labels")
    _warn_losses(job, _base_url(base_url))


@labels_cli.command("placard")
@click.option("--location", "code", required=True, help="The location code.")
@click.option("--layout", type=click.Choice(["a5", "a6", "card4"]), default="a5", show_default=True)
@with_offsets
@base_url_option
@out_option
def placard(code, layout, offset_x, offset_y, base_url, out):
    """Write a location's placard as PDF and record it as a batch of one."""
    location = _location(code)
    job = PrintJob(
        product=Product.PLACARD.value,
        location_id=location.id,
        layout=layout,
        count=1,
        offset_x_mm=offset_x,
        offset_y_mm=offset_y,
    )
    try:
        result = printing.record_batch(
            job, base_url=_base_url(base_url), font_path=_font(), created_by=None, idempotency_key=None
        )
    except (DomainError, labels.LabelError) as error:
        _fail(_explain(error))
    _write(out, result.pdf, f"placard for {location.code}, batch #{result.batch_id}")
    _warn_losses(job, _base_url(base_url))


@labels_cli.command("calibration")
@click.option("--layout", required=True, help="A sheet key from `flask labels layouts`.")
@with_offsets
@out_option
def calibration(layout, offset_x, offset_y, out):
    """Write a calibration page: every label outlined and numbered, to measure the printer's offset."""
    try:
        pdf = labels.calibration_pdf(layout, offset_mm=(offset_x, offset_y), font_path=_font())
    except labels.LabelError as error:
        _fail(error.message)
    _write(out, pdf, f"calibration page, {layout}")
