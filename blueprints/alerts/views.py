"""The views of the alerts blueprint (see the package's docstring)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import FollowEvent, MessageEvent, TextMessageContent, UnfollowEvent

from inventory.alerts import outbox, people, queries
from inventory.alerts.channels import LineChannel
from inventory.core.errors import DomainError
from inventory.settings import alerts as alert_settings
from inventory.stock import catalog
from inventory.stock.models import LocationKind

from ..auth.access import admin_required, staff_required
from ..extensions import csrf
from ..forms import CsrfOnlyForm
from . import bp
from .forms import ADMIN_KIND_LABELS, KIND_LABELS, ChannelSettingsForm, VolunteersForm

SECRET_FIELDS = ("line_channel_access_token", "line_channel_secret")


@bp.app_context_processor
def _template_helpers():
    """Let the location page show who looks after it."""
    return {"assigned_volunteers": people.assigned_volunteers}


# --- the account page ---------------------------------------------------------------------------


def _account_page(code: str | None = None, status: int = 200):
    kinds = people.kinds_for(current_user.role)
    return (
        render_template(
            "alerts/account.html",
            form=CsrfOnlyForm(),
            kinds=kinds,
            prefs=people.preferences(current_user.id),
            line=people.line_state(current_user.id),
            line_on=alert_settings.get_alert_settings(current_app.config).line_enabled,
            email_on=alert_settings.get_alert_settings(current_app.config).email_enabled,
            code=code,
            labels=KIND_LABELS,
        ),
        status,
    )


@bp.route("/account/alerts", methods=["GET", "POST"])
@login_required
def account():
    """Switch each kind of alert on or off, and link LINE."""
    form = CsrfOnlyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = set(request.form.getlist("kinds"))
        kinds = people.kinds_for(current_user.role)
        people.set_preferences(current_user.id, {kind: kind in chosen for kind in kinds})
        flash(_("Your alert settings were saved."), "success")
        return redirect(url_for(".account"))
    return _account_page()


@bp.route("/account/alerts/line-code", methods=["POST"])
@login_required
def line_code():
    """Show a fresh one-time code to send to the LINE bot (shown once, only its hash is kept)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    if not alert_settings.get_alert_settings(current_app.config).line_enabled:
        flash(_("LINE is not set up yet. Please ask the administrator."), "error")
        return redirect(url_for(".account"))
    return _account_page(code=people.new_link_code(current_user.id))


@bp.route("/account/alerts/line-unlink", methods=["POST"])
@login_required
def line_unlink():
    """Stop LINE messages to this account."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    people.unlink_line(current_user.id)
    flash(_("LINE is no longer linked to your account."), "success")
    return redirect(url_for(".account"))


# --- the LINE webhook ---------------------------------------------------------------------------


@bp.route("/line/webhook", methods=["POST"])
@csrf.exempt  # LINE signs its requests (X-Line-Signature) with the channel secret instead
def line_webhook():
    """Receive LINE events: a one-time code links an account; unfollow/follow mark blocking."""
    settings = alert_settings.get_alert_settings(current_app.config)
    secret = settings.line_channel_secret
    if not secret:
        abort(404)
    signature = request.headers.get("X-Line-Signature", "")
    try:
        events = WebhookParser(secret).parse(request.get_data(as_text=True), signature)
    except InvalidSignatureError:
        abort(400)
    except (ValueError, TypeError, KeyError):
        abort(400)
    for event in events:
        user_id = getattr(getattr(event, "source", None), "user_id", None)
        if not user_id:
            continue
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            linked = people.link_line(event.message.text, user_id)
            if linked:
                current_app.logger.info("a LINE account was linked")
            _reply(settings, event.reply_token, people.locale_of_line_user(user_id), linked)
        elif isinstance(event, UnfollowEvent):
            people.set_line_blocked(user_id, True)
        elif isinstance(event, FollowEvent):
            people.set_line_blocked(user_id, False)
    return "OK"


def _reply(settings, reply_token: str | None, locale: str, linked: bool) -> None:
    """Tell the LINE user whether the code worked (best effort: LINE may be unreachable)."""
    if not reply_token or not settings.line_enabled:
        return
    with force_locale(locale):
        text = (
            _("Linked. Alerts will now also come here.")
            if linked
            else _("This code is not valid or has expired. Please make a new one on your account page.")
        )
    channel = LineChannel(settings, api_url=current_app.config.get("ALERTS_LINE_API_URL"))
    try:
        if not channel.reply(reply_token, text):
            current_app.logger.warning("the reply to a LINE message could not be sent")
    finally:
        channel.close()


# --- the admin's pages --------------------------------------------------------------------------


@bp.route("/admin/alerts")
@admin_required
def outbox_page():
    """Deliveries that failed, are being retried or were interrupted, and the channels' state."""
    settings = alert_settings.get_alert_settings(current_app.config)
    return render_template(
        "alerts/outbox.html",
        rows=queries.problems(),
        counts=queries.counts_by_status(),
        settings=settings,
        form=CsrfOnlyForm(),
        kind_labels=ADMIN_KIND_LABELS,
    )


