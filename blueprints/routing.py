"""URL converters: a path that cannot name anything is a 404 before any view or query runs."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from inventory.core.checks import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    """A row's id in a path (`<row_id:record_id>`): 1..MAX_ROW_ID, anything else matches no route.

    A bigger number is no id on either database, and PostgreSQL answers it with an error rather
    than with no row.
    """

    def __init__(self, map):
        super().__init__(map, min=1, max=MAX_ROW_ID)


class TextConverter(UnicodeConverter):
    """The default path segment (`<code>`), without control characters: `/l/ABC%00DEF` is a 404."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]", 1)


def init_app(app: Flask) -> None:
    """Install the converters; call before any blueprint adds its routes."""
    app.url_map.converters["row_id"] = RowIdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
