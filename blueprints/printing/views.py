"""The views of the printing blueprint (see the package's docstring)."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

import labels
from inventory.accounts.models import Role
from inventory.core.errors import DomainError, NotFound
from inventory.printing import batches as printing
from inventory.printing.batches import PrintJob
from inventory.printing.models import Product
from inventory.settings.organisation import get_settings
from inventory.stock import catalog

from ..auth.access import roles_required, staff_required
from ..forms import optional_row_id
from . import bp
from .forms import (
    PLACARD_LAYOUTS,
    JobFields,
    LayoutFields,
    PlacardForm,
    PrintForm,
    ReprintForm,
    layout_choices,
    optional_int,
)
from .messages import attach_print_error, loss_messages, print_message

# Volunteers put placards up on their rounds; everything else here is the office's.
placard_required = roles_required(Role.ADMIN, Role.STAFF, Role.VOLUNTEER)
PREVIEW_DPI = 100
DEFAULT_COUNT = 12
PRINT_ERRORS = (DomainError, labels.LabelError)


def base_url() -> str:
    """The address printed in QR codes: the configured public one, else the one we are served at."""
    return get_settings().public_base_url or request.url_root


def font_path() -> str | None:
    """The LABEL_FONT_PATH setting (None: the bundled Noto font)."""
    return current_app.config.get("LABEL_FONT_PATH")


def pdf_response(pdf: bytes, filename: str) -> Response:
    """Send a PDF as a download."""
    response = send_file(
        io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=filename, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def png_response(png: bytes) -> Response:
    """Send a preview image, never cached (settings and offsets change what it shows)."""
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


def refusal(error: Exception) -> Response:
    """A preview that cannot be drawn: the reason as plain text, 400."""
    return Response(print_message(error), status=400, mimetype="text/plain")


def job_args(job: PrintJob) -> dict:
    """The query string of a job's preview image."""
    args = dict(
        product=job.product,
        layout=job.layout,
        count=job.count,
        skip=job.skip,
        offset_x_mm=f"{job.offset_x_mm:g}",
        offset_y_mm=f"{job.offset_y_mm:g}",
    )
    if job.location_id is not None:
        args["location_id"] = job.location_id
    for name, value in (job.custom or {}).items():
        if value is not None:
            args[name] = f"{value:g}"
    return args


def checked_preview(form, job: PrintJob) -> dict | None:
    """Check the job by drawing it small: the preview's URL and page count, or None with the error shown."""
    try:
        pages = printing.pages_of(job, base_url=base_url())
        printing.render_job_preview(job, base_url=base_url(), font_path=font_path(), dpi=labels.MIN_DPI)
        losses = printing.text_losses_of(job, base_url=base_url(), font_path=font_path())
    except PRINT_ERRORS as error:
        form.message = attach_print_error(form, error)
        return None
    # Emoji, invisible characters and cut text vanish quietly on paper: say so beside the preview.
    return dict(url=url_for(".preview", **job_args(job)), pages=pages, warnings=loss_messages(losses))


# ---- the print page ---------------------------------------------------------------------------


def _prefilled_form() -> tuple[PrintForm, str | None]:
    """The print form from a link: ?assembly=<record id>&count=<n>&location=<id>&product=<key>."""
    message = None
    assembly_id = optional_int(request.args.get("assembly"))
    made = None
    if assembly_id is not None:
        try:
            made = printing.assembled_quantity(assembly_id)
        except NotFound:
            message = _(
                "Assembly #%(id)s does not exist, so these labels will not be linked to it.", id=assembly_id
            )
            assembly_id = None
    product = request.args.get("product")
    count = optional_int(request.args.get("count"))
    data = dict(
        product=product if product in {p.value for p in Product} else Product.PACKAGE_LABEL.value,
        location_id=optional_row_id(request.args.get("location")),
        layout="",
        skip=0,
        offset_x_mm=0.0,
        offset_y_mm=0.0,
        count=count if count is not None else (made or DEFAULT_COUNT),
        assembly_record_id=assembly_id,
    )
    return PrintForm(data=data), message


