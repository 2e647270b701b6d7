"""Writes of ordering and delivery (DOMAIN.md §7).

Lock order: order before line before shipment. Every function checks who may act, locks, checks
the transition, writes, and records why; a refusal raises ``DomainError`` and changes nothing.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.core import internals
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied, Problem
from procurement.core.files import check_document
from procurement.core.money import round_money
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.selectors import bar_on
from procurement.orders import checks, events
from procurement.orders.choices import LINE_TRANSITIONS, LineStatus, OrderSource, ShipmentStatus
from procurement.orders.models import (
    DistributorDesignation,
    OfflinePurchase,
    Order,
    OrderLine,
    Shipment,
    ShipmentReturn,
)
from procurement.orders.pricing import Quote, Refusal, price_sql, resolve_prices
from procurement.orders.quantities import LINE_QUANTITY_MAX
from procurement.orders.selectors import (
    DESIGNATED_SQL,
    Designated,
    region_codes,
    split_designated,
)
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import Organisation, Region, User

MAX_LINES = 200

# -- who may do what --------------------------------------------------------------------------------


def can_order(user: User) -> bool:
    """A hospital's buyer (or its HIS) orders for the hospital."""
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.HOSPITAL_BUYER, Role.HIS_CLIENT)


def can_accept(user: User) -> bool:
    """The hospital's storekeeper (or its HIS, or its buyer) accepts deliveries (验收入库)."""
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(
        Role.HOSPITAL_STOREKEEPER, Role.HIS_CLIENT, Role.HOSPITAL_BUYER
    )


def can_deliver(user: User) -> bool:
    return user.kind == OrganisationKind.DISTRIBUTOR and user.has_role(Role.DISTRIBUTOR_CLERK, Role.ORG_ADMIN)


def can_designate(user: User) -> bool:
    return user.kind == OrganisationKind.MANUFACTURER and user.has_role(Role.MANUFACTURER_CLERK, Role.ORG_ADMIN)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


# -- distributor designation (R-ORD-3) ------------------------------------------------------------


def designation_add(
    *, actor: User, product: Product, region: Region, distributor: Organisation
) -> DistributorDesignation:
    """R-ORD-3: the manufacturer names a distributor for one of its products in a region."""
    _require(can_designate(actor), _("Only the manufacturer names the distributors of its products."))
    if product.manufacturer_id != actor.organisation_id:
        raise PermissionDenied(
            _("A manufacturer names distributors for its own products only."), code="not_own_product", field="product"
        )
    if distributor.kind != OrganisationKind.DISTRIBUTOR or not distributor.is_active:
        raise DomainError(_("Choose an active distributor."), code="not_a_distributor", field="distributor")
    bar = bar_on(distributor.pk, timezone.localdate())
    if bar is not None:
        raise DomainError(
            _("%(distributor)s is on the bad-record list until %(until)s and may not be named (R-LIST-14).")
            % {"distributor": distributor, "until": bar.ends_on.isoformat()},
            code="distributor_barred",
            field="distributor",
            rule="R-LIST-14",
        )
    with transaction.atomic(), audit_reason(_("Distributor named")):
        designation, created = DistributorDesignation.objects.get_or_create(
            product=product,
            region=region,
            distributor=distributor,
            defaults={"manufacturer_id": actor.organisation_id},
        )
        if not created and not designation.is_active:
            designation.is_active = True
            designation.save(update_fields=["is_active"])
    return designation


def designation_remove(*, actor: User, designation_id: int) -> DistributorDesignation:
    _require(can_designate(actor), _("Only the manufacturer names the distributors of its products."))
    with transaction.atomic(), audit_reason(_("Distributor no longer named")):
        designation = (
            visible_to(actor, DistributorDesignation, for_write=True).select_for_update().get(pk=designation_id)
        )
        designation.is_active = False
        designation.save(update_fields=["is_active"])
    return designation


# -- ordering -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    product_code: str
    quantity: int
    distributor_id: int


