"""Tables of the stock ledger: items, locations, records, movements, balances, counts, receipts."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inventory.core.clock import utcnow
from inventory.core.db import Model, in_check


class ItemKind(enum.StrEnum):
    """A supply is received and consumed; a package is assembled from supplies by a recipe."""

    SUPPLY = "supply"
    PACKAGE = "package"


class LocationKind(enum.StrEnum):
    """Where stock is kept: the storeroom, or a kind of placement point."""

    STOREROOM = "storeroom"
    CITY_HALL = "city_hall"
    ELEMENTARY_SCHOOL = "elementary_school"
    JUNIOR_HIGH_SCHOOL = "junior_high_school"
    UNIVERSITY = "university"
    OTHER = "other"


MAX_TEXT = 200


class Item(Model):
    """Something counted in stock: a pack, a leaflet, a prepared package."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    unit: Mapped[str] = mapped_column(sa.String(20))
    pads_per_unit: Mapped[int | None]
    low_stock_threshold: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_([k.value for k in ItemKind]), name="kind_known"),
        sa.CheckConstraint(
            "pads_per_unit IS NULL OR pads_per_unit BETWEEN 1 AND 1000", name="pads_per_unit_range"
        ),
        sa.CheckConstraint("low_stock_threshold >= 0", name="threshold_not_negative"),
    )


class RecipeComponent(Model):
    """One component of a package item: so many of another item per package."""

    __tablename__ = "recipe_component"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    component_item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    quantity: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint(
            "package_item_id", "component_item_id", name="uq_recipe_component_package_component"
        ),
        sa.CheckConstraint("quantity BETWEEN 1 AND 1000", name="quantity_range"),
        sa.CheckConstraint("package_item_id <> component_item_id", name="not_itself"),
    )


class Location(Model):
    """The storeroom or a placement point; its code is printed on QR placards and never reused."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    name: Mapped[str] = mapped_column(sa.String(MAX_TEXT))
    address: Mapped[str] = mapped_column(sa.String(MAX_TEXT), default="")
    spot: Mapped[str] = mapped_column(sa.String(MAX_TEXT), default="")
    target_level: Mapped[int] = mapped_column(default=0)
    contact_note: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Listed on the public /where page; schools are not unless staff choose so.
    public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    area: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    opening_hours: Mapped[str] = mapped_column(sa.String(MAX_TEXT), default="", server_default="")

    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_([k.value for k in LocationKind]), name="kind_known"),
        sa.CheckConstraint("target_level BETWEEN 0 AND 1000000", name="target_level_range"),
        sa.CheckConstraint("length(code) BETWEEN 6 AND 8", name="code_length"),
    )

    @property
    def is_storeroom(self) -> bool:
        """Whether stock is received and assembled here."""
        return self.kind == LocationKind.STOREROOM


class RecordKind(enum.StrEnum):
    """The business action a record stands for."""

    DONATION = "donation"
    PURCHASE = "purchase"
    ASSEMBLY = "assembly"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    STOCKTAKE = "stocktake"
    REVERSAL = "reversal"
    # For the restock rounds and requests that compose the primitives below.
    RESTOCK_VISIT = "restock_visit"
    REQUEST = "request"


class MovementKind(enum.StrEnum):
    """What one movement did; the kind fixes which sides (from/to) it has."""

    RECEIPT_DONATION = "receipt_donation"
    RECEIPT_PURCHASE = "receipt_purchase"
    ASSEMBLY_CONSUME = "assembly_consume"
    ASSEMBLY_PRODUCE = "assembly_produce"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    CONSUMPTION = "consumption"
    MAILED = "mailed"
    HANDED_OVER = "handed_over"
    DISCARDED = "discarded"
    REVERSAL = "reversal"


class AdjustmentReason(enum.StrEnum):
    """Why an adjustment was made; stocktakes record `stocktake`."""

    DAMAGED = "damaged"
    LOST = "lost"
    FOUND = "found"
    EXPIRED = "expired"
    CORRECTION = "correction"
    STOCKTAKE = "stocktake"


INFLOW_KINDS = (MovementKind.RECEIPT_DONATION, MovementKind.RECEIPT_PURCHASE, MovementKind.ASSEMBLY_PRODUCE)
OUTFLOW_KINDS = (
    MovementKind.ASSEMBLY_CONSUME,
    MovementKind.CONSUMPTION,
    MovementKind.MAILED,
    MovementKind.HANDED_OVER,
    MovementKind.DISCARDED,
)


class StockRecord(Model):
    """The header of one business action; its movements stand or fall (and are reversed) together."""

    __tablename__ = "stock_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Where the action happened (the storeroom of a receipt, the source of a transfer), for lists.
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # UNIQUE: a record is reversed at most once, even by two staff clicking at the same moment.
    reverses_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_record.id"), unique=True)

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", RecordKind), name="kind_known"),
        sa.CheckConstraint("reason IS NULL OR " + in_check("reason", AdjustmentReason), name="reason_known"),
        sa.CheckConstraint(
            "(kind = 'reversal') = (reverses_record_id IS NOT NULL)", name="reversal_names_record"
        ),
        sa.Index("ix_stock_record_kind_occurred_at", "kind", "occurred_at"),
    )


class StockMovement(Model):
    """One quantity of one item moving between locations (None = outside). Never updated or deleted."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    quantity: Mapped[int]
    from_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    to_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # UNIQUE: a movement can be reversed only once.
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_movement.id"), unique=True)

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(in_check("kind", MovementKind), name="kind_known"),
        sa.CheckConstraint("from_location_id IS NOT NULL OR to_location_id IS NOT NULL", name="has_a_side"),
        sa.CheckConstraint(
            "from_location_id IS NULL OR to_location_id IS NULL OR from_location_id <> to_location_id",
            name="sides_differ",
        ),
        sa.CheckConstraint(
            f"({in_check('kind', INFLOW_KINDS)} AND from_location_id IS NULL) "
            f"OR ({in_check('kind', OUTFLOW_KINDS)} AND to_location_id IS NULL) "
            "OR (kind = 'transfer' AND from_location_id IS NOT NULL AND to_location_id IS NOT NULL) "
            "OR kind IN ('adjustment', 'reversal')",
            name="sides_match_kind",
        ),
        sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal_names_movement"),
        # The history page reads one location's movements newest first, each side along its
        # own index, with or without a kind (see stock_queries.movement_history).
        sa.Index("ix_stock_movement_from_at", "from_location_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_to_at", "to_location_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_from_kind_at", "from_location_id", "kind", "occurred_at", "id"),
        sa.Index("ix_stock_movement_to_kind_at", "to_location_id", "kind", "occurred_at", "id"),
        sa.Index("ix_stock_movement_item_at", "item_id", "occurred_at", "id"),
        sa.Index("ix_stock_movement_occurred_at", "occurred_at", "id"),
    )


