"""The print kit: label batches (who printed what, for which location) and the printed texts.

A batch is recorded only after its PDF rendered, so a job the renderer refuses (a layout that
does not fit, an offset off the page) writes nothing. A reprint renders the stored batch again
with today's settings. Rendering itself is `labels`' job; this module only fills in the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import sqlalchemy as sa

import labels
from inventory.accounts.models import User
from inventory.core import idempotency
from inventory.core.checks import is_row_id
from inventory.core.clock import local_today
from inventory.core.db import db
from inventory.core.errors import InvalidQuantity, InvalidValue, NotFound
from inventory.printing.models import MAX_NOTE, LabelBatch, Product
from inventory.settings.organisation import Settings, get_settings
from inventory.stock.catalog import get_location, require_location
from inventory.stock.errors import UnknownRecord
from inventory.stock.models import (
    Location,
    MovementKind,
    RecordKind,
    StockMovement,
    StockRecord,
)

# Printed for the public in Kitami: Japanese by design, whatever the staff's interface language.
LABEL_HEADLINE = "困っていませんか？"
LABEL_PROMISE = "相談無料・秘密厳守・匿名OK"
CARD_HEADLINE = "ひとりで悩まないで"
PLACARD_PUBLIC = "相談窓口のご案内"
PLACARD_VOLUNTEER = "補充の方はスキャンしてください"
MAX_OFFSET_MM = 50
CUSTOM = "custom"
# The measures of a custom layout, in the order custom_layout() takes them (pitches and the
# printer margin optional: batches stored before the margin existed print with the default).
CUSTOM_FIELDS = (
    "label_width_mm",
    "label_height_mm",
    "columns",
    "rows",
    "left_mm",
    "top_mm",
    "pitch_x_mm",
    "pitch_y_mm",
    "printer_margin_mm",
)
STANDARD_LAYOUTS = {
    Product.PACKAGE_LABEL.value: labels.PackageLabel.default_layout,
    Product.LEAFLET_CARD.value: labels.LeafletCard.default_layout,
    Product.PLACARD.value: labels.LocationPlacard.default_layout,
}


@dataclass(frozen=True)
class PrintJob:
    """What to print, as plain values: the form, the CLI and a stored batch all become one."""

    product: str = Product.PACKAGE_LABEL.value
    location_id: int | None = None
    layout: str = ""  # a preset key, "custom", or "" for the product's standard sheet
    custom: dict | None = None  # CUSTOM_FIELDS -> number, when layout == "custom"
    count: int = 1
    skip: int = 0
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0

    @property
    def offset_mm(self) -> tuple[float, float]:
        """The printer offset as labels takes it."""
        return (float(self.offset_x_mm), float(self.offset_y_mm))


@dataclass(frozen=True)
class BatchResult:
    """A recorded batch and its PDF."""

    batch_id: int
    pdf: bytes
    replayed: bool = False


def general_url(base_url: str) -> str:
    """The QR address of labels for no particular location: the support page."""
    return base_url.strip().rstrip("/") + "/support"


def qr_url(location: Location | None, base_url: str) -> str:
    """The address a QR code carries: the location's /L/<CODE>, or the general support page."""
    if location is None:
        return general_url(base_url)
    return labels.location_url(base_url, location.code)


def _phone_line(settings: Settings) -> str:
    return f"☎ {settings.consultation_phone}" if settings.consultation_phone else ""


def package_label_for(location: Location | None, settings: Settings, base_url: str) -> labels.PackageLabel:
    """The sticker on a package bag."""
    lines = tuple(line for line in (LABEL_PROMISE, _phone_line(settings), settings.hours) if line)
    return labels.PackageLabel(qr_url(location, base_url), LABEL_HEADLINE, lines)


def leaflet_card_for(
    settings: Settings, base_url: str, location: Location | None = None
) -> labels.LeafletCard:
    """The card put in each package: every way to reach the consultation window."""
    return labels.LeafletCard(
        qr_url(location, base_url),
        CARD_HEADLINE,
        phone=f"電話 {settings.consultation_phone}" if settings.consultation_phone else "",
        line_id=f"LINE {settings.line_contact}" if settings.line_contact else "",
        email=settings.email_contact,
        hours=settings.hours,
        cafe=settings.cafe_text,
    )


def placard_for(location: Location, settings: Settings, base_url: str) -> labels.LocationPlacard:
    """The placard on a placement point's wall: support for the public, the way in for volunteers."""
    public = " ".join(part for part in (PLACARD_PUBLIC, settings.consultation_phone) if part)
    return labels.LocationPlacard(
        qr_url(location, base_url),
        location.name,
        spot=location.spot,
        public_line=public,
        volunteer_line=PLACARD_VOLUNTEER,
        code=location.code,
    )