@bp.route("/admin/alerts/<row_id:delivery_id>/retry", methods=["POST"])
@admin_required
def retry_delivery(delivery_id: int):
    """Send a failed or interrupted delivery again."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    if outbox.requeue(delivery_id):
        flash(_("It will be sent again within a minute."), "success")
    else:
        flash(_("This alert cannot be sent again: it was sent, or is being sent now."), "error")
    return redirect(url_for(".outbox_page"))


@bp.route("/admin/alerts/settings", methods=["GET", "POST"])
@admin_required
def channel_settings():
    """Edit how alerts are sent; secrets are never shown back."""
    current = alert_settings.get_alert_settings(current_app.config)
    form = ChannelSettingsForm(obj=current)
    if request.method == "GET":
        for name in SECRET_FIELDS:
            getattr(form, name).data = ""
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in alert_settings.STORED}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        if form.clear_line.data:
            values.update(clear_line_channel_access_token=True, clear_line_channel_secret=True)
        try:
            alert_settings.update_alert_settings(**values)
        except DomainError:
            flash(_("Please check the values."), "error")
        else:
            flash(_("The alert settings were saved."), "success")
            return redirect(url_for(".channel_settings"))
    stored = alert_settings.get_alert_settings()
    environment = current_app.config
    return render_template(
        "alerts/settings.html",
        form=form,
        settings=current,
        password_set=bool(current.smtp_password),
        token_from_env=bool(environment.get("ALERTS_LINE_CHANNEL_ACCESS_TOKEN")),
        secret_from_env=bool(environment.get("ALERTS_LINE_CHANNEL_SECRET")),
        token_stored=bool(stored.line_channel_access_token),
        secret_stored=bool(stored.line_channel_secret),
        webhook_url=url_for(".line_webhook", _external=True),
    )


# --- who looks after a location -----------------------------------------------------------------


@bp.route("/stock/locations/<row_id:location_id>/volunteers", methods=["GET", "POST"])
@staff_required
def location_volunteers(location_id: int):
    """Choose the volunteers who look after a placement point and hear when it needs a visit."""
    try:
        location = catalog.get_location(location_id)
    except DomainError:
        abort(404)
    if location.kind == LocationKind.STOREROOM.value:
        abort(404)
    form = VolunteersForm()
    form.volunteers.choices = [(u.id, u.name) for u in people.assignable_volunteers()]
    if request.method == "GET":
        form.volunteers.data = [u.id for u in people.assigned_volunteers(location.id)]
    if form.validate_on_submit():
        try:
            people.set_volunteers(location.id, form.volunteers.data or [])
        except DomainError:
            form.volunteers.errors = [_("Please choose from the list.")]
        else:
            flash(_("The volunteers of this location were saved."), "success")
            return redirect(url_for("stock.location", location_id=location.id))
    return render_template("alerts/volunteers.html", form=form, location=location)
