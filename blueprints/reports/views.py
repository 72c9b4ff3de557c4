"""The views of the reports blueprint (see the package's docstring)."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from inventory.accounts.models import Role
from inventory.core.clock import local_today
from inventory.core.errors import DomainError
from inventory.reports import closing as year_closing
from inventory.reports import dashboard as dashboard_figures
from inventory.reports import exports
from inventory.reports import yearly as reports
from inventory.settings.organisation import fiscal_year_of
from labels.report_pdf import render_report_pdf

from ..auth.access import admin_required, staff_required
from ..domain_messages import message_for
from ..i18n import fiscal_year_label
from ..stock.common import day_bounds, or_404
from . import bp, charts
from .document import ReportDocument, build_document, csv_body, status_line
from .forms import CloseYearForm, ExportForm, NotesForm, ReopenYearForm, YearForm
from .names import COLUMN_NAMES, DATASET_NAMES, export_value_names
from .pdf import pdf_content
from .tables import chart_month_labels, flow_chart, flow_table, month_labels

CSV_TYPES = {"utf-8-sig": "text/csv; charset=utf-8", "cp932": "text/csv; charset=shift_jis"}
# Formatted later by the export with the characters it replaced.
CP932_NOTE = _l("Characters that Shift_JIS cannot hold were replaced with 〓: %(chars)s")


@bp.route("/")
@staff_required
def dashboard():
    """At a glance: storeroom cover, locations due, open requests, this year, the last 12 months."""
    board = dashboard_figures.dashboard()
    months = month_labels(board.months)
    chart = flow_chart(
        _("Packs received and given out, last 12 months"), chart_month_labels(board.months), board.monthly
    )
    return render_template(
        "reports/dashboard.html",
        board=board,
        chart=chart,
        month_table=flow_table(months, board.monthly),
        places=reports.places(),
    )


@bp.route("/locations/<row_id:location_id>")
@staff_required
def location(location_id: int):
    """One location: its visits, consumption per day by month, predicted empty date, QR scans."""
    figures = or_404(dashboard_figures.location_report, location_id)
    months = month_labels(figures.months)
    consumption_chart = charts.bar_chart(
        _("Packs taken per day, by month"),
        chart_month_labels(figures.months),
        [charts.Series(_("Packs per day"), figures.per_day, "s-consumption")],
        y_label=_("Packs per day"),
        x_label=_("Month"),
    )
    scans_chart = charts.bar_chart(
        _("Support page views (QR scans) per month"),
        chart_month_labels(figures.months),
        [charts.Series(_("QR scans"), figures.scans, "s-scans")],
        y_label=_("Views"),
        x_label=_("Month"),
    )
    return render_template(
        "reports/location.html",
        figures=figures,
        months=months,
        consumption_chart=consumption_chart,
        scans_chart=scans_chart,
    )


def _chosen_year():
    """The fiscal year asked for (the current one by default), or the form with its error."""
    form = YearForm(formdata=request.args)
    if not form.validate():
        return None, form
    year = form.year.data if form.year.data is not None else fiscal_year_of(local_today())
    form.year.data = year
    return year, form


def _year_page(form, status=400):
    """The report page with only the chooser and the form's error (nothing computed)."""
    return render_template(
        "reports/fiscal_year.html", form=form, document=None, years=reports.years_with_data()
    ), status


def _document(year: int):
    """The year's document (the stored one once closed) and its closing (None while open)."""
    closed = year_closing.closing_of(year)
    if closed is not None:
        return ReportDocument.from_dict(closed.document), closed
    return build_document(reports.fiscal_year_report(year)), None


@bp.route("/fiscal-year")
@staff_required
def fiscal_year():
    """The fiscal-year report (年度報告) the city accepts as the annex; printable on A4."""
    year, form = _chosen_year()
    if year is None:
        return _year_page(form)
    document, closed = _document(year)
    return render_template(
        "reports/fiscal_year.html",
        form=form,
        document=document,
        closing=closed,
        status=status_line(document, closed),
        year_over=date(year + 1, 3, 31) < local_today(),
        events=year_closing.events_of(year) if current_user.role == Role.ADMIN else [],
        close_form=CloseYearForm(),
        reopen_form=ReopenYearForm(),
        notes_form=NotesForm(data={"notes": document.notes}),
        years=reports.years_with_data(),
    )


@bp.route("/fiscal-year.csv")
@staff_required
def fiscal_year_csv():
    """The fiscal-year report as one CSV file, section after section (the page's content)."""
    year, form = _chosen_year()
    if year is None:
        return _year_page(form)
    try:
        codec = exports.check_encoding(request.args.get("encoding"))
    except exports.UnsupportedEncoding:
        return render_template(
            "errors/error.html",
            code=400,
            message=_("This character encoding is not offered. Choose UTF-8 or Shift_JIS."),
        ), 400
    document, closed = _document(year)
    title = [document.title, fiscal_year_label(year)]
    body = csv_body(document, status_line(document, closed))
    return _csv_response(
        exports.csv_chunks(title, body, codec, str(CP932_NOTE)), f"fiscal-year-{year}", codec
    )