def check_job(job: PrintJob) -> PrintJob:
    """Check the job's shape (the renderer checks the fit); raise a domain error naming the field."""
    if job.product not in {p.value for p in Product}:
        raise InvalidValue("unknown product", field="product")
    if (
        isinstance(job.count, bool)
        or not isinstance(job.count, int)
        or not 1 <= job.count <= labels.MAX_LABELS
    ):
        raise InvalidQuantity(job.count, field="count", maximum=labels.MAX_LABELS)
    if isinstance(job.skip, bool) or not isinstance(job.skip, int) or job.skip < 0:
        raise InvalidQuantity(job.skip, field="skip", minimum=0, maximum=labels.MAX_LABELS)
    for field in ("offset_x_mm", "offset_y_mm"):
        value = getattr(job, field)
        if not isinstance(value, (int, float)) or abs(value) > MAX_OFFSET_MM:
            raise InvalidValue(
                "offset out of range", field=field, minimum=-MAX_OFFSET_MM, maximum=MAX_OFFSET_MM
            )
    if job.product == Product.PLACARD and job.location_id is None:
        raise InvalidValue("a placard needs a location", field="location_id")
    if job.layout == CUSTOM and not job.custom:
        raise InvalidValue("custom layout without measures", field="layout")
    if job.product == Product.PLACARD:
        # One page per location, as the choice says: the label count (12 by default) is not for it.
        job = replace(job, count=1, skip=0)
    # The batch names the sheet it was printed on, even when the product's standard was meant.
    # Tenths of a millimetre, as stored: a preview shows exactly what a reprint will print.
    return replace(
        job,
        layout=job.layout or STANDARD_LAYOUTS[job.product],
        offset_x_mm=round(float(job.offset_x_mm), 1),
        offset_y_mm=round(float(job.offset_y_mm), 1),
    )


def sheet_of(job: PrintJob):
    """The layout to pass to labels: a preset key, a custom SheetLayout, or None (the product's own)."""
    if job.layout == CUSTOM:
        # A missing measure goes in as None, so the renderer names the box to fill in.
        measures = job.custom or {}
        values = {name: measures.get(name) for name in CUSTOM_FIELDS}
        if values["printer_margin_mm"] is None:
            values["printer_margin_mm"] = labels.PRINTER_MARGIN_MM
        return labels.custom_layout(**values)
    return job.layout or STANDARD_LAYOUTS.get(job.product)


def content_of(
    job: PrintJob, base_url: str, *, settings: Settings | None = None, allow_retired: bool = False
):
    """The labels product a job prints, with today's settings; a retired location is refused."""
    location = None
    if job.location_id is not None:
        location = get_location(job.location_id) if allow_retired else require_location(job.location_id)
    settings = settings or get_settings()
    if job.product == Product.PLACARD:
        assert location is not None, "check_job refuses a placard without a location"
        return placard_for(location, settings, base_url)
    if job.product == Product.LEAFLET_CARD:
        return leaflet_card_for(settings, base_url, location)
    return package_label_for(location, settings, base_url)


def render_job_pdf(job: PrintJob, *, base_url: str, font_path: str | None = None) -> bytes:
    """The job's PDF; raises a domain error or a labels.LabelError, never a half-made file."""
    job = check_job(job)
    return labels.render_pdf(
        content_of(job, base_url),
        count=job.count,
        layout=sheet_of(job),
        skip=job.skip,
        offset_mm=job.offset_mm,
        font_path=font_path,
    )


def render_job_preview(
    job: PrintJob, *, base_url: str, font_path: str | None = None, dpi: int = 100, page: int = 1
) -> bytes:
    """A PNG of one page of the job."""
    job = check_job(job)
    return labels.render_preview(
        content_of(job, base_url),
        count=job.count,
        layout=sheet_of(job),
        skip=job.skip,
        offset_mm=job.offset_mm,
        font_path=font_path,
        dpi=dpi,
        page=page,
    )


def text_losses_of(
    job: PrintJob, *, base_url: str, font_path: str | None = None
) -> tuple[labels.TextLoss, ...]:
    """What of the job's texts would not print as given (dropped, 〓 or cut), for a warning."""
    job = check_job(job)
    return labels.text_losses(
        content_of(job, base_url),
        count=job.count,
        layout=sheet_of(job),
        skip=job.skip,
        offset_mm=job.offset_mm,
        font_path=font_path,
    )


def pages_of(job: PrintJob, *, base_url: str) -> int:
    """How many sheets the job needs."""
    job = check_job(job)
    return labels.page_count(content_of(job, base_url), count=job.count, layout=sheet_of(job), skip=job.skip)


