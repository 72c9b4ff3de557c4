"""Exceptions raised by the label renderer; each carries a machine-readable code."""


class LabelError(Exception):
    """Base class: an English message plus `code` and named values for the UI to translate."""

    default_code = "label_error"

    def __init__(self, message, *, code=None, **values):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.values = values
        for name, value in values.items():
            setattr(self, name, value)

    def __repr__(self):
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, values={self.values!r})"


class LayoutError(LabelError):
    """A sheet layout, offset or cell that cannot hold what was asked for."""

    default_code = "layout_invalid"


class FontNotFound(LabelError):
    """No usable Japanese font: neither LABEL_FONT_PATH nor the bundled package."""

    default_code = "font_not_found"


class CountOutOfRange(LabelError):
    """A label count, skip or page number outside its allowed range."""

    default_code = "count_out_of_range"


class TextError(LabelError):
    """Content that is not text, is far too long, or is not a product we can render."""

    default_code = "text_invalid"


class UrlError(LabelError):
    """A base URL, location code or QR payload that cannot be encoded."""

    default_code = "url_invalid"
