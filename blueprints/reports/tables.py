"""The fiscal-year report as titled tables: one source for the page, the print, the CSV and the PDF."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from inventory.reports.yearly import FiscalYearReport
from inventory.settings.organisation import OUTCOME

from ..outcomes.tables import outcome_section
from ..stock import names as stock_names
from . import charts
from .names import CHANNEL_ORDER, CHANNELS, DELIVERY, DELIVERY_ORDER, METRIC_NAMES, name

DASH = "—"
_JST = timedelta(hours=9)


@dataclass
class Table:
    """A titled table; the first column names the row, the others are numbers (or blanks)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    footer: list | None = None
    note: str = ""
    wide: bool = False
    chart: str | None = field(default=None)
    previous: list | None = None  # the previous year's totals, under the footer

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        """A table as stored in a closed year's snapshot."""
        return cls(**data)


def month_labels(months) -> list[str]:
    """Month names with their year in the UI language (2025年4月, Apr 2025)."""
    locale = get_locale()
    return [format_skeleton("yMMM", month, locale=locale) for month in months]


def chart_month_labels(months) -> list[str]:
    """Labels under a chart's bars: the year on the first month and on each January (2025年4月, 5月, …)."""
    locale = get_locale()
    return [
        format_skeleton("yMMM", month, locale=locale)
        if i == 0 or month.month == 1
        else format_date(month, "MMM")
        for i, month in enumerate(months)
    ]


def short_month_labels(months) -> list[str]:
    """Short month names for narrow columns (4月, Apr); the table's title gives the years."""
    return [format_date(month, "MMM") for month in months]


def percent(rate: float | None) -> str:
    """A rate achieved as 87.5%, or a dash without a (non-zero) target."""
    return DASH if rate is None else f"{rate:.1f}%"


def signed(value: int | None) -> str | int:
    """A change as a number (negative when it fell), or a dash; a number stays a number in the CSV."""
    return DASH if value is None else value


def yen(value: float | None) -> str:
    """Yen with one decimal for unit costs (12.5円), or a dash."""
    return DASH if value is None else _("%(yen)s yen", yen=f"{value:,.1f}")


def _sum_row(label: str, rows: list[list]) -> list | None:
    if not rows:
        return None
    return [label, *[sum(row[i] for row in rows if isinstance(row[i], int)) for i in range(1, len(rows[0]))]]


def _previous_row(label_cells: int, values: list, width: int) -> list:
    """A 'previous year' row: the label, blanks for the other label cells, then the values."""
    row = [_("Previous year"), *[""] * (label_cells - 1), *values]
    return row + [""] * (width - len(row))


def _kpi(report: FiscalYearReport) -> Table:
    rows = []
    for k in report.kpis:
        rows.append(
            [
                str(METRIC_NAMES.get(k.metric, k.metric)),
                _("Outcome") if k.kind == OUTCOME else _("Output"),
                DASH if k.target is None else k.target,
                DASH if k.actual is None else k.actual,
                percent(k.rate),
                DASH if k.previous is None else k.previous,
                signed(k.change),
            ]
        )
    return Table(
        "kpi",
        _("Targets and results"),
        [
            _("Indicator"),
            _("Output or outcome"),
            _("Target"),
            _("Actual"),
            _("Rate achieved"),
            _("Previous year"),
            _("Change"),
        ],
        rows,
        note=_(
            "Output: what the project did. Outcome: what it led to. "
            "The rate is shown only against a target above zero."
        ),
    )


def _provision_rows(report: FiscalYearReport | None) -> list[int | None]:
    if report is None:
        return [None] * 5
    by_place = report.handed_over_by_place
    return [
        report.placed_in_toilets,
        report.delivered,
        report.mailed,
        by_place.get("window", report.handed_over - by_place.get("cafe", 0)),
        by_place.get("cafe", 0),
    ]


