"""The fiscal-year report as titled tables: one source for the page, the print and the CSV."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _

from inventory.reports.yearly import FiscalYearReport

from ..stock import names as stock_names
from . import charts
from .names import CHANNELS, DELIVERY, METRIC_NAMES, name


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


def month_labels(months) -> list[str]:
    """Short month names in the UI language (4月, Apr)."""
    return [format_date(month, "MMM") for month in months]


def percent(rate: float | None) -> str:
    """A rate achieved as 87.5%, or a dash without a target."""
    return "—" if rate is None else f"{rate:.1f}%"


def _sum_row(label: str, rows: list[list]) -> list:
    return (
        [label, *[sum(row[i] for row in rows if isinstance(row[i], int)) for i in range(1, len(rows[0]))]]
        if rows
        else None
    )


def fiscal_year_tables(report: FiscalYearReport) -> list[Table]:
    """Every section of the report, in the order the city reads it."""
    total = _("Total")
    places = report.places
    kpi = Table(
        "kpi",
        _("Targets and results"),
        [_("Indicator"), _("Target"), _("Actual"), _("Rate achieved")],
        [
            [
                str(METRIC_NAMES[k.metric]),
                "—" if k.target is None else k.target,
                "—" if k.actual is None else k.actual,
                percent(k.rate),
            ]
            for k in report.kpis
        ],
    )

    donated, purchased = report.received["receipt_donation"], report.received["receipt_purchase"]
    received_rows = []
    for item_id, item in report.items.items():
        d, p = donated.get(item_id, 0), purchased.get(item_id, 0)
        if d or p:
            received_rows.append([item.name, d, p, d + p, (d + p) * (item.pads or 0)])
    received = Table(
        "received",
        _("Received"),
        [_("Item"), _("Donated"), _("Purchased"), _("Total"), _("Pads (approx.)")],
        received_rows,
        _sum_row(total, received_rows),
        note=_("Packs and packages only; leaflets are not counted. Pads = quantity × pads per unit."),
    )

    donor_rows = [
        [stock_names.name_of("donor_kind", kind), *report.donations_by_kind.get(kind, (0, 0))]
        for kind in stock_names.DONOR_KINDS
    ]
    donors = Table(
        "donors",
        _("Donations by donor kind"),
        [_("Donor kind"), _("Number of donations"), _("Packs")],
        donor_rows,
        _sum_row(total, donor_rows),
    )
    funding_rows = [
        [stock_names.name_of("funding", f), *report.purchases_by_funding.get(f, (0, 0, 0))]
        for f in stock_names.FUNDING
    ]
    funding = Table(
        "funding",
        _("Purchases by funding source"),
        [_("Funding"), _("Number of purchases"), _("Packs"), _("Amount (yen)")],
        funding_rows,
        _sum_row(total, funding_rows),
    )

    given_rows = [
        [_("Placed at placement points"), report.placed_total],
        [_("Mailed"), report.mailed],
        [_("Handed over"), report.handed_over],
    ]
    given = Table(
        "given_out",
        _("Given out"),
        [_("How"), _("Packs")],
        given_rows,
        _sum_row(total, given_rows),
        note=_("Placed: transfers from the storeroom to placement points. Reversed records are not counted."),
    )
    kind_rows = [
        [stock_names.name_of("location_kind", kind), report.placed_by_kind.get(kind, 0)]
        for kind in stock_names.LOCATION_KINDS
        if kind != "storeroom"
    ]
    by_kind = Table(
        "placed_by_kind",
        _("Placed by kind of location"),
        [_("Kind of location"), _("Packs")],
        kind_rows,
        _sum_row(total, kind_rows),
    )
    ids = sorted(
        set(report.placed_by_location) | set(report.consumption_by_location),
        key=lambda i: (places[i].kind, places[i].label),
    )
    location_rows = [
        [
            places[i].label,
            stock_names.name_of("location_kind", places[i].kind),
            report.placed_by_location.get(i, 0),
            report.consumption_by_location.get(i, 0),
        ]
        for i in ids
    ]
    by_location = Table(
        "by_location",
        _("Placed and taken by location"),
        [_("Location"), _("Kind of location"), _("Placed"), _("Taken by users")],
        location_rows,
        ([total, "", report.placed_total, report.consumption_total] if location_rows else None),
    )

    r = report.requests
    school = Table(
        "school_requests",
        _("School refill requests"),
        [_("Requests"), _("Asked"), _("Fulfilled"), _("Average days to fulfil")],
        [
            [
                _("School refills"),
                r.school_asked,
                r.school_fulfilled,
                "—" if r.school_avg_days is None else f"{r.school_avg_days:.1f}",
            ]
        ],
    )
    channel_rows = [[name(CHANNELS, c), n] for c, n in sorted(r.individual_by_channel.items())]
    channels = Table(
        "channels",
        _("Individual requests by channel"),
        [_("Channel"), _("Requests")],
        channel_rows,
        [total, r.individual_total],
    )
    delivery_rows = [[name(DELIVERY, c), n] for c, n in sorted(r.individual_by_delivery.items())]
    delivery = Table(
        "delivery",
        _("Individual requests by delivery"),
        [_("Delivery"), _("Requests")],
        delivery_rows,
        _sum_row(total, delivery_rows) or [total, 0],
    )

    months = month_labels(report.months)
    m = report.monthly
    scans_by_month = report.scans_by_month
    monthly_rows = [
        [
            months[i],
            m["receipt_donation"][i],
            m["receipt_purchase"][i],
            m["placed"][i],
            m["mailed"][i],
            m["handed_over"][i],
            m["consumption"][i],
            scans_by_month[i],
        ]
        for i in range(12)
    ]
    monthly = Table(
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
        monthly_rows,
        _sum_row(total, monthly_rows),
        chart=flow_chart(_("Packs received and given out per month"), months, m),
    )
    scan_rows = [
        [places[i].label, *counts, sum(counts)]
        for i, counts in sorted(report.scans_by_location.items(), key=lambda pair: places[pair[0]].label)
    ]
    scans = Table(
        "scans",
        _("Support page views (QR scans) by location and month"),
        [_("Location"), *months, _("Total")],
        scan_rows,
        _sum_row(total, scan_rows),
        wide=True,
    )
    return [
        kpi,
        received,
        donors,
        funding,
        given,
        by_kind,
        by_location,
        school,
        channels,
        delivery,
        monthly,
        scans,
    ]


def flow_chart(title: str, months: list[str], monthly: dict[str, list[int]]) -> str:
    """Packs received (donated + purchased) beside packs given out (placed + mailed + handed over)."""
    received, given = _("Received"), _("Given out")
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