def _assembly_record(record_id) -> StockRecord:
    record = db.session.get(StockRecord, record_id) if is_row_id(record_id) else None
    if record is None or record.kind != RecordKind.ASSEMBLY:
        raise UnknownRecord(record_id)
    return record


def assembled_quantity(record_id: int) -> int:
    """How many packages an assembly record made (the natural number of labels to print)."""
    _assembly_record(record_id)
    return (
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0)).where(
                StockMovement.record_id == record_id,
                StockMovement.kind == MovementKind.ASSEMBLY_PRODUCE.value,
            )
        )
        or 0
    )


def record_batch(
    job: PrintJob,
    *,
    base_url: str,
    font_path: str | None = None,
    created_by: int | None = None,
    assembly_record_id: int | None = None,
    note: str = "",
    idempotency_key: str | None,
) -> BatchResult:
    """Render the job, then record it as a batch; the same key twice records once.

    Rendering comes first and outside the transaction: a job the renderer refuses raises its
    LabelError before anything is written, and no write lock is held while drawing.
    """
    job = check_job(job)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidValue("too long", field="note", maximum=MAX_NOTE)
    if assembly_record_id is not None:
        _assembly_record(assembly_record_id)
    pdf = render_job_pdf(job, base_url=base_url, font_path=font_path)
    db.session.rollback()  # end the read transaction the rendering opened
    spec = json.dumps(job.custom, sort_keys=True) if job.layout == CUSTOM else None
    payload = dict(job=job.__dict__, assembly=assembly_record_id, note=note)

    def work(session) -> int:
        # Again inside the transaction: the location may have been retired meanwhile.
        if job.location_id is not None:
            require_location(job.location_id)
        if assembly_record_id is not None:
            _assembly_record(assembly_record_id)
        batch = LabelBatch(
            created_by=created_by,
            product=job.product,
            location_id=job.location_id,
            assembly_record_id=assembly_record_id,
            layout=job.layout,
            layout_spec=spec,
            count=job.count,
            skip=job.skip,
            offset_x_tenths=round(job.offset_x_mm * 10),
            offset_y_tenths=round(job.offset_y_mm * 10),
            note=note,
        )
        session.add(batch)
        session.flush()
        return batch.id

    if idempotency_key is not None:
        # The key belongs to the page; what it printed is part of it. A double click records
        # once, while changing the count after a download and printing again is a new batch.
        idempotency_key = (
            f"{idempotency.check_key(idempotency_key)[:80]}:"
            f"{idempotency.fingerprint('record_label_batch', payload)[:16]}"
        )
    batch_id, replayed = idempotency.run("record_label_batch", idempotency_key, payload, work)
    return BatchResult(batch_id, pdf, replayed)


def get_batch(batch_id) -> LabelBatch:
    """Load a batch or raise NotFound."""
    batch = db.session.get(LabelBatch, batch_id) if is_row_id(batch_id) else None
    if batch is None:
        raise NotFound("unknown label batch", batch=batch_id)
    return batch


def job_of(batch: LabelBatch, *, skip: int | None = None, offset_mm: tuple | None = None) -> PrintJob:
    """The job a batch recorded; a reprint may change the skip and the printer offset."""
    offset = offset_mm or (batch.offset_x_tenths / 10, batch.offset_y_tenths / 10)
    return PrintJob(
        product=batch.product,
        location_id=batch.location_id,
        layout=batch.layout,
        custom=json.loads(batch.layout_spec) if batch.layout_spec else None,
        count=batch.count,
        skip=batch.skip if skip is None else skip,
        offset_x_mm=offset[0],
        offset_y_mm=offset[1],
    )


@dataclass(frozen=True)
class BatchRow:
    """A batch for the list: what, for where, by whom."""

    batch: LabelBatch
    location: Location | None
    user_name: str | None


def list_batches(limit: int = 100) -> list[BatchRow]:
    """The most recent batches, newest first."""
    rows = db.session.execute(
        sa.select(LabelBatch, Location, User)
        .outerjoin(Location, Location.id == LabelBatch.location_id)
        .outerjoin(User, User.id == LabelBatch.created_by)
        .order_by(LabelBatch.created_at.desc(), LabelBatch.id.desc())
        .limit(limit)
    )
    return [BatchRow(batch, location, user.name if user else None) for batch, location, user in rows]


def filename_of(batch: LabelBatch) -> str:
    """The PDF's file name: labels-YYYYMMDD-<id>.pdf, dated in Japan time."""
    return f"labels-{local_today(batch.created_at):%Y%m%d}-{batch.id}.pdf"