def _provision(report: FiscalYearReport, pads: int) -> Table:
    labels = [
        _("Placed in toilets (placement points)"),
        _("Delivered to schools on request"),
        _("Mailed"),
        _("Handed over at the consultation window"),
        _("Handed over at the drop-in cafe"),
    ]
    now, before = _provision_rows(report), _provision_rows(report.previous)
    rows = []
    for label, qty, prior in zip(labels, now, before, strict=True):
        qty = qty or 0
        rows.append([label, qty, qty * pads, DASH if prior is None else prior, signed(_diff(qty, prior))])
    total = sum(v or 0 for v in now)
    prior_total = None if report.previous is None else sum(v or 0 for v in before)
    return Table(
        "provision",
        _("Pads provided, by how they reached women"),
        [_("How provided"), _("Packs"), _("Pads (approx.)"), _("Previous year"), _("Change")],
        rows,
        [
            _("Total"),
            total,
            total * pads,
            DASH if prior_total is None else prior_total,
            signed(_diff(total, prior_total)),
        ],
        note=_(
            "Placed: packages taken from the storeroom to placement points, less those brought back, "
            "plus those a volunteer added on a visit beyond the storeroom's record (%(unrecorded)d this "
            "year; %(returned)d brought back).",
            unrecorded=report.unrecorded,
            returned=report.returned,
        ),
    )


def _diff(now: int | None, before: int | None) -> int | None:
    return None if now is None or before is None else now - before


def _source_values(report: FiscalYearReport | None) -> list[int | None]:
    if report is None:
        return [None, None, None]
    funding = report.purchases_by_funding
    grant = funding.get("grant", (0, 0, 0))[1]
    other = sum(packs for code, (_n, packs, _yen) in funding.items() if code != "grant")
    return [grant, other, sum(report.received["receipt_donation"].values())]


def _sources(report: FiscalYearReport, pads: int) -> Table:
    labels = [_("Bought with the city grant"), _("Bought with other money"), _("Donated")]
    now, before = _source_values(report), _source_values(report.previous)
    rows = [
        [label, qty, (qty or 0) * pads, DASH if prior is None else prior]
        for label, qty, prior in zip(labels, now, before, strict=True)
    ]
    total = sum(v or 0 for v in now)
    return Table(
        "sources",
        _("Pads received, by source"),
        [_("Source"), _("Packs"), _("Pads (approx.)"), _("Previous year")],
        rows,
        [_("Total"), total, total * pads, DASH if report.previous is None else sum(v or 0 for v in before)],
        note=_(
            "Purchases reversed within the year are left out; corrections of earlier years count when made."
        ),
    )


def _reconciliation(report: FiscalYearReport) -> Table:
    rows = [
        [
            report.items[b.item_id].name,
            b.opening,
            b.received,
            b.assembled,
            b.taken,
            b.sent,
            b.discarded,
            b.adjusted,
            b.counted,
            b.closing,
        ]
        for b in report.balances
    ]
    return Table(
        "reconciliation",
        _("Stock reconciliation by item"),
        [
            _("Item"),
            _("Opening stock"),
            _("Received"),
            _("Assembled (±)"),
            _("Taken at placement points"),
            _("Mailed or handed over"),
            _("Discarded"),
            _("Other adjustments (±)"),
            _("Stocktake and count differences (±)"),
            _("Closing stock"),
        ],
        rows,
        note=_(
            "Opening + received ± assembled − taken − mailed or handed over − discarded ± adjustments "
            "= closing. Stock is everything the organisation holds: storerooms and placement points. "
            "Assembly turns packs and leaflets into packages, so it moves stock between items."
        ),
        wide=True,
    )


def _received(report: FiscalYearReport) -> Table:
    donated, purchased = report.received["receipt_donation"], report.received["receipt_purchase"]
    rows = []
    for item_id, item in report.items.items():
        d, p = donated.get(item_id, 0), purchased.get(item_id, 0)
        if d or p:
            rows.append([item.name, d, p, d + p, (d + p) * (item.pads or 0)])
    previous = None
    if report.previous is not None:
        prev = report.previous
        d = sum(prev.received["receipt_donation"].values())
        p = sum(prev.received["receipt_purchase"].values())
        previous = _previous_row(1, [d, p, d + p, sum(prev.received_pads.values())], 5)
    return Table(
        "received",
        _("Received"),
        [_("Item"), _("Donated"), _("Purchased"), _("Total"), _("Pads (approx.)")],
        rows,
        _sum_row(_("Total"), rows),
        note=_("Packs and packages only; leaflets are not counted. Pads = quantity × pads per unit."),
        previous=previous,
    )


