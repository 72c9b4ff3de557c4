"""How each product is arranged inside one cell: QR placement, text areas and sizes."""

from functools import lru_cache

from .drawing import PT_TO_MM, Artwork, FrameMark, LineMark, QrMark, TextLoss, TextMark
from .errors import LayoutError, TextError
from .layouts import BLANK_EDGE_MM, Rect
from .products import AddressLabel, LeafletCard, LocationPlacard, PackageLabel, PackingSlip
from .qr import MIN_MODULE_MM, QUIET_ZONE_MODULES, make_qr
from .textfit import LINE_SPACING, Paragraph, fit_block, fit_text, wrap

TEXT_EDGE_MM = 2.0  # printers smear and sheets shift; text keeps this far from a cell edge
CUT_EDGE_MM = 3.0  # cards are cut by hand along crop marks
QR_TEXT_GAP_MM = 0.5  # beyond the quiet zone, which already separates text from modules
LABEL_QR_MAX_MM = 42.0
CARD_QR_MAX_MM = 32.0
PLACARD_QR_MM = 50.0


def _qr(url, error_correction, box, max_side_mm):
    """Place the biggest QR (quiet zone included) that fits `box`, centred in it."""
    code = make_qr(url, error_correction)
    side = min(box.width, box.height, max_side_mm)
    module = side / code.size_with_quiet_zone
    if module < MIN_MODULE_MM:
        needed = code.size_with_quiet_zone * MIN_MODULE_MM
        raise LayoutError(
            f"The QR code needs {needed:.1f} mm square (modules of at least {MIN_MODULE_MM} mm) "
            f"but only {side:.1f} mm is free on this label; choose bigger labels or a shorter URL.",
            code="qr_too_small",
            module_mm=round(module, 3),
            minimum=MIN_MODULE_MM,
            needed_mm=round(needed, 1),
            available_mm=round(side, 1),
        )
    quiet = QUIET_ZONE_MODULES * module
    x = box.x + (box.width - side) / 2
    y = box.y + (box.height - side) / 2
    return QrMark(x + quiet, y + quiet, module, code)


class _Texts:
    """Cleans and fits each field's text, noting every field that did not print as given."""

    def __init__(self, font):
        self.font = font
        self.losses = []
        self._fields = {}  # id(Paragraph) -> the product field it came from

    def clean(self, field, text):
        """The field's text as the font can draw it; dropped or replaced characters are noted."""
        clean, dropped, replaced = self.font.clean_text_losses(text)
        if dropped:
            self.losses.append(TextLoss(field, "dropped", dropped))
        if replaced:
            self.losses.append(TextLoss(field, "replaced", replaced))
        return clean

    def paragraph(self, field, text, *args, **kwargs):
        """A Paragraph of the field's cleaned text, remembered as coming from that field."""
        paragraph = Paragraph(self.clean(field, text), *args, **kwargs)
        self._fields[id(paragraph)] = field
        return paragraph

    def fit(self, paragraphs, area, **sizes):
        """fit_text, noting every field whose text had to be cut."""
        marks, cut = fit_block(self.font, paragraphs, area, **sizes)
        for field in dict.fromkeys(self._fields[id(paragraph)] for paragraph in cut):
            self.losses.append(TextLoss(field, "cut"))
        return marks

    def artwork(self, marks, areas):
        """The finished Artwork, with the losses noted on the way."""
        return Artwork(tuple(marks), tuple(areas), tuple(dict.fromkeys(self.losses)))


def _require_text_room(area, min_pt, what):
    line = min_pt * PT_TO_MM * LINE_SPACING
    if area.width < 6 * min_pt * PT_TO_MM or area.height < line:
        raise LayoutError(
            f"There is no room for the {what} text on this label size; choose bigger labels.",
            code="label_too_small",
            width_mm=round(area.width, 1),
            height_mm=round(area.height, 1),
        )


