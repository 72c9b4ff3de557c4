"""Items (with package recipes) and locations (with their permanent codes and public pages)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from inventory.core.errors import DomainError, InvalidValue
from inventory.stock import catalog
from inventory.stock import queries as stock_queries
from inventory.stock.models import ItemKind

from ..auth.access import staff_required
from . import bp, names
from .common import or_404, refusal_message, with_fresh_key
from .forms import ActiveForm, ItemCreateForm, ItemForm, LocationForm, RecipeForm


def _catalog_refusal(form, error: DomainError) -> str | None:
    """Like refusal_message, with a plain sentence for a name that is already taken."""
    if isinstance(error, InvalidValue) and str(error) == "name taken":
        form.name.errors.append(_("This name is already in use. Choose another one."))
        return None
    return refusal_message(form, error)


# ---- items -------------------------------------------------------------------------------


@bp.route("/items")
@staff_required
def items():
    """List the items; retired ones on request."""
    show_retired = request.args.get("retired") == "1"
    return render_template(
        "stock/items.html",
        items=catalog.list_items(include_retired=show_retired),
        show_retired=show_retired,
        action_form=ActiveForm(formdata=None),
    )


@bp.route("/items/new", methods=["GET", "POST"])
@staff_required
def new_item():
    """Add an item."""
    form = ItemCreateForm()
    message = None
    if form.validate_on_submit():
        try:
            item = catalog.create_item(
                form.name.data,
                form.kind.data,
                form.unit.data,
                pads_per_unit=form.pads_per_unit.data,
                low_stock_threshold=form.low_stock_threshold.data,
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = _catalog_refusal(form, error)
        else:
            flash(_("The item %(name)s was saved.", name=item.name), "success")
            return redirect(url_for(".edit_item", item_id=item.id))
    return render_template("stock/item_form.html", form=form, item=None, message=message)


def _recipe_form(item, formdata=None) -> tuple[RecipeForm, dict]:
    """The recipe form of a package: one box per active supply, filled with the current recipe."""
    current = {component.id: quantity for component, quantity in catalog.recipe_of(item.id)}
    supplies = [s for s in catalog.list_items() if s.kind == ItemKind.SUPPLY]
    data = {"components": [{"item_id": s.id, "quantity": current.get(s.id)} for s in supplies]}
    form = RecipeForm(formdata=formdata, data=data)
    return with_fresh_key(form), {s.id: s for s in supplies}


@bp.route("/items/<row_id:item_id>", methods=["GET", "POST"])
@staff_required
def edit_item(item_id: int):
    """Change an item's name, unit, pads per unit or threshold; a package shows its recipe."""
    item = or_404(catalog.get_item, item_id)
    form = ItemForm(obj=item)
    message = None
    if form.validate_on_submit():
        try:
            catalog.update_item(
                item.id,
                name=form.name.data,
                unit=form.unit.data,
                pads_per_unit=form.pads_per_unit.data,
                low_stock_threshold=form.low_stock_threshold.data,
            )
        except DomainError as error:
            message = _catalog_refusal(form, error)
        else:
            flash(_("The item was saved."), "success")
            return redirect(url_for(".items"))
    recipe_form, supplies = _recipe_form(item, formdata=None) if item.kind == "package" else (None, {})
    return render_template(
        "stock/item_form.html",
        form=form,
        item=item,
        message=message,
        recipe_form=recipe_form,
        supplies=supplies,
        recipe=catalog.recipe_of(item.id),
        action_form=ActiveForm(formdata=None),
    )


@bp.route("/items/<row_id:item_id>/recipe", methods=["POST"])
@staff_required
def edit_recipe(item_id: int):
    """Replace a package item's recipe with the boxes filled in."""
    item = or_404(catalog.get_item, item_id)
    if item.kind != "package":
        abort(404)
    recipe_form, supplies = _recipe_form(item, formdata=request.form)
    message = None
    if recipe_form.validate_on_submit():
        components = {
            entry.form.item_id.data: entry.form.quantity.data
            for entry in recipe_form.components
            if entry.form.quantity.data is not None
        }
        try:
            catalog.set_recipe(item.id, components)
        except InvalidValue:
            message = _("Enter for each component a whole number from 1 to 1000, and at least one component.")
        except DomainError as error:
            message = refusal_message(recipe_form, error)
        else:
            flash(_("The recipe was saved."), "success")
            return redirect(url_for(".edit_item", item_id=item.id))
    item_form = with_fresh_key(ItemForm(obj=item, formdata=None))
    return render_template(
        "stock/item_form.html",
        form=item_form,
        item=item,
        message=None,
        recipe_form=recipe_form,
        recipe_message=message,
        supplies=supplies,
        recipe=catalog.recipe_of(item.id),
        action_form=ActiveForm(formdata=None),
    )