def _donors(report: FiscalYearReport) -> Table:
    prev = report.previous.donations_by_kind if report.previous else None
    rows = [
        [
            stock_names.name_of("donor_kind", kind),
            *report.donations_by_kind.get(kind, (0, 0)),
            DASH if prev is None else prev.get(kind, (0, 0))[1],
        ]
        for kind in stock_names.DONOR_KINDS
    ]
    footer = _sum_row(_("Total"), rows)
    if prev is None and footer:
        footer[-1] = DASH
    return Table(
        "donors",
        _("Donations by donor kind"),
        [_("Donor kind"), _("Number of donations"), _("Packs"), _("Previous year (packs)")],
        rows,
        footer,
    )


def _funding(report: FiscalYearReport) -> Table:
    prev = report.previous.purchases_by_funding if report.previous else None
    rows = [
        [
            stock_names.name_of("funding", f),
            *report.purchases_by_funding.get(f, (0, 0, 0)),
            DASH if prev is None else prev.get(f, (0, 0, 0))[2],
        ]
        for f in stock_names.FUNDING
    ]
    footer = _sum_row(_("Total"), rows)
    if prev is None and footer:
        footer[-1] = DASH
    return Table(
        "funding",
        _("Purchases by funding source"),
        [_("Funding"), _("Number of purchases"), _("Packs"), _("Amount (yen)"), _("Previous year (yen)")],
        rows,
        footer,
    )


def _costs(report: FiscalYearReport) -> Table:
    prev = report.previous
    rows = [
        [_("Purchases (yen)"), report.purchase_yen_total, DASH if prev is None else prev.purchase_yen_total],
        [_("Cost per pad bought"), yen(report.yen_per_pad), DASH if prev is None else yen(prev.yen_per_pad)],
        [
            _("Purchase cost per pack placed"),
            yen(report.yen_per_pack_placed),
            DASH if prev is None else yen(prev.yen_per_pack_placed),
        ],
    ]
    return Table(
        "costs",
        _("Cost figures"),
        [_("Figure"), _("This year"), _("Previous year")],
        rows,
        note=_(
            "Cost per pad: yen spent on packs and packages ÷ pads bought. Cost per pack placed: "
            "every purchase in yen (leaflets too) ÷ packs placed. Donated pads cost nothing here."
        ),
    )


def _purchase_list(report: FiscalYearReport) -> Table:
    items = report.items
    rows = []
    for line in report.purchase_lines:
        rows.append(
            [
                format_date(line.occurred_at + _JST, "yyyy-MM-dd"),
                line.record_id,
                line.vendor,
                line.receipt_number,
                items[line.item_id].name if line.item_id in items else _("Other item"),
                line.quantity,
                line.unit_cost_yen,
                line.amount_yen,
                stock_names.name_of("funding", line.funding),
                _("Reversed") if line.reversed else "",
            ]
        )
    total = sum(line.amount_yen for line in report.purchase_lines if not line.reversed)
    return Table(
        "purchases",
        _("Purchases for grant accounting"),
        [
            _("Date"),
            _("Record no."),
            _("Vendor"),
            _("Receipt no."),
            _("Item"),
            _("Quantity"),
            _("Unit cost (yen)"),
            _("Amount (yen)"),
            _("Funding"),
            _("Reversed"),
        ],
        rows,
        [_("Total"), "", "", "", "", "", "", total, "", ""] if rows else None,
        note=_("Reversed purchases are listed but left out of the total."),
        wide=True,
        previous=None
        if report.previous is None
        else _previous_row(
            7, [sum(line.amount_yen for line in report.previous.purchase_lines if not line.reversed)], 10
        ),
    )