def _download(form, job: PrintJob, **batch):
    """Record the batch and answer with its PDF; on a refusal put the message on the form (None)."""
    try:
        result = printing.record_batch(
            job,
            base_url=base_url(),
            font_path=font_path(),
            created_by=current_user.id,
            idempotency_key=form.idempotency_key.data,
            **batch,
        )
    except PRINT_ERRORS as error:
        form.message = attach_print_error(form, error)
        return None
    return pdf_response(result.pdf, printing.filename_of(printing.get_batch(result.batch_id)))


@bp.route("/", methods=["GET", "POST"])
@staff_required
def index():
    """Choose what to print, see the first sheet, download the PDF (which records the batch)."""
    message = None
    if request.method == "GET":
        form, message = _prefilled_form()
        valid = True
    else:
        form = PrintForm()
        valid = form.validate()
    form.message = None
    preview = None
    if valid:
        job = form.job()
        if request.form.get("action") == "download":
            response = _download(
                form, job, assembly_record_id=form.assembly_record_id.data, note=form.note.data or ""
            )
            if response is not None:
                return response
        else:
            preview = checked_preview(form, job)
    assembly_id = form.assembly_record_id.data
    return render_template(
        "printing/index.html",
        form=form,
        preview=preview,
        message=message or form.message,
        assembly_id=assembly_id,
        recent=printing.list_batches(limit=5),
    )