def _package_label(label, width, height, font):
    texts = _Texts(font)
    paragraphs = [texts.paragraph("headline", label.headline, 1.25, keep_whole=True)]
    paragraphs += [texts.paragraph("lines", line, 1.0, keep_whole=True) for line in label.lines]
    edge = BLANK_EDGE_MM
    if width >= height:
        side = min(height - 2 * edge, width * 0.5 - edge)
        box = Rect(edge, edge, side, height - 2 * edge)
        qr = _qr(label.url, label.error_correction, box, LABEL_QR_MAX_MM)
        left = qr.quiet_box.right + QR_TEXT_GAP_MM
        area = Rect(left, TEXT_EDGE_MM, width - TEXT_EDGE_MM - left, height - 2 * TEXT_EDGE_MM)
    else:
        side = min(width, height * 0.55) - 2 * edge
        qr = _qr(label.url, label.error_correction, Rect(edge, edge, width - 2 * edge, side), LABEL_QR_MAX_MM)
        top = qr.quiet_box.bottom + QR_TEXT_GAP_MM
        area = Rect(TEXT_EDGE_MM, top, width - 2 * TEXT_EDGE_MM, height - TEXT_EDGE_MM - top)
    _require_text_room(area, 5.0, "label")
    marks = texts.fit(paragraphs, area, max_pt=10.0, min_pt=5.0)
    return texts.artwork((qr, *marks), (area,))


def _leaflet_card(card, width, height, font):
    texts = _Texts(font)
    edge = CUT_EDGE_MM
    inner = Rect(edge, edge, width - 2 * edge, height - 2 * edge)
    band = max(inner.height * 0.2, 6.0)
    headline_area = Rect(inner.x, inner.y, inner.width, band)
    cafe = texts.paragraph("cafe", card.cafe)
    cafe_height = band if cafe.text else 0.0
    middle = Rect(inner.x, headline_area.bottom, inner.width, inner.height - band - cafe_height)
    side = min(middle.height, inner.width * 0.42)
    qr_box = Rect(inner.right - side, middle.y, side, middle.height)
    qr = _qr(card.url, card.error_correction, qr_box, CARD_QR_MAX_MM)
    contacts_area = Rect(inner.x, middle.y, qr.quiet_box.x - QR_TEXT_GAP_MM - inner.x, middle.height)
    cafe_area = Rect(inner.x, middle.bottom, inner.width, cafe_height)
    _require_text_room(contacts_area, 5.0, "contact")
    marks = texts.fit(
        [texts.paragraph("headline", card.headline, 1.0, "center", keep_whole=True)],
        headline_area,
        max_pt=16.0,
        min_pt=6.0,
    )
    contacts = [
        texts.paragraph(name, getattr(card, name), 1.0, keep_whole=True)
        for name in ("phone", "line_id", "email", "hours")
    ]
    marks += texts.fit(contacts, contacts_area, max_pt=10.0, min_pt=5.0)
    areas = [headline_area, contacts_area]
    if cafe.text:
        marks += texts.fit([cafe], cafe_area, max_pt=9.0, min_pt=5.0)
        areas.append(cafe_area)
    return texts.artwork((qr, *marks), areas)


def _location_placard(placard, width, height, font):
    texts = _Texts(font)
    edge = 4.0
    inner = Rect(edge, edge, width - 2 * edge, height - 2 * edge)
    title_area = Rect(inner.x, inner.y, inner.width, inner.height * 0.24)
    side = min(PLACARD_QR_MM, inner.width, inner.height * 0.42)
    qr = _qr(placard.url, placard.error_correction, Rect(inner.x, title_area.bottom, inner.width, side), side)
    y = qr.quiet_box.bottom
    marks = texts.fit(
        [
            texts.paragraph("location_name", placard.location_name, 1.3, "center", keep_whole=True),
            texts.paragraph("spot", placard.spot, 1.0, "center", keep_whole=True),
        ],
        title_area,
        max_pt=28.0,
        min_pt=8.0,
    )
    areas = [title_area]
    code = texts.paragraph("code", placard.code, 1.0, "center")
    if code.text:
        code_area = Rect(inner.x, y, inner.width, min(6.0, inner.bottom - y))
        marks += texts.fit([code], code_area, max_pt=10.0, min_pt=6.0)
        areas.append(code_area)
        y = code_area.bottom
    remaining = inner.bottom - y
    volunteer_area = Rect(inner.x, y, inner.width, remaining * 0.35)
    public_area = Rect(inner.x, volunteer_area.bottom + 1.0, inner.width, remaining * 0.65 - 1.0)
    marks += texts.fit(
        [texts.paragraph("volunteer_line", placard.volunteer_line, 1.0, "center", keep_whole=True)],
        volunteer_area,
        max_pt=14.0,
        min_pt=7.0,
    )
    marks += texts.fit(
        [texts.paragraph("public_line", placard.public_line, 1.0, "center", keep_whole=True)],
        public_area,
        max_pt=20.0,
        min_pt=8.0,
    )
    rule_y = volunteer_area.bottom + 0.5
    rule = LineMark(inner.x + inner.width * 0.1, rule_y, inner.right - inner.width * 0.1, rule_y, 0.2)
    areas += [volunteer_area, public_area]
    return texts.artwork((qr, rule, *marks), areas)