def _by_kind(report: FiscalYearReport) -> Table:
    prev = report.previous.placed_by_kind if report.previous else None
    rows = [
        [
            stock_names.name_of("location_kind", kind),
            report.placed_by_kind.get(kind, 0),
            DASH if prev is None else prev.get(kind, 0),
        ]
        for kind in stock_names.LOCATION_KINDS
        if kind != "storeroom"
    ]
    footer = _sum_row(_("Total"), rows)
    if prev is None and footer:
        footer[-1] = DASH
    return Table(
        "placed_by_kind",
        _("Placed by kind of location"),
        [_("Kind of location"), _("Packs"), _("Previous year")],
        rows,
        footer,
    )


def _by_location(report: FiscalYearReport) -> Table:
    places = report.places
    ids = sorted(
        set(report.placed_by_location) | set(report.consumption_by_location),
        key=lambda i: (places[i].kind, places[i].label),
    )
    rows = [
        [
            places[i].label,
            stock_names.name_of("location_kind", places[i].kind),
            report.placed_by_location.get(i, 0),
            report.consumption_by_location.get(i, 0),
        ]
        for i in ids
    ]
    previous = None
    if report.previous is not None:
        previous = _previous_row(2, [report.previous.placed_total, report.previous.consumption_total], 4)
    return Table(
        "by_location",
        _("Placed and taken by location"),
        [_("Location"), _("Kind of location"), _("Placed"), _("Taken by users")],
        rows,
        ([_("Total"), "", report.placed_total, report.consumption_total] if rows else None),
        previous=previous,
    )


def _month_by_location(report: FiscalYearReport, key: str, attribute: str, title: str) -> Table:
    places = report.places
    values: dict[int, list[int]] = getattr(report, attribute)
    months = short_month_labels(report.months)
    rows = [
        [places[i].label, *counts, sum(counts)]
        for i, counts in sorted(
            values.items(), key=lambda pair: (places[pair[0]].kind, places[pair[0]].label)
        )
    ]
    return Table(
        key,
        title
        + " "
        + _(
            "(%(first)s – %(last)s)",
            first=month_labels(report.months[:1])[0],
            last=month_labels(report.months[-1:])[0],
        ),
        [_("Location"), *months, _("Total")],
        rows,
        _sum_row(_("Total"), rows),
        wide=True,
        previous=_previous_months(report.previous, attribute),
    )


def _previous_months(previous: FiscalYearReport | None, attribute: str) -> list | None:
    """The previous year's totals by month (April first) and over the year, under the footer."""
    if previous is None:
        return None
    by_month = [sum(month) for month in zip(*getattr(previous, attribute).values(), strict=True)] or [0] * 12
    return _previous_row(1, [*by_month, sum(by_month)], 14)


def _school(report: FiscalYearReport) -> Table:
    r = report.requests
    p = report.previous.requests if report.previous else None

    def days(value):
        return DASH if value is None else f"{value:.1f}"

    rows = [
        [_("Refills asked"), r.school_asked, DASH if p is None else p.school_asked],
        [_("Refills fulfilled"), r.school_fulfilled, DASH if p is None else p.school_fulfilled],
        [
            _("Average days to fulfil"),
            days(r.school_avg_days),
            DASH if p is None else days(p.school_avg_days),
        ],
    ]
    return Table(
        "school_requests",
        _("School refill requests"),
        [_("Figure"), _("This year"), _("Previous year")],
        rows,
    )


def _counted(key: str, title: str, column: str, codes, names: dict, now: dict, before: dict | None) -> Table:
    rows = [
        [name(names, code), now.get(code, 0), DASH if before is None else before.get(code, 0)]
        for code in codes
    ]
    # Codes outside the fixed order (older data) keep their rows, after the known ones.
    for code in sorted(set(now) - set(codes), key=str):
        rows.append([name(names, code), now[code], DASH if before is None else before.get(code, 0)])
    footer = _sum_row(_("Total"), rows)
    if before is None and footer:
        footer[-1] = DASH
    return Table(key, title, [column, _("Requests"), _("Previous year")], rows, footer)


