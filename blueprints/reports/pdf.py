"""The report document handed to the PDF renderer as plain data (labels/ imports nothing of ours)."""

from __future__ import annotations

from flask_babel import gettext as _

from labels.report_pdf import ReportContent, ReportTable

from .document import ReportDocument


def pdf_content(document: ReportDocument, status: str) -> ReportContent:
    """The same header, tables, notes and definitions as the page, for the PDF."""
    return ReportContent(
        title=f"{document.title}",
        header=document.header,
        status=status,
        tables=[
            ReportTable(t.title, t.columns, t.rows, t.footer, t.previous, t.note, t.wide)
            for t in document.tables
        ],
        notes_title=_("Notes"),
        notes=document.notes,
        definitions_title=_("Definitions"),
        definitions=document.definitions,
        page_label=_("Page %(page)s of %(pages)s"),
    )