class StockLevel(Model):
    """The balance of one item at one location, changed in the same transaction as its movements."""

    __tablename__ = "stock_level"

    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), primary_key=True)
    qty: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The backstop behind the conditional updates: no code path can make a balance negative.
    __table_args__ = (sa.CheckConstraint("qty >= 0", name="qty_not_negative"),)


class StockCount(Model):
    """What was counted of an item at a location during a stocktake (a visit keeps its own count)."""

    __tablename__ = "stock_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    expected: Mapped[int]
    counted: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("record_id", "item_id", name="uq_stock_count_record_item"),
        sa.CheckConstraint("expected >= 0 AND counted >= 0", name="not_negative"),
    )


class DonorKind(enum.StrEnum):
    """Who gave: for the city's report on where support comes from."""

    INDIVIDUAL = "individual"
    COMPANY = "company"
    GROUP = "group"
    SCHOOL_DRIVE = "school_drive"
    OTHER = "other"


class Funding(enum.StrEnum):
    """Which money paid for a purchase: the city grant (交付金), own funds (自主財源), other."""

    GRANT = "grant"
    OWN_FUNDS = "own_funds"
    OTHER = "other"


class Donation(Model):
    """The donation details of a stock record; its lines are the record's movements."""

    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), primary_key=True)
    # Blank means anonymous (匿名); nothing else about a donor is kept.
    donor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    donor_kind: Mapped[str] = mapped_column(sa.String(20))

    __table_args__ = (
        sa.CheckConstraint(
            sa.column("donor_kind").in_([k.value for k in DonorKind]), name="donor_kind_known"
        ),
    )


class Purchase(Model):
    """The purchase details of a stock record."""

    record_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_record.id"), primary_key=True)
    vendor: Mapped[str] = mapped_column(sa.String(100))
    funding: Mapped[str] = mapped_column(sa.String(20))
    receipt_number: Mapped[str] = mapped_column(sa.String(50), default="")

    __table_args__ = (
        sa.CheckConstraint(sa.column("funding").in_([f.value for f in Funding]), name="funding_known"),
    )


class PurchaseLine(Model):
    """One purchased item with its unit cost (integer yen), for the grant report."""

    __tablename__ = "purchase_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(sa.ForeignKey("purchase.record_id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    quantity: Mapped[int]
    unit_cost_yen: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("purchase_id", "item_id", name="uq_purchase_line_purchase_item"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost_yen >= 0", name="unit_cost_not_negative"),
    )