def _monthly(report: FiscalYearReport) -> Table:
    months = month_labels(report.months)
    m = report.monthly
    scans = report.scans_by_month
    rows = [
        [
            months[i],
            m["receipt_donation"][i],
            m["receipt_purchase"][i],
            m["placed"][i],
            m["mailed"][i],
            m["handed_over"][i],
            m["consumption"][i],
            scans[i],
        ]
        for i in range(12)
    ]
    previous = None
    if report.previous is not None:
        pm = report.previous.monthly
        previous = [
            _("Previous year"),
            *[
                sum(pm[k])
                for k in (
                    "receipt_donation",
                    "receipt_purchase",
                    "placed",
                    "mailed",
                    "handed_over",
                    "consumption",
                )
            ],
            report.previous.scans_total,
        ]
    return Table(
        "monthly",
        _("Month by month"),
        [
            _("Month"),
            _("Donated"),
            _("Purchased"),
            _("Placed"),
            _("Mailed"),
            _("Handed over"),
            _("Taken by users"),
            _("QR scans"),
        ],
        rows,
        _sum_row(_("Total"), rows),
        chart=flow_chart(_("Packs received and given out per month"), chart_month_labels(report.months), m),
        previous=previous,
        note=_("A correction is counted in the month it was made, as a negative figure."),
    )