@dataclass(frozen=True)
class Submitted:
    order: Order
    replayed: bool  # True when an idempotency key returned the order made by an earlier request


def request_fingerprint(lines: list[LineRequest], note: str) -> str:
    """What a retry must repeat exactly to be recognised as the same request (R-ORD-5)."""
    body = {"lines": [[line.product_code, line.quantity, line.distributor_id] for line in lines], "note": note}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def order_submit(
    *,
    actor: User,
    lines: list[LineRequest],
    source: str = OrderSource.BROWSER,
    idempotency_key: str | None = None,
    note: str = "",
) -> Submitted:
    """Place an order for the actor's hospital at the prices the platform resolves (R-ORD-2, R-ORD-3).

    With an idempotency key, the key and the hospital are unique in the database: a retry with the
    same body returns the first order; the same key with another body is refused; two concurrent
    requests with one key make one order (the second waits for the first to commit, then finds it).
    Every line is checked before anything is written; any problem refuses the whole order, each
    problem naming its line.
    """
    _require(can_order(actor), _("Only a hospital's buyer (or its HIS) may order."))
    hospital = actor.organisation
    if not lines:
        raise DomainError(_("An order has at least one line."), code="required", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(_("An order has at most %(n)d lines.") % {"n": MAX_LINES}, code="too_many", field="lines")
    fingerprint = request_fingerprint(lines, note) if idempotency_key else ""
    with transaction.atomic(), audit_reason(_("Order placed")):
        order_id = None
        if idempotency_key:
            with connection.cursor() as cursor:
                cursor.execute(
                    """INSERT INTO orders_order (hospital_id, placed_by_id, source, idempotency_key, request_hash, note,
                                                total, created_at, change_xid)
                       VALUES (%s, %s, %s, %s, %s, %s, 0, now(), 0)
                       ON CONFLICT (hospital_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                       RETURNING id""",
                    [hospital.pk, actor.pk, source, idempotency_key, fingerprint, note],
                )
                row = cursor.fetchone()
            if row is None:
                existing = Order.objects.get(hospital=hospital, idempotency_key=idempotency_key)
                if existing.request_hash != fingerprint:
                    raise Conflict(
                        _("This idempotency key was used for a different order."),
                        code="idempotency_key_reused",
                        field="Idempotency-Key",
                        rule="R-ORD-5",
                    )
                return Submitted(existing, replayed=True)
            order_id = row[0]
        lines_to_create = _priced_lines(hospital, lines)
        # Channels' checks on the priced lines (R-VBP-6), inside the transaction: their locks hold until commit.
        problems = checks.run_order_checks(hospital, lines_to_create)
        if problems:
            raise DomainError(problems=problems)
        if order_id is None:
            order = Order.objects.create(hospital=hospital, placed_by=actor, source=source, note=note)
        else:
            order = Order(
                pk=order_id,
                hospital=hospital,
                placed_by=actor,
                source=source,
                note=note,
                idempotency_key=idempotency_key,
                request_hash=fingerprint,
            )
        _insert_lines(order, lines_to_create)
    return Submitted(order, replayed=False)


PRODUCT_FIELDS = [
    "id",
    "code",
    "generic_name",
    "trade_name",
    "dosage_form",
    "specification",
    "pack_quantity",
    "minimum_unit",
    "pack_unit",
    "manufacturer_id",
]


def order_products(
    hospital: Organisation, codes, on: date
) -> tuple[dict[str, Product], dict[int, Designated], dict[int, tuple]]:
    """The products of an order by code, with the fields ordering needs, the distributors named for each
    in the hospital's region with their bars on ``on`` (R-ORD-3, R-LIST-14), and every price source's
    facts for them (``pricing.price_sql``, for ``resolve_prices``): one statement, as every order runs it."""
    columns = ", ".join(f"p.{field}" for field in PRODUCT_FIELDS)
    prices = price_sql()
    rows = internals.fetch_all(
        f"SELECT {columns}, {DESIGNATED_SQL.format(product='p.id')}"
        + (f", {prices.columns}" if prices.columns else "")
        + f" FROM catalogue_product p {prices.joins} WHERE p.code = ANY(%(codes)s::text[])",
        {"codes": list(codes), "regions": region_codes(hospital), "on": on, "hospital": hospital.pk},
    )
    width = len(PRODUCT_FIELDS)
    products, designated, price_columns = {}, {}, {}
    for row in rows:
        products[row[1]] = internals.instance_from_row(Product, PRODUCT_FIELDS, row[:width])
        designated[row[0]] = split_designated(row[width], row[width + 1])
        price_columns[row[0]] = row[width + 2 :]
    return products, designated, price_columns


def _priced_lines(hospital: Organisation, requests: list[LineRequest]) -> list[OrderLine]:
    """Resolve every line's product, price and distributor; refuse the order with every line's problem."""
    today = timezone.localdate()
    products, distributors, price_columns = order_products(
        hospital, {request.product_code for request in requests}, today
    )
    quotes = resolve_prices(hospital, products.values(), today, price_columns=price_columns)
    problems, lines, seen = [], [], set()
    for index, request in enumerate(requests):
        where = f"lines[{index}]"
        product = products.get(request.product_code)
        if product is None:
            problems.append(
                Problem(
                    "unknown_product",
                    _("Unknown national drug code “%(code)s”.") % {"code": request.product_code},
                    field=f"{where}.product_code",
                )
            )
            continue
        if not isinstance(request.quantity, int) or request.quantity <= 0:
            problems.append(
                Problem("invalid", _("The quantity is a whole number of packs above zero."), field=f"{where}.quantity")
            )
            continue
        if (product.pk, request.distributor_id) in seen:
            problems.append(
                Problem(
                    "duplicate_line",
                    _("The same product and distributor are already in this order."),
                    field=f"{where}.product_code",
                )
            )
            continue
        seen.add((product.pk, request.distributor_id))
        answer = quotes[product.pk]
        if isinstance(answer, Refusal):
            problems.append(
                Problem(
                    answer.code,
                    answer.message,
                    field=f"{where}.product_code",
                    rule=answer.rule,
                    params={"product": product.code},
                )
            )
            continue
        designated = distributors[product.pk]
        allowed = designated.allowed
        if request.distributor_id in designated.barred:
            problems.append(
                Problem(
                    "distributor_barred",
                    _(
                        "The distributor chosen for “%(product)s” is on the bad-record list until %(until)s and may "
                        "not deliver (R-LIST-14); choose another of those named."
                    )
                    % {"product": product, "until": designated.barred[request.distributor_id]},
                    field=f"{where}.distributor",
                    rule="R-LIST-14",
                    params={"allowed": sorted(allowed)},
                )
            )
            continue
        if not allowed:
            problems.append(
                Problem(
                    "no_distributor",
                    _("No distributor is named for “%(product)s” in your region (R-ORD-3).") % {"product": product},
                    field=f"{where}.distributor",
                    rule="R-ORD-3",
                )
            )
            continue
        if request.distributor_id not in allowed:
            problems.append(
                Problem(
                    "distributor_not_named",
                    _(
                        "This distributor is not named for “%(product)s” in your "
                        "region; choose one of those named (R-ORD-3)."
                    )
                    % {"product": product},
                    field=f"{where}.distributor",
                    rule="R-ORD-3",
                    params={"allowed": sorted(allowed)},
                )
            )
            continue
        assert isinstance(answer, Quote)
        lines.append(
            OrderLine(
                hospital=hospital,
                product=product,
                manufacturer_id=product.manufacturer_id,
                distributor_id=request.distributor_id,
                quantity=request.quantity,
                price=answer.price,
                price_source=answer.source,
                price_reference=answer.reference,
                amount=round_money(answer.price * request.quantity),
            )
        )
    if problems:
        raise DomainError(problems=problems)
    return lines


def _insert_lines(order: Order, lines: list[OrderLine]) -> None:
    """Insert the lines and set the order's total in one statement (the hot path of every HIS order)."""
    columns = [
        "product_id",
        "manufacturer_id",
        "distributor_id",
        "quantity",
        "price",
        "price_source",
        "price_reference",
        "amount",
    ]
    arrays = [[getattr(line, column) for line in lines] for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH inserted AS (
                   INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id,
                       quantity, price, price_source, price_reference, amount, status, shipped_quantity,
                       accepted_quantity, returned_quantity, reason, created_at, change_xid)
                   SELECT %s, %s, l.product_id, l.manufacturer_id, l.distributor_id, l.quantity, l.price, l.price_source,
                          l.price_reference, l.amount, %s, 0, 0, 0, '', now(), 0
                   FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::integer[], %s::numeric[], %s::text[],
                               %s::text[], %s::numeric[]) WITH ORDINALITY
                        AS l(product_id, manufacturer_id, distributor_id, quantity, price, price_source, price_reference,
                             amount, position)
                   ORDER BY position
                   RETURNING id, amount, created_at
               ),
               totalled AS (
                   UPDATE orders_order SET total = (SELECT sum(amount) FROM inserted) WHERE id = %s
                   RETURNING total, created_at
               )
               SELECT (SELECT array_agg(id ORDER BY id) FROM inserted), (SELECT total FROM totalled),
                      (SELECT created_at FROM totalled), (SELECT min(created_at) FROM inserted)""",
            [order.pk, order.hospital_id, LineStatus.SUBMITTED, *arrays, order.pk],
        )
        ids, total, order_created, line_created = cursor.fetchone()
    for line, line_id in zip(lines, ids, strict=True):
        line.pk, line.order_id, line.created_at, line.status = line_id, order.pk, line_created, LineStatus.SUBMITTED
    order.total, order.created_at = total, order_created
    # What was just written is what a read would return: ``order.lines.all()`` answers from memory, as if
    # prefetched, so the caller can show the order without reading it back.
    internals.set_prefetched(order, "lines", lines)


# -- the line lifecycle (R-ORD-4) ----------------------------------------------------------------------


def _transition(line: OrderLine, to_status: str) -> None:
    if to_status not in LINE_TRANSITIONS[line.status]:
        raise Conflict(
            _("A line that is “%(status)s” cannot become “%(to)s”.")
            % {"status": line.get_status_display(), "to": LineStatus(to_status).label},
            code="invalid_transition",
            field="status",
            rule="R-ORD-4",
        )
    line.status = to_status


def _lock_line(actor: User, line_id: int) -> OrderLine:
    line = visible_to(actor, OrderLine).select_related("product").get(pk=line_id)
    Order.objects.select_for_update().filter(pk=line.order_id).first()  # lock order, then line
    return OrderLine.objects.select_for_update().select_related("product").get(pk=line.pk)


def line_confirm(*, actor: User, line_id: int) -> OrderLine:
    _require(can_deliver(actor), _("Only the distributor of the line confirms it."))
    with transaction.atomic(), audit_reason(_("Order line confirmed")):
        line = _lock_line(actor, line_id)
        _require(line.distributor_id == actor.organisation_id, _("Only the distributor of the line confirms it."))
        _transition(line, LineStatus.CONFIRMED)
        line.confirmed_at = timezone.now()
        line.save(update_fields=["status", "confirmed_at"])
    return line


def order_confirm_lines(*, actor: User, order_id: int) -> list[OrderLine]:
    """The distributor confirms at once every line of one order addressed to it and still to confirm."""
    _require(can_deliver(actor), _("Only the distributor of the line confirms it."))
    waiting = visible_to(actor, OrderLine).filter(
        order_id=order_id, distributor=actor.organisation, status=LineStatus.SUBMITTED
    )
    with transaction.atomic():
        return [line_confirm(actor=actor, line_id=line_id) for line_id in waiting.values_list("pk", flat=True)]


def line_decline(*, actor: User, line_id: int, reason: str) -> OrderLine:
    """The distributor declines a line — or, once part of it has shipped, the rest of it (R-ORD-4)."""
    _require(can_deliver(actor), _("Only the distributor of the line declines it."))
    reason = _required(reason)
    with transaction.atomic(), audit_reason(reason):
        line = _lock_line(actor, line_id)
        _require(line.distributor_id == actor.organisation_id, _("Only the distributor of the line declines it."))
        if line.status == LineStatus.SHIPPING:
            return _close_rest(line, reason)
        _transition(line, LineStatus.DECLINED)
        line.reason = reason
        line.save(update_fields=["status", "reason"])
    return line


def line_cancel(*, actor: User, line_id: int, reason: str) -> OrderLine:
    """The hospital cancels a line before anything of it ships — or, once part has shipped, the rest."""
    _require(can_order(actor), _("Only the hospital's buyer cancels its order lines."))
    reason = _required(reason)
    with transaction.atomic(), audit_reason(reason):
        line = _lock_line(actor, line_id)
        if line.status == LineStatus.SHIPPING:
            return _close_rest(line, reason)
        if line.shipped_quantity:
            raise Conflict(
                _("The whole line has shipped: nothing is left to cancel."), code="already_shipped", rule="R-ORD-4"
            )
        _transition(line, LineStatus.CANCELLED)
        line.reason = reason
        line.save(update_fields=["status", "reason"])
    return line


def _close_rest(line: OrderLine, reason: str) -> OrderLine:
    """R-ORD-4: a partly shipped line closes — what has not shipped never will; the line is shipped
    (batches still wait for acceptance) or completed (none waits). Inside the caller's transaction."""
    line.closed_quantity += line.open_quantity
    waiting = line.shipments.filter(status=ShipmentStatus.SHIPPED).exists()
    _transition(line, LineStatus.SHIPPED if waiting else LineStatus.COMPLETED)
    line.reason = reason
    line.save(update_fields=["closed_quantity", "status", "reason"])
    return line


