"""The views of the reports blueprint (see the package's docstring)."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inventory.core.clock import local_today
from inventory.reports import dashboard as dashboard_figures
from inventory.reports import exports
from inventory.reports import yearly as reports
from inventory.settings.organisation import fiscal_year_of

from ..auth.access import staff_required
from ..i18n import fiscal_year_label
from ..stock.common import day_bounds, or_404
from . import bp, charts
from .forms import ExportForm, YearForm
from .names import COLUMN_NAMES, DATASET_NAMES, export_value_names
from .tables import fiscal_year_tables, flow_chart, flow_table, month_labels

CSV_TYPES = {"utf-8-sig": "text/csv; charset=utf-8", "cp932": "text/csv; charset=shift_jis"}
# Formatted later by the export with the characters it replaced.
CP932_NOTE = _l("Characters that Shift_JIS cannot hold were replaced with 〓: %(chars)s")


@bp.route("/")
@staff_required
def dashboard():
    """At a glance: storeroom cover, locations due, open requests, this year, the last 12 months."""
    board = dashboard_figures.dashboard()
    months = month_labels(board.months)
    chart = flow_chart(_("Packs received and given out, last 12 months"), months, board.monthly)
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
        months,
        [charts.Series(_("Packs per day"), figures.per_day, "s-consumption")],
        y_label=_("Packs per day"),
        x_label=_("Month"),
    )
    scans_chart = charts.bar_chart(
        _("Support page views (QR scans) per month"),
        months,
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


@bp.route("/fiscal-year")
@staff_required
def fiscal_year():
    """The fiscal-year report (年度報告) with targets against results; printable on A4."""
    year, form = _chosen_year()
    if year is None:
        return render_template(
            "reports/fiscal_year.html", form=form, report=None, tables=[], years=reports.years_with_data()
        ), 400
    report = reports.fiscal_year_report(year)
    return render_template(
        "reports/fiscal_year.html",
        form=form,
        report=report,
        tables=fiscal_year_tables(report),
        years=reports.years_with_data(),
    )


@bp.route("/fiscal-year.csv")
@staff_required
def fiscal_year_csv():
    """The fiscal-year report as one CSV file, section after section."""
    year, form = _chosen_year()
    if year is None:
        return render_template(
            "reports/fiscal_year.html", form=form, report=None, tables=[], years=reports.years_with_data()
        ), 400
    try:
        codec = exports.check_encoding(request.args.get("encoding"))
    except exports.UnsupportedEncoding:
        return render_template(
            "errors/error.html",
            code=400,
            message=_("This character encoding is not offered. Choose UTF-8 or Shift_JIS."),
        ), 400
    report = reports.fiscal_year_report(year)
    body = []
    for table in fiscal_year_tables(report):
        body += [[table.title], table.columns, *table.rows]
        if table.footer:
            body.append(table.footer)
        body.append([])
    title = [_("Fiscal year report"), fiscal_year_label(year)]
    return _csv_response(
        exports.csv_chunks(title, body, codec, str(CP932_NOTE)), f"fiscal-year-{year}", codec
    )


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


@bp.app_template_global()
def dataset_name(code: str) -> str:
    """The UI name of an export dataset."""
    return str(DATASET_NAMES.get(code, code))