@bp.route("/items/<row_id:item_id>/active", methods=["POST"])
@staff_required
def set_item_active(item_id: int):
    """Retire an item or bring it back."""
    item = or_404(catalog.get_item, item_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    catalog.set_item_active(item.id, form.active.data == "1")
    flash(
        _("The item was reactivated.") if form.active.data == "1" else _("The item was retired."), "success"
    )
    return redirect(url_for(".items"))


# ---- locations ---------------------------------------------------------------------------


@bp.route("/locations")
@staff_required
def locations():
    """List the locations, filtered by kind; retired ones on request."""
    kind = request.args.get("kind") or None
    if kind not in names.LOCATION_KINDS:
        kind = None
    show_retired = request.args.get("retired") == "1"
    return render_template(
        "stock/locations.html",
        kind=kind,
        show_retired=show_retired,
        location_kinds=list(names.LOCATION_KINDS),
        locations=catalog.list_locations(kind=kind, include_retired=show_retired),
    )


@bp.route("/locations/new", methods=["GET", "POST"])
@staff_required
def new_location():
    """Add a storeroom or placement point; it gets its permanent code."""
    form = LocationForm()
    message = None
    if form.validate_on_submit():
        try:
            location = catalog.create_location(
                form.kind.data,
                form.name.data,
                address=form.address.data or "",
                spot=form.spot.data or "",
                target_level=form.target_level.data,
                contact_note=form.contact_note.data or "",
                public=form.public_choice(),
                area=form.area.data or "",
                opening_hours=form.opening_hours.data or "",
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as error:
            message = refusal_message(form, error)
        else:
            flash(_("The location was saved with the code %(code)s.", code=location.code), "success")
            return redirect(url_for(".location", location_id=location.id))
    return render_template("stock/location_form.html", form=form, location=None, message=message)


@bp.route("/locations/<row_id:location_id>")
@staff_required
def location(location_id: int):
    """One location: its stock, its latest movements and its public page."""
    detail = or_404(stock_queries.location_detail, location_id)
    public_url = url_for("public.location_page", code=detail.location.code, _external=True)
    return render_template(
        "stock/location.html", detail=detail, location=detail.location, public_url=public_url
    )


@bp.route("/locations/<row_id:location_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_location(location_id: int):
    """Change a location's details; its code never changes."""
    location = or_404(catalog.get_location, location_id)
    form = LocationForm(obj=location)
    if not form.is_submitted():
        form.public.data = "1" if location.public else "0"
    message = None
    if form.validate_on_submit():
        try:
            catalog.update_location(
                location.id,
                kind=form.kind.data,
                name=form.name.data,
                address=form.address.data or "",
                spot=form.spot.data or "",
                target_level=form.target_level.data,
                contact_note=form.contact_note.data or "",
                public=form.public_choice(),
                area=form.area.data or "",
                opening_hours=form.opening_hours.data or "",
            )
        except DomainError as error:
            message = refusal_message(form, error)
        else:
            flash(_("The location was saved."), "success")
            return redirect(url_for(".location", location_id=location.id))
    return render_template("stock/location_form.html", form=form, location=location, message=message)


@bp.route("/locations/<row_id:location_id>/active", methods=["GET", "POST"])
@staff_required
def set_location_active(location_id: int):
    """Ask, then retire a location (its QR keeps working) or reopen it."""
    location = or_404(catalog.get_location, location_id)
    form = ActiveForm(data={"active": "0" if location.active else "1"})
    if form.validate_on_submit():
        catalog.set_location_active(location.id, form.active.data == "1")
        flash(
            _("The location was reopened.")
            if form.active.data == "1"
            else _("The location was retired. Its QR code now shows a friendly notice."),
            "success",
        )
        return redirect(url_for(".location", location_id=location.id))
    if request.method == "POST":
        abort(400)
    return render_template("stock/location_active.html", location=location, form=form)