def _required(text: str) -> str:
    if not text or not text.strip():
        raise DomainError(_("Give the reason."), code="required", field="reason")
    return text.strip()


def shipment_create(
    *,
    actor: User,
    line_id: int,
    batch_number: str,
    production_date: date,
    expiry_date: date,
    inspection_report,
    quantity: int,
) -> Shipment:
    """R-ORD-4: the distributor ships a batch (number, production date, expiry, inspection report)."""
    _require(can_deliver(actor), _("Only the distributor of the line ships it."))
    batch_number = (batch_number or "").strip()
    if not batch_number:
        raise DomainError(_("Give the batch number."), code="required", field="batch_number")
    if expiry_date <= production_date:
        raise DomainError(_("The expiry date comes after the production date."), code="invalid", field="expiry_date")
    if production_date > timezone.localdate():
        raise DomainError(
            _("The production date cannot be in the future."), code="invalid", field="production_date", rule="R-ORD-4"
        )
    if expiry_date <= timezone.localdate():
        raise DomainError(_("This batch has expired: it cannot be shipped."), code="expired", field="expiry_date")
    if inspection_report is None:
        raise DomainError(_("Attach the batch's inspection report."), code="required", field="inspection_report")
    # R-ORD-4: the report is a PDF or an image, by its content — it is served to the public (R-ORD-7).
    check_document(inspection_report, field="inspection_report")
    with transaction.atomic(), audit_reason(_("Batch shipped")):
        line = _lock_line(actor, line_id)
        _require(line.distributor_id == actor.organisation_id, _("Only the distributor of the line ships it."))
        _check_batch_dates(line.product_id, batch_number, production_date, expiry_date)
        if not isinstance(quantity, int) or quantity <= 0 or quantity > line.open_quantity:
            raise DomainError(
                _("Ship between 1 and %(open)d packs: the rest of the line.") % {"open": line.open_quantity},
                code="invalid_quantity",
                field="quantity",
            )
        line.shipped_quantity += quantity
        _transition(line, LineStatus.SHIPPED if line.open_quantity == 0 else LineStatus.SHIPPING)
        line.save(update_fields=["status", "shipped_quantity"])
        shipment = Shipment(
            line=line,
            hospital_id=line.hospital_id,
            distributor_id=line.distributor_id,
            batch_number=batch_number,
            production_date=production_date,
            expiry_date=expiry_date,
            quantity=quantity,
            shipped_by=actor,
        )
        shipment.inspection_report.save(inspection_report.name, inspection_report, save=False)
        shipment.save()
    return shipment