# An address label must print whole: a cut address does not arrive, and the name is who it
# is for. The address may shrink below the name's size; past these minimums it is refused.
ADDRESS_MIN_PT = 5.0
RECIPIENT_MIN_PT = 6.0
SENDER_MIN_PT = 5.0


def _address_label(label, width, height, font):
    texts = _Texts(font)
    inner = Rect(TEXT_EDGE_MM + 1, TEXT_EDGE_MM, width - 2 * TEXT_EDGE_MM - 2, height - 2 * TEXT_EDGE_MM)
    postal = texts.clean("postal_code", label.postal_code)
    if postal and not postal.startswith("〒"):
        postal = "〒" + postal
    sender = texts.paragraph("sender", label.sender, 1.0, "right")
    recipient = " ".join(
        part
        for part in (texts.clean("recipient", label.recipient), texts.clean("honorific", label.honorific))
        if part
    )
    # The sender takes one line at most a fifth of the label: the rest is for the recipient.
    sender_height = min(inner.height * 0.2, 8.0 * PT_TO_MM * LINE_SPACING) if sender.text else 0.0
    main = Rect(inner.x, inner.y, inner.width, inner.height - sender_height)
    _require_text_room(main, RECIPIENT_MIN_PT, "address")
    address = [Paragraph(postal, 0.9, keep_whole=True)]
    address += [texts.paragraph("address_lines", line, 1.0) for line in label.address_lines]
    name = Paragraph(recipient, 1.35, "center", keep_whole=True)
    marks, cut = fit_block(font, [*address, name], main, max_pt=12.0, min_pt=RECIPIENT_MIN_PT)
    if cut:
        marks = _name_first(font, address, name, main)
    if sender.text:
        sender_area = Rect(inner.x, main.bottom, inner.width, sender_height)
        # Smaller than the recipient's name (always the largest text above), so nobody
        # mistakes who the parcel is for.
        name_pt = max((mark.size_pt for mark in marks), default=8.0)
        sender_pt = max(SENDER_MIN_PT, min(8.0, name_pt * 0.8))
        sender_marks, sender_cut = fit_block(
            font, [sender], sender_area, max_pt=sender_pt, min_pt=SENDER_MIN_PT
        )
        if sender_cut:
            raise _does_not_fit("sender")
        marks += sender_marks
        areas = (main, sender_area)
    else:
        areas = (main,)
    return texts.artwork(marks, areas)


def _does_not_fit(field):
    return LayoutError(
        "The name and address do not fit on this label size in full; choose bigger labels.",
        code="address_does_not_fit",
        field=field,
    )


def _name_first(font, address, name, area):
    """Give the name the room it needs (at least RECIPIENT_MIN_PT), then shrink the address into the rest.

    Raises LayoutError (address_does_not_fit) when the address cannot print whole even at
    ADDRESS_MIN_PT: the caller names a sheet that fits.
    """
    name_pt = RECIPIENT_MIN_PT
    name_height = _block_height(font, [name], area.width, name_pt)
    if name_height > area.height:
        raise _does_not_fit("recipient")
    rest = Rect(area.x, area.y, area.width, area.height - name_height)
    address_marks, cut = fit_block(
        font, address, rest, max_pt=RECIPIENT_MIN_PT, min_pt=ADDRESS_MIN_PT, valign="top"
    )
    if cut:
        raise _does_not_fit("address_lines")
    used = sum(mark.box.height for mark in address_marks)
    name_area = Rect(area.x, area.y + used, area.width, area.height - used)
    # The name grows into whatever the shrunken address left free.
    name_marks, cut = fit_block(font, [name], name_area, max_pt=12.0, min_pt=name_pt)
    if cut:
        raise _does_not_fit("recipient")
    return address_marks + name_marks