def _hours(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"


def _availability(report: FiscalYearReport) -> Table:
    """Availability (充足率) per placement point, lowest first, and over all of them."""
    av = report.availability
    rows = []
    if av is not None:
        for row in av.lowest(len(av.locations)):
            place = report.places.get(row.location_id)
            rows.append(
                [
                    place.label if place else str(row.location_id),
                    percent(row.share),
                    row.empty_days,
                    row.days,
                    row.empty_reports,
                    _hours(row.median_refill_hours),
                ]
            )
    footer = (
        [
            _("All locations"),
            percent(av.share),
            av.empty_days,
            av.days,
            av.empty_reports,
            _hours(av.median_refill_hours),
        ]
        if av is not None and rows
        else None
    )
    return Table(
        "availability",
        _("Availability"),
        [
            _("Location"),
            _("Availability"),
            _("Empty days"),
            _("Days counted"),
            _("Reports of empty"),
            _("Median hours to refill"),
        ],
        rows,
        footer,
        note=_(
            "Availability is the share of days on which a location had packs, known from visits or "
            "estimated between them. A day counts as empty if the location was empty at any moment of "
            "it. After a visit the location holds what was counted plus what was added. If the next "
            "visit counts packs, it had packs all along. If the next visit counts none, it ran out at "
            "the predicted empty date (its stock divided by what is taken per day) when that falls "
            "between the two visits, otherwise halfway between them, or at a visitor's report of empty "
            "if that came earlier. After the last visit it is empty from the predicted date or the "
            "first report of empty. Days before a location's first visit are not counted."
        ),
    )


def _outcomes(report: FiscalYearReport) -> list[Table]:
    """The outcome tables in the city's version (exact counts): this report goes to the city."""
    section = outcome_section(report, version="city")
    return [
        Table(f"outcomes-{t.key}", t.title, t.columns, t.rows, t.footer, t.note, t.wide)
        for t in section.tables
    ]


def fiscal_year_tables(report: FiscalYearReport) -> list[Table]:
    """Every section of the report, in the order the city reads it."""
    pads = _pads_per_pack(report)
    r, p = report.requests, report.previous.requests if report.previous else None
    return [
        _kpi(report),
        _provision(report, pads),
        _sources(report, pads),
        _reconciliation(report),
        _received(report),
        _donors(report),
        _funding(report),
        _costs(report),
        _purchase_list(report),
        _by_kind(report),
        _by_location(report),
        _availability(report),
        _month_by_location(report, "placed_monthly", "placed_monthly", _("Placed by location and month")),
        _month_by_location(
            report, "consumed_monthly", "consumed_monthly", _("Taken by users by location and month")
        ),
        _school(report),
        _counted(
            "channels",
            _("Individual requests by channel"),
            _("Channel"),
            CHANNEL_ORDER,
            CHANNELS,
            r.individual_by_channel,
            None if p is None else p.individual_by_channel,
        ),
        _counted(
            "delivery",
            _("Individual requests by delivery"),
            _("Delivery"),
            DELIVERY_ORDER,
            DELIVERY,
            r.individual_by_delivery,
            None if p is None else p.individual_by_delivery,
        ),
        _monthly(report),
        _month_by_location(
            report,
            "scans",
            "scans_by_location",
            _("Support page views (QR scans) by location and month"),
        ),
        *_outcomes(report),
    ]


def _pads_per_pack(report: FiscalYearReport) -> int:
    """The pads per package (the setting), for approximate pad counts of provided packs."""
    for item in report.items.values():
        if item.pads:
            return item.pads
    return 0


def definitions(report: FiscalYearReport) -> list[str]:
    """What the figures count and leave out, in plain sentences."""
    return [
        _("The fiscal year runs from April 1 to March 31 (Japan time)."),
        _(
            "Packs are the stock unit of pads (about %(pads)d pads each); leaflets are not counted. "
            "Pads are approximate: packs × pads per pack.",
            pads=_pads_per_pack(report),
        ),
        _(
            "Placed: packages brought from the storeroom to toilets and other placement points, "
            "less those brought back, plus those added on a visit beyond the storeroom's record."
        ),
        _(
            "Taken by users: what a volunteer's count at a placement point showed had gone "
            "since the last visit."
        ),
        _(
            "A mistaken record is undone by a reversal, never deleted. A reversal counts on its own "
            "date as minus the original: within one year the two cancel out; a reversal of an earlier "
            "year's record is counted in the year it was made, so a filed year never changes."
        ),
        _(
            "Requests: those made in the year. Cancelled requests are left out of every request figure "
            "(%(count)d this year).",
            count=report.cancelled_requests,
        ),
        _("Nothing in this report names or describes a person."),
    ]


def flow_chart(title: str, months: list[str], monthly: dict[str, list[int]]) -> str:
    """Packs received (donated + purchased) beside packs given out (placed + mailed + handed over)."""
    received, given = _("Received"), _("Given out")
    # A month whose corrections outweigh it (more brought back than placed) draws no bar; the
    # table beside the chart gives the negative figure.
    monthly = {kind: [max(value, 0) for value in values] for kind, values in monthly.items()}
    series = [
        charts.Series(_("Donated"), monthly["receipt_donation"], "s-donated", received),
        charts.Series(_("Purchased"), monthly["receipt_purchase"], "s-purchased", received),
        charts.Series(_("Placed"), monthly["placed"], "s-placed", given),
        charts.Series(_("Mailed"), monthly["mailed"], "s-mailed", given),
        charts.Series(_("Handed over"), monthly["handed_over"], "s-handed", given),
    ]
    return charts.bar_chart(
        title,
        months,
        series,
        y_label=_("Packs"),
        x_label=_("Month"),
        description=_(
            "For each month, the left bar shows packs received and the "
            "right bar packs given out. The numbers are in the table."
        ),
    )


def flow_table(months: list[str], monthly: dict[str, list[int]]) -> Table:
    """The numbers of `flow_chart` as a table."""
    rows = [
        [
            month,
            monthly["receipt_donation"][i],
            monthly["receipt_purchase"][i],
            monthly["placed"][i],
            monthly["mailed"][i],
            monthly["handed_over"][i],
        ]
        for i, month in enumerate(months)
    ]
    return Table(
        "flows",
        _("Packs received and given out per month"),
        [_("Month"), _("Donated"), _("Purchased"), _("Placed"), _("Mailed"), _("Handed over")],
        rows,
        _sum_row(_("Total"), rows),
    )


def table_dict(table: Table) -> dict:
    """A table as plain JSON-able data (for a closed year's snapshot)."""
    return asdict(table)