def _check_batch_dates(product_id: int, batch_number: str, production_date: date, expiry_date: date) -> None:
    """R-ORD-4: one batch number of one product always has the same production and expiry dates."""
    earlier = (
        Shipment.objects.filter(line__product_id=product_id, batch_number=batch_number)
        .exclude(production_date=production_date, expiry_date=expiry_date)
        .values_list("production_date", "expiry_date")
        .first()
    )
    if earlier is not None:
        raise DomainError(
            _(
                "Batch %(batch)s of this product was shipped before as produced on %(produced)s, expiring on "
                "%(expires)s: one batch has one set of dates."
            )
            % {"batch": batch_number, "produced": earlier[0], "expires": earlier[1]},
            code="batch_dates_differ",
            field="batch_number",
            rule="R-ORD-4",
        )


def shipment_reject(*, actor: User, shipment_id: int, reason: str) -> Shipment:
    """R-ORD-4: the hospital rejects a batch (拒收) whole, with the reason — nothing of it is accepted."""
    return shipment_accept(actor=actor, shipment_id=shipment_id, accepted_quantity=0, reason=_required(reason))


def near_expiry_before(today: date | None = None) -> date:
    """R-ORD-4: a batch expiring before this day is near-expiry (NEAR_EXPIRY_MONTHS from today)."""
    return (today or timezone.localdate()) + relativedelta(months=policy("NEAR_EXPIRY_MONTHS"))