@bp.route("/fiscal-year.pdf")
@staff_required
def fiscal_year_pdf():
    """The fiscal-year report as a PDF drawn on the server, with the page's content."""
    year, form = _chosen_year()
    if year is None:
        return _year_page(form)
    document, closed = _document(year)
    pdf = render_report_pdf(
        pdf_content(document, status_line(document, closed)),
        font_path=current_app.config.get("LABEL_FONT_PATH"),
    )
    return Response(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="tsunagari-fiscal-year-{year}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _year_from_path(year: int) -> int:
    """A year in a POST's path: 404 for one no report can mean."""
    if not reports.FIRST_YEAR <= year <= reports.LAST_YEAR:
        abort(404)
    return year


def _back(year: int):
    return redirect(url_for(".fiscal_year", year=year))


@bp.route("/fiscal-year/<int:year>/close", methods=["POST"])
@admin_required
def close_year(year: int):
    """Close a fiscal year: its report, CSV and PDF are kept as they are now."""
    year = _year_from_path(year)
    form = CloseYearForm()
    if not form.validate():
        flash(_("The year was not closed: %(reason)s", reason=_form_errors(form)), "error")
        return _back(year)
    document = build_document(reports.fiscal_year_report(year))
    try:
        year_closing.close_year(
            year, document.to_dict(), closed_by=current_user.id, reason=form.reason.data or ""
        )
    except DomainError as error:
        flash(message_for(error), "error")
        return _back(year)
    flash(_("Fiscal year %(year)d is closed. Its report will not change.", year=year), "success")
    return _back(year)


@bp.route("/fiscal-year/<int:year>/reopen", methods=["POST"])
@admin_required
def reopen_year(year: int):
    """Reopen a closed fiscal year (logged with its reason)."""
    year = _year_from_path(year)
    form = ReopenYearForm()
    if not form.validate():
        flash(_("The year was not reopened: %(reason)s", reason=_form_errors(form)), "error")
        return _back(year)
    try:
        year_closing.reopen_year(year, reopened_by=current_user.id, reason=form.reason.data)
    except DomainError as error:
        flash(message_for(error), "error")
        return _back(year)
    flash(
        _("Fiscal year %(year)d is open again. Its figures are computed from the ledger.", year=year),
        "success",
    )
    return _back(year)


@bp.route("/fiscal-year/<int:year>/notes", methods=["POST"])
@admin_required
def save_notes(year: int):
    """Save the notes printed with a year's report (refused once the year is closed)."""
    year = _year_from_path(year)
    form = NotesForm()
    if not form.validate():
        flash(_("The notes were not saved: %(reason)s", reason=_form_errors(form)), "error")
        return _back(year)
    try:
        year_closing.save_note(year, form.notes.data or "", updated_by=current_user.id)
    except DomainError as error:
        flash(message_for(error), "error")
        return _back(year)
    flash(_("The notes were saved."), "success")
    return _back(year)


def _form_errors(form) -> str:
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def _in_app_context(app, chunks):
    """Run a lazy CSV generator inside an app context of its own, pushed and popped by the generator.

    Unlike stream_with_context this keeps no request context alive: the headers and the names in
    the UI language are computed before streaming, and only the database is needed afterwards.
    Push and pop then happen wherever the body is iterated, so it works under any server or client.
    """
    chunks = iter(chunks)
    # The first chunk (the header row) needs no database. Test clients read it where the request
    # ran and the rest elsewhere; the app context belongs wholly to the rest.
    yield next(chunks, b"")
    with app.app_context():
        yield from chunks


def _csv_response(chunks, stem: str, codec: str) -> Response:
    app = current_app._get_current_object()
    return Response(
        _in_app_context(app, chunks),
        content_type=CSV_TYPES[codec],
        headers={
            "Content-Disposition": f'attachment; filename="tsunagari-{stem}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/export")
@staff_required
def export():
    """The CSV export form; with a dataset chosen, the file itself, streamed row by row."""
    asked = "dataset" in request.args
    form = ExportForm(formdata=request.args if asked else None)
    if not asked:
        return render_template("reports/export.html", form=form)
    if not form.validate():
        return render_template("reports/export.html", form=form), 400
    dataset = form.dataset.data
    codec = exports.check_encoding(form.encoding.data)
    since, until = day_bounds(form.since.data, form.until.data)
    header = [str(COLUMN_NAMES[column]) for column in exports.COLUMNS[dataset]]
    body = exports.rows(dataset, since, until, export_value_names())
    span = "-".join(day.strftime("%Y%m%d") for day in (form.since.data, form.until.data) if day)
    stem = f"{dataset}-{span}" if span else dataset
    return _csv_response(exports.csv_chunks(header, body, codec, str(CP932_NOTE)), stem, codec)


NUMERIC_TEXT = re.compile(r"^(—|[+−±-]?[\d,]+(\.\d+)?(%| ?円| yen)?)$")


@bp.app_template_filter("report_cells")
def report_cells(values) -> Markup:
    """A row's cells as <td>s, figures right-aligned (one call per row: reports have thousands of cells)."""
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            text = "" if value is None else str(value)
            numeric = bool(NUMERIC_TEXT.match(text.strip()))
            out.append(f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>")
        else:
            out.append(
                f'<td class="num">{value:,}</td>'
                if isinstance(value, int)
                else f'<td class="num">{value:,.2f}</td>'
            )
    return Markup("".join(out))


@bp.app_template_global()
def dataset_name(code: str) -> str:
    """The UI name of an export dataset."""
    return str(DATASET_NAMES.get(code, code))