def _block_height(font, paragraphs, width, size_pt):
    """Height of paragraphs laid out at one size (each paragraph at size_pt, scale ignored)."""
    line = size_pt * PT_TO_MM * LINE_SPACING
    return sum(len(wrap(p.text, font, width / (size_pt * PT_TO_MM))) * line for p in paragraphs if p.text)


def _packing_slip(slip, width, height, font):
    texts = _Texts(font)
    inner = Rect(6.0, 6.0, width - 12.0, height - 12.0)
    sender_area = Rect(inner.x, inner.y, inner.width, inner.height * 0.2)
    message_area = Rect(inner.x, inner.y + inner.height * 0.25, inner.width, inner.height * 0.35)
    details_area = Rect(inner.x, inner.y + inner.height * 0.65, inner.width, inner.height * 0.35)
    _require_text_room(inner, 8.0, "slip")
    marks = texts.fit(
        [texts.paragraph("sender", slip.sender)], sender_area, max_pt=12.0, min_pt=7.0, valign="top"
    )
    marks += texts.fit(
        [texts.paragraph("message", slip.message, 1.0, "center", keep_whole=True)],
        message_area,
        max_pt=24.0,
        min_pt=8.0,
    )
    marks += texts.fit(
        [
            texts.paragraph("date_text", slip.date_text, 1.0, "right"),
            texts.paragraph("quantity_text", slip.quantity_text, 1.3, "center", keep_whole=True),
        ],
        details_area,
        max_pt=14.0,
        min_pt=7.0,
    )
    return texts.artwork(marks, (sender_area, message_area, details_area))


_COMPOSERS = {
    PackageLabel: _package_label,
    LeafletCard: _leaflet_card,
    LocationPlacard: _location_placard,
    AddressLabel: _address_label,
    PackingSlip: _packing_slip,
}


@lru_cache(maxsize=512)
def compose(content, width, height, font, keep_out=(0.0, 0.0, 0.0, 0.0)):
    """Return the Artwork for one product in a cell of width × height mm (cached).

    `keep_out` = (left, top, right, bottom): how far inside each cell edge nothing may be
    drawn, because the printer cannot print there (the sheet's printer margin reaching into
    a cell at the paper edge). Every composition already keeps BLANK_EDGE_MM clear, so the
    cell only shrinks by the rest.
    """
    composer = _COMPOSERS.get(type(content))
    if composer is None:
        raise TextError(
            f"Cannot print a {type(content).__name__}; pass one of "
            f"{', '.join(cls.__name__ for cls in _COMPOSERS)}.",
            code="unsupported_content",
        )
    left, top, right, bottom = (max(0.0, side - BLANK_EDGE_MM) for side in keep_out)
    return composer(content, width - left - right, height - top - bottom, font).moved(left, top)


def calibration_cell(number, width, height, font, keep_out=(0.0, 0.0, 0.0, 0.0)):
    """Return the calibration artwork for a cell: outline, centre cross and its number.

    The outline runs along the cell edge to show where the printer put it; the number keeps
    clear of the printer margin (`keep_out`, as for compose) like any other text.
    """
    arm = min(5.0, width / 4, height / 4)
    centre_x, centre_y = width / 2, height / 2
    marks = [
        FrameMark(Rect(0.0, 0.0, width, height), 0.2),
        LineMark(centre_x - arm, centre_y, centre_x + arm, centre_y, 0.2),
        LineMark(centre_x, centre_y - arm, centre_x, centre_y + arm, 0.2),
    ]
    left, top = max(1.5, keep_out[0]), max(1.0, keep_out[1])
    area = Rect(left, top, centre_x - arm - 0.5 - left, centre_y - 0.5 - top)
    text = fit_text(font, [Paragraph(str(number))], area, max_pt=14.0, min_pt=4.0, valign="top")
    return Artwork(tuple(marks) + text, (area,))


def text_marks(artwork):
    """The text marks of an artwork (for checks and tests)."""
    return [mark for mark in artwork.marks if isinstance(mark, TextMark)]