def shipment_accept(*, actor: User, shipment_id: int, accepted_quantity: int, reason: str = "") -> Shipment:
    """R-ORD-4: the hospital accepts a batch in full or in part, or rejects it, once, with a reason for
    what it does not accept. Acceptance starts the payment clock (R-SET-1)."""
    _require(can_accept(actor), _("Only the hospital's storekeeper accepts deliveries."))
    with transaction.atomic(), audit_reason(reason or _("Delivery accepted")):
        shipment = visible_to(actor, Shipment).get(pk=shipment_id)
        line = _lock_line(actor, shipment.line_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status != ShipmentStatus.SHIPPED:
            raise Conflict(
                _("This batch has been accepted or rejected already: it is never accepted twice."),
                code="already_decided",
                rule="R-ORD-4",
            )
        if not isinstance(accepted_quantity, int) or not 0 <= accepted_quantity <= shipment.quantity:
            raise DomainError(
                _("Accept between 0 and %(n)d packs.") % {"n": shipment.quantity},
                code="invalid_quantity",
                field="accepted_quantity",
            )
        if accepted_quantity < shipment.quantity:
            reason = _required(reason)
        shipment.accepted_quantity = accepted_quantity
        shipment.status = (
            ShipmentStatus.ACCEPTED
            if accepted_quantity == shipment.quantity
            else ShipmentStatus.REJECTED
            if accepted_quantity == 0
            else ShipmentStatus.PARTLY_ACCEPTED
        )
        shipment.rejection_reason = reason if accepted_quantity < shipment.quantity else ""
        shipment.accepted_by, shipment.accepted_at = actor, timezone.now()
        shipment.save()
        line.accepted_quantity += accepted_quantity
        fields = ["accepted_quantity"]
        if (
            line.status == LineStatus.SHIPPED
            and not line.shipments.filter(status=ShipmentStatus.SHIPPED).exclude(pk=shipment.pk).exists()
        ):
            _transition(line, LineStatus.COMPLETED)
            fields.append("status")
        line.save(update_fields=fields)
        if accepted_quantity:
            events.announce_batch_accepted(
                events.BatchAccepted(
                    shipment_id=shipment.pk,
                    line_id=line.pk,
                    order_id=line.order_id,
                    hospital_id=line.hospital_id,
                    product_id=line.product_id,
                    manufacturer_id=line.manufacturer_id,
                    distributor_id=line.distributor_id,
                    accepted_quantity=accepted_quantity,
                    price=line.price,
                    price_source=line.price_source,
                    price_reference=line.price_reference,
                    accepted_at=shipment.accepted_at,
                )
            )
    return shipment


def shipment_return(*, actor: User, shipment_id: int, quantity: int, reason: str) -> ShipmentReturn:
    """The distributor records packs returned after acceptance."""
    _require(can_deliver(actor), _("Only the distributor records returns."))
    reason = _required(reason)
    with transaction.atomic(), audit_reason(reason):
        shipment = visible_to(actor, Shipment).get(pk=shipment_id)
        line = _lock_line(actor, shipment.line_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        returnable = shipment.accepted_quantity - shipment.returned_quantity
        if not isinstance(quantity, int) or not 0 < quantity <= returnable:
            raise DomainError(
                _("Between 1 and %(n)d accepted packs of this batch can be returned.") % {"n": returnable},
                code="invalid_quantity",
                field="quantity",
            )
        Shipment.objects.filter(pk=shipment.pk).update(returned_quantity=F("returned_quantity") + quantity)
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=F("returned_quantity") + quantity)
        returned = ShipmentReturn.objects.create(
            shipment=shipment,
            hospital_id=shipment.hospital_id,
            distributor_id=shipment.distributor_id,
            quantity=quantity,
            reason=reason,
            recorded_by=actor,
        )
        events.announce_batch_returned(
            events.BatchReturned(
                return_id=returned.pk,
                shipment_id=shipment.pk,
                line_id=line.pk,
                hospital_id=line.hospital_id,
                product_id=line.product_id,
                distributor_id=line.distributor_id,
                quantity=quantity,
                price=line.price,
                returned_at=returned.recorded_at,
            )
        )
    return returned


# -- offline purchases (R-ORD-1) ---------------------------------------------------------------------


def offline_purchase_report(
    *,
    actor: User,
    description: str,
    quantity: int,
    amount: Decimal,
    purchased_on: date,
    reason: str,
    product: Product | None = None,
) -> OfflinePurchase:
    """R-ORD-1: a purchase made outside the platform, reported so that the indicators count it."""
    _require(can_order(actor), _("Only a hospital's buyer reports its purchases."))
    if purchased_on > timezone.localdate():
        raise DomainError(_("The purchase date is in the future."), code="invalid", field="purchased_on")
    # Checked here, not only by the forms: the service is the rule's one place (issue 10 #14).
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= LINE_QUANTITY_MAX:
        raise DomainError(
            _("quantity: a whole number of packs from %(low)d to %(high)d.") % {"low": 1, "high": LINE_QUANTITY_MAX},
            code="invalid",
            field="quantity",
        )
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise DomainError(_("The amount is a sum of money, zero or more."), code="invalid", field="amount")
    amount = round_money(amount)
    with transaction.atomic(), audit_reason(_("Offline purchase reported")):
        return OfflinePurchase.objects.create(
            hospital=actor.organisation,
            product=product,
            description=(description or str(product or "")).strip(),
            quantity=quantity,
            amount=amount,
            purchased_on=purchased_on,
            reason=_required(reason),
            reported_by=actor,
        )
