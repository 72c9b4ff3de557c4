"""The public request form: a pack by mail or to collect, asked for from a phone.

It stores only what delivery needs. The confirmation page echoes nothing personal and its URL
carries nothing personal. A filled-in honeypot gets the same confirmation and stores nothing.
A request sent from a location's QR page remembers the location (which toilets lead people
to ask), nothing more about the person.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, redirect, render_template, request, url_for

from inventory.core.errors import DomainError
from inventory.requests.errors import AlreadySent, RateLimited
from inventory.requests.models import Delivery
from inventory.requests.personal_data import personal_errors
from inventory.requests.public import submit_public_request
from inventory.settings.organisation import get_settings
from inventory.stock.catalog import find_location_by_code

from . import bp
from .forms import PublicRequestForm
from .messages import attach_request_error


def address_key() -> str:
    """A keyed hash of the sender's address for the rate limit; the address itself is not stored."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, (request.remote_addr or "unknown").encode(), hashlib.sha256).hexdigest()


def _form_page(location):
    form = PublicRequestForm()
    message, status = None, 200
    if form.is_submitted() and (form.website.data or "").strip():
        return redirect(url_for(".public_thanks"))  # a robot: same answer, nothing stored
    valid = form.validate_on_submit()
    if form.is_submitted() and form.delivery.data == Delivery.MAIL:
        # Every missing or malformed mail field at once, beside the consent box: on a phone,
        # one error per submit is four submits.
        for error in personal_errors(**form.mail_data()):
            if not form[error.field].errors:  # the form's own check may have said it already
                attach_request_error(form, error)
            valid = False
    if valid:
        try:
            submit_public_request(
                quantity=form.quantity.data,
                delivery=form.delivery.data,
                address_key=address_key(),
                location_id=location.id if location else None,
                idempotency_key=form.idempotency_key.data,
                **form.mail_data(),
            )
        except RateLimited as error:
            message, status = attach_request_error(form, error), 429
        except AlreadySent as error:
            message, status = attach_request_error(form, error), 409
        except DomainError as error:
            message, status = attach_request_error(form, error), 422
        else:
            return redirect(url_for(".public_thanks"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "requests/public_form.html",
        form=form,
        location=location,
        message=message,
        retention_days=get_settings().retention_days,
    ), status


@bp.route("/request", methods=["GET", "POST"])
def public_form():
    """The request form without a location (from the general support page)."""
    return _form_page(None)


@bp.route("/l/<code>/request", methods=["GET", "POST"])
def public_form_at(code: str):
    """The request form from a location's QR page; an unknown code still gets the form."""
    return _form_page(find_location_by_code(code))


@bp.route("/request/thanks")
def public_thanks():
    """The confirmation: the same words for everyone, nothing personal."""
    return render_template("requests/public_thanks.html")
