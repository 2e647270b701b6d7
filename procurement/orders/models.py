"""Orders and delivery (DOMAIN.md §7): distributors named by manufacturers, orders and their lines,
shipments by batch, acceptance and returns, offline purchases, alliance prices."""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.changes import change_stamp_trigger, change_xid_field
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import AmountField, PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.orders.choices import LineStatus, OrderSource, OrderState, ShipmentStatus
from procurement.orders.quantities import LINE_QUANTITY_MAX
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation, Region, User


def _serves_region_of(organisation):
    """Designations whose region contains the hospital's: a province-wide one serves every county."""
    ancestors = [part for part in organisation.region.path.split("/") if part]
    return Q(region__code__in=ancestors)


@tracked()
class DistributorDesignation(models.Model):
    """R-ORD-3: a distributor the manufacturer names to deliver one of its products in a region."""

    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("manufacturer")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="designations", verbose_name=_("product")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    distributor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="designations",
        verbose_name=_("distributor"),
        limit_choices_to={"kind": OrganisationKind.DISTRIBUTOR},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_rule = ScopeRule(
        manufacturer="manufacturer", distributor="distributor", hospital=_serves_region_of, region="region"
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("distributor designation")
        verbose_name_plural = _("distributor designations")
        constraints = [
            models.UniqueConstraint(fields=["product", "region", "distributor"], name="designation_once"),
        ]

    def __str__(self):
        return f"{self.product} · {self.region} · {self.distributor}"


def _line_of_distributor(organisation):
    return Exists(OrderLine.objects.filter(order=OuterRef("pk"), distributor=organisation))


@tracked()
class Order(models.Model):
    """采购订单: a hospital's order of one or more lines, from the browser or its HIS.

    ``idempotency_key`` (with the hospital) is unique: a HIS retrying a request gets the first
    order back, never a second one (R-ORD-5); ``request_hash`` tells a retry from a different
    request reusing the key.
    """

    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="orders", verbose_name=_("hospital")
    )
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by"))
    source = models.CharField(_("source"), max_length=10, choices=OrderSource.choices, default=OrderSource.BROWSER)
    # NULL, not "": orders without a key must not collide in the unique constraint.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True, verbose_name=_("request fingerprint"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    total = AmountField(_("total"), default=0)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True, db_index=True)
    change_xid = change_xid_field()

    scope_rule = ScopeRule(hospital="hospital", distributor=_line_of_distributor, region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="order_idempotency_key_once",
            ),
        ]
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.hospital} #{self.pk}"

    @property
    def state_label(self) -> str:
        """The label of ``state_seen``, the state ``selectors.orders_seen_by`` computes for its reader."""
        return OrderState(self.state_seen).label


@tracked()
class OrderLine(models.Model):
    """One product of an order, at the price the platform resolved (R-ORD-2), from one distributor."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines", verbose_name=_("order"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("medical institution")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("manufacturer")
    )
    distributor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("distributor")
    )
    quantity = models.PositiveIntegerField(_("quantity (packs)"))
    price = PriceField(_("price per pack"))
    # The kind of the price source that quoted it (R-ORD-2): sources are registered by the channels.
    price_source = models.CharField(_("price source"), max_length=20)
    price_reference = models.CharField(_("price reference"), max_length=60, blank=True)
    amount = AmountField(_("amount"))
    status = models.CharField(
        _("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.SUBMITTED, db_index=True
    )
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    accepted_quantity = models.PositiveIntegerField(_("accepted"), default=0)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    # R-ORD-4: packs of a partly shipped line that will not ship — the rest declined by the distributor or
    # cancelled by the hospital, with the reason; the line then completes with what shipped.
    closed_quantity = models.PositiveIntegerField(_("closed unshipped"), default=0, db_default=0)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was declined or cancelled."), max_length=REASON_MAX_LENGTH
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    change_xid = change_xid_field()

    scope_rule = ScopeRule(
        hospital="hospital", distributor="distributor", manufacturer="manufacturer", region="hospital__region"
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gt=0), name="line_price_positive"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=F("quantity") - F("closed_quantity")),
                name="line_ships_at_most_ordered",
            ),
            models.CheckConstraint(
                condition=Q(accepted_quantity__lte=F("shipped_quantity")), name="line_accepts_at_most_shipped"
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("accepted_quantity")), name="line_returns_at_most_accepted"
            ),
        ]
        indexes = [models.Index(fields=["hospital", "change_xid", "id"], name="line_pull_cursor")]
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.product} × {self.quantity}"

    @property
    def price_source_label(self) -> str:
        from procurement.orders.pricing import price_source_label

        return price_source_label(self.price_source)

    @property
    def open_quantity(self) -> int:
        """Packs ordered, not shipped yet and not closed."""
        return self.quantity - self.shipped_quantity - self.closed_quantity


@tracked()
class Shipment(models.Model):
    """One batch shipped for an order line (R-ORD-4), accepted or rejected once by the hospital."""

    line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order line")
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("medical institution")
    )
    distributor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("distributor")
    )
    batch_number = models.CharField(_("batch number"), max_length=40)
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"))
    inspection_report = models.FileField(_("inspection report"), upload_to="inspection/%Y/%m/")
    quantity = models.PositiveIntegerField(_("quantity (packs)"))
    status = models.CharField(
        _("status"), max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.SHIPPED, db_index=True
    )
    shipped_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("shipped by"))
    shipped_at = models.DateTimeField(_("shipped"), auto_now_add=True)
    accepted_quantity = models.PositiveIntegerField(_("accepted"), default=0)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    rejection_reason = models.TextField(_("reason of rejection"), blank=True, max_length=REASON_MAX_LENGTH)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, db_index=True)
    change_xid = change_xid_field()

    scope_rule = ScopeRule(
        hospital="hospital", distributor="distributor", manufacturer="line__manufacturer", region="hospital__region"
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_quantity_positive"),
            models.CheckConstraint(
                condition=Q(expiry_date__gt=F("production_date")), name="shipment_expiry_after_production"
            ),
            models.CheckConstraint(
                condition=Q(accepted_quantity__lte=F("quantity")), name="shipment_accepts_at_most_shipped"
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("accepted_quantity")), name="shipment_returns_at_most_accepted"
            ),
            # R-ORD-4: a shipment is accepted (or rejected) once: the time of acceptance marks it.
            models.CheckConstraint(
                condition=Q(status=ShipmentStatus.SHIPPED, accepted_at__isnull=True)
                | (~Q(status=ShipmentStatus.SHIPPED) & Q(accepted_at__isnull=False)),
                name="shipment_decided_once",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "change_xid", "id"], name="shipment_pull_cursor")]
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.line.product} {self.batch_number} × {self.quantity}"


@tracked()
class ShipmentReturn(models.Model):
    """退货: packs returned after acceptance, recorded by the distributor that takes them back."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="returns", verbose_name=_("shipment"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("medical institution")
    )
    distributor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("distributor")
    )
    quantity = models.PositiveIntegerField(_("quantity (packs)"))
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(hospital="hospital", distributor="distributor", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-recorded_at"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive")]

    def __str__(self):
        return f"{self.shipment} − {self.quantity}"