@bp.route("/preview.png")
@staff_required
def preview():
    """The first (or ?page=) sheet of a job as PNG; the query string holds the print form's fields."""
    form = JobFields(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        return Response(_("Please check the values on the form."), status=400, mimetype="text/plain")
    try:
        png = printing.render_job_preview(
            form.job(),
            base_url=base_url(),
            font_path=font_path(),
            dpi=PREVIEW_DPI,
            page=optional_int(request.args.get("page")) or 1,
        )
    except PRINT_ERRORS as error:
        return refusal(error)
    return png_response(png)


# ---- past batches -----------------------------------------------------------------------------


@bp.route("/batches")
@staff_required
def batches():
    """The batches printed so far, newest first."""
    return render_template("printing/batches.html", rows=printing.list_batches())


@bp.route("/batches/<row_id:batch_id>", methods=["GET", "POST"])
@staff_required
def reprint(batch_id: int):
    """Print a recorded batch again with today's settings; the skip and the offset may change."""
    try:
        batch = printing.get_batch(batch_id)
    except NotFound:
        abort(404)
    form = ReprintForm(
        data=dict(skip=0, offset_x_mm=batch.offset_x_tenths / 10, offset_y_mm=batch.offset_y_tenths / 10)
    )
    form.message = None
    preview = None
    if request.method == "GET" or form.validate_on_submit():
        job = printing.job_of(
            batch,
            skip=form.skip.data or 0,
            offset_mm=(form.offset_x_mm.data or 0.0, form.offset_y_mm.data or 0.0),
        )
        if request.form.get("action") == "download":
            try:
                pdf = printing.render_job_pdf(job, base_url=base_url(), font_path=font_path())
            except PRINT_ERRORS as error:
                form.message = attach_print_error(form, error)
            else:
                return pdf_response(pdf, printing.filename_of(batch))
        else:
            preview = checked_preview(form, job)
    location = catalog.get_location(batch.location_id) if batch.location_id else None
    return render_template(
        "printing/reprint.html",
        batch=batch,
        location=location,
        form=form,
        preview=preview,
        message=form.message,
    )


# ---- calibration ------------------------------------------------------------------------------


def _calibration_form() -> LayoutFields:
    form = LayoutFields(
        formdata=request.args or None,
        meta={"csrf": False},
        data=dict(layout="12up", offset_x_mm=0.0, offset_y_mm=0.0),
    )
    form.layout.choices = layout_choices(standard=False)
    return form


def _calibration_sheet(form: LayoutFields):
    return printing.sheet_of(PrintJob(layout=form.layout.data or "12up", custom=form.custom_measures()))


@bp.route("/calibration")
@staff_required
def calibration():
    """A page that outlines every label of a sheet, to measure how far the printer is off."""
    form = _calibration_form()
    form.message = None
    preview = None
    if not request.args or form.validate():
        try:
            labels.calibration_preview(
                _calibration_sheet(form), offset_mm=form.offsets(), font_path=font_path(), dpi=labels.MIN_DPI
            )
        except PRINT_ERRORS as error:
            form.message = attach_print_error(form, error)
        else:
            args = {name: value for name, value in request.args.items() if value != ""}
            preview = dict(
                url=url_for(".calibration_preview", **args), pdf=url_for(".calibration_pdf", **args)
            )
    return render_template("printing/calibration.html", form=form, preview=preview, message=form.message)


def _calibration(render, **kwargs):
    form = _calibration_form()
    if request.args and not form.validate():
        return Response(_("Please check the values on the form."), status=400, mimetype="text/plain")
    try:
        return render(_calibration_sheet(form), offset_mm=form.offsets(), font_path=font_path(), **kwargs)
    except PRINT_ERRORS as error:
        return refusal(error)


@bp.route("/calibration.pdf")
@staff_required
def calibration_pdf():
    """The calibration page as PDF (same query string as the calibration page)."""
    result = _calibration(labels.calibration_pdf)
    if isinstance(result, Response):
        return result
    return pdf_response(result, f"calibration-{request.args.get('layout') or '12up'}.pdf")


@bp.route("/calibration.png")
@staff_required
def calibration_preview():
    """The calibration page as PNG."""
    result = _calibration(labels.calibration_preview, dpi=PREVIEW_DPI)
    return result if isinstance(result, Response) else png_response(result)


# ---- placards ---------------------------------------------------------------------------------


def placard_url(location_id: int) -> str:
    """Where a location's page links to print its placard."""
    return url_for("printing.placard", location_id=location_id)


def _location_or_404(location_id: int):
    try:
        return catalog.get_location(location_id)
    except NotFound:
        abort(404)


def _placard_job(location, form: PlacardForm) -> PrintJob:
    offset_x, offset_y = (form.offset_x_mm.data or 0.0, form.offset_y_mm.data or 0.0)
    return PrintJob(
        product=Product.PLACARD.value,
        location_id=location.id,
        layout=form.layout.data or "a5",
        count=1,
        offset_x_mm=offset_x,
        offset_y_mm=offset_y,
    )


@bp.route("/placard/<row_id:location_id>", methods=["GET", "POST"])
@placard_required
def placard(location_id: int):
    """A location's placard: preview and download (recorded as a batch of one)."""
    location = _location_or_404(location_id)
    form = PlacardForm(data=dict(layout="a5", offset_x_mm=0.0, offset_y_mm=0.0))
    form.message = None
    preview = None
    if location.active and (request.method == "GET" or form.validate()):
        job = _placard_job(location, form)
        if request.form.get("action") == "download":
            response = _download(form, job)
            if response is not None:
                return response
        else:
            preview = checked_preview(form, job)
            if preview:
                preview["url"] = url_for(
                    ".placard_preview",
                    location_id=location.id,
                    layout=job.layout,
                    offset_x_mm=f"{job.offset_x_mm:g}",
                    offset_y_mm=f"{job.offset_y_mm:g}",
                )
    return render_template(
        "printing/placard.html", location=location, form=form, preview=preview, message=form.message
    )


@bp.route("/placard/<row_id:location_id>/preview.png")
@placard_required
def placard_preview(location_id: int):
    """A location's placard as PNG."""
    location = _location_or_404(location_id)
    form = PlacardForm(formdata=request.args, meta={"csrf": False})
    if request.args.get("layout") not in PLACARD_LAYOUTS:
        form.layout.data = "a5"
    try:
        png = printing.render_job_preview(
            _placard_job(location, form), base_url=base_url(), font_path=font_path(), dpi=PREVIEW_DPI
        )
    except PRINT_ERRORS as error:
        return refusal(error)
    return png_response(png)


@bp.app_template_global("layout_name")
def layout_name(key: str) -> str:
    """A sheet's printed name (A4 12面 86.4×42.3mm), or "custom size"."""
    layout = labels.LAYOUTS.get(key)
    return layout.name if layout else _("Custom size")


@bp.app_template_global("placard_url")
def _placard_url_global(location_id: int) -> str:
    """Templates (a location's page) link to its placard with placard_url(location.id)."""
    return placard_url(location_id)