class CartItem(models.Model):
    """购物车: a product a hospital's buyer means to order, with the packs and the distributor chosen so far.

    Kept on the server, per user (issue 12): it survives logging out and follows the buyer to another
    device. The buy page and the order submission (``services.cart_order``) read it; ordering empties it.
    Not audited: it is the buyer's draft, and the order it becomes is.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cart_items")
    # The hospital the user bought for when the item was added: a user moved to another organisation
    # does not carry a cart across (the cart is read with the user's current organisation).
    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity (packs)"))
    distributor = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("distributor")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    # The hospital's own users only; the bureau has no business in a buyer's draft.
    scope_rule = ScopeRule(hospital="hospital", provincial_bureau=False)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="cart_product_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=LINE_QUANTITY_MAX), name="cart_quantity_in_bounds"
            ),
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"


@tracked()
class OfflinePurchase(models.Model):
    """网下采购: a purchase made outside the platform, reported by the hospital (R-ORD-1)."""

    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="offline_purchases", verbose_name=_("hospital")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("what was bought"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity (packs)"))
    amount = AmountField(_("amount"))
    purchased_on = models.DateField(_("purchased on"))
    reason = models.TextField(_("why outside the platform"), max_length=REASON_MAX_LENGTH)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offline purchase")
        verbose_name_plural = _("offline purchases")
        ordering = ["-purchased_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offline_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="offline_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.hospital} · {self.description}"


@tracked()
class AlliancePrice(models.Model):
    """A price on an alliance platform for a "four-same" product (R-ORD-6): same generic name,
    specification, dosage form and manufacturer. Imported by the bureau; shown beside ours."""

    platform = models.CharField(_("alliance platform"), max_length=100)
    generic_name = models.CharField(_("generic name"), max_length=100)
    dosage_form = models.CharField(_("dosage form"), max_length=30)
    specification = models.CharField(_("specification"), max_length=60)
    manufacturer_name = models.CharField(_("manufacturer"), max_length=200)
    pack_quantity = models.PositiveIntegerField(_("pack quantity"))
    price = PriceField(_("price per pack"))
    effective_date = models.DateField(_("effective date"))
    imported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance price")
        verbose_name_plural = _("alliance prices")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "platform",
                    "generic_name",
                    "dosage_form",
                    "specification",
                    "manufacturer_name",
                    "pack_quantity",
                ],
                name="alliance_price_once",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="alliance_price_positive"),
        ]
        indexes = [models.Index(fields=["generic_name", "specification", "dosage_form"], name="alliance_four_same")]

    def __str__(self):
        return f"{self.platform} {self.generic_name} {self.price}"


@tracked()
class AlliancePriceImport(models.Model):
    """One upload of alliance-platform prices (R-ORD-6), loaded in the background in bounded batches.

    The record of the import: who uploaded which file (kept, with its SHA-256) and when, how far the
    load has come, and how it ended — the prices added, replaced and found unchanged, or every problem
    of a refused file by row and column (``AlliancePriceImportProblem``; nothing is loaded then).
    """

    file = models.FileField(_("file"), upload_to="alliance/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    uploaded_by = models.ForeignKey(User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_added = models.PositiveIntegerField(_("prices added"), default=0)
    rows_replaced = models.PositiveIntegerField(_("prices replaced"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    message = models.TextField(_("message"), blank=True)

    scope_rule = ScopeRule()  # the provincial bureau (and platform administrators)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance price import")
        verbose_name_plural = _("alliance price imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def rows_unchanged(self) -> int:
        return self.rows_written - self.rows_added - self.rows_replaced


class AlliancePriceImportProblem(models.Model):
    """One problem of a refused alliance price file: its row and column (as the user sees them), the
    value, the reason and the rule it breaks."""

    batch = models.ForeignKey(AlliancePriceImport, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.CharField(_("problem"), max_length=500)
    code = models.CharField(max_length=40, blank=True)
    rule = models.CharField(_("rule"), max_length=20, blank=True)

    scope_rule = ScopeRule()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance import problem")
        verbose_name_plural = _("alliance import problems")
        ordering = ["batch", "row", "id"]

    def __str__(self):
        return f"row {self.row}, {self.column}: {self.message}"
