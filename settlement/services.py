"""Writes of settlement (DOMAIN.md §8): payables from accepted batches, reduced by returns; payments by
the hospital or the fund, their confirmation and correction. Each in one transaction, its money booked
through ``settlement.ledger`` and nowhere else; the payable is locked before its payments (lock order)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.scoping import visible_to
from procurement.orders.events import BatchAccepted, BatchReturned
from procurement.orders.models import Shipment
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import Organisation, User
from settlement import ledger, rules
from settlement.choices import Account, Payer, TransactionKind
from settlement.ledger import Leg
from settlement.models import Payable, Payment

# -- who may do what --------------------------------------------------------------------------------------


def can_pay_as_hospital(user: User) -> bool:
    """R-SET-2: a hospital's finance officer records its payments."""
    return user.is_authenticated and user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.HOSPITAL_FINANCE)


def can_pay_as_fund(user: User) -> bool:
    """R-SET-2: the fund pays directly through the electronic settlement centre, run by the bureau's
    supervisors (for the hospitals of its region: the payable must be in the user's scope)."""
    return user.is_authenticated and user.kind == OrganisationKind.BUREAU and user.has_role(Role.BUREAU_SUPERVISOR)


def can_confirm_receipt(user: User) -> bool:
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.DISTRIBUTOR
        and user.has_role(Role.DISTRIBUTOR_CLERK, Role.ORG_ADMIN)
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


# -- payables (R-SET-1) ----------------------------------------------------------------------------------


def payable_open(event: BatchAccepted) -> Payable | None:
    """R-SET-1: the payable of an accepted batch — the accepted packs at the line's resolved price, due by
    the end of the month after acceptance (30 days for military and private institutions) — booked as
    the hospital's purchase owed to the distributor. Once per batch (the shipment is unique)."""
    amount = rules.line_amount(event.accepted_quantity, event.price)
    if amount <= 0:
        return None  # a fraction of a fen owes nothing
    hospital = Organisation.objects.only("ownership").get(pk=event.hospital_id)
    accepted_on = timezone.localdate(event.accepted_at)
    payable, created = Payable.objects.get_or_create(
        shipment_id=event.shipment_id,
        defaults={
            "line_id": event.line_id,
            "hospital_id": event.hospital_id,
            "distributor_id": event.distributor_id,
            "manufacturer_id": event.manufacturer_id,
            "product_id": event.product_id,
            "quantity": event.accepted_quantity,
            "price": event.price,
            "amount": amount,
            "accepted_at": event.accepted_at,
            "accepted_on": accepted_on,
            "due_on": rules.due_on(accepted_on, hospital.ownership),
        },
    )
    if created:
        parties = {"owner_id": event.hospital_id, "counterparty_id": event.distributor_id, "payable_id": payable.pk}
        ledger.post(
            kind=TransactionKind.ACCEPTANCE,
            value_on=accepted_on,
            key=f"acceptance:{event.shipment_id}",
            legs=[Leg(Account.PURCHASES, amount=amount, **parties), Leg(Account.PAYABLE, amount=-amount, **parties)],
            memo=f"shipment {event.shipment_id}",
        )
    return payable


def payable_reduce(event: BatchReturned) -> None:
    """R-SET-1: a return reduces the payable by the returned packs' worth — what keeps the payable equal to
    the packs kept at its price, rounded once. Packs already paid for are owed back by the supplier
    (a refund due), never a negative payable."""
    payable = Payable.objects.select_for_update().filter(shipment_id=event.shipment_id).first()
    if payable is None:
        return
    returned_now = Shipment.objects.values_list("returned_quantity", flat=True).get(pk=event.shipment_id)
    before = rules.line_amount(payable.quantity - returned_now + event.quantity, payable.price)
    after = rules.line_amount(payable.quantity - returned_now, payable.price)
    worth = before - after
    if worth <= 0:
        return
    balance = ledger.payable_balance(payable.pk)
    to_payable = min(worth, balance)
    today = timezone.localdate(event.returned_at)
    parties = {"owner_id": payable.hospital_id, "counterparty_id": payable.distributor_id, "payable_id": payable.pk}
    ledger.post(
        kind=TransactionKind.RETURN,
        value_on=today,
        key=f"return:{event.return_id}",
        legs=[
            Leg(Account.PURCHASES, amount=-worth, **parties),
            Leg(Account.PAYABLE, amount=to_payable, **parties),
            Leg(Account.REFUND_DUE, amount=worth - to_payable, **parties),
        ],
        memo=f"return {event.return_id}",
    )
    _settle_if_paid(payable, today)


def _settle_if_paid(payable: Payable, value_on: date) -> None:
    """Keep ``settled_on`` beside the entries: the value date its balance came to zero, else none. The
    update also stamps the payable as changed for HIS pulls (R-ORD-5), since its balance moved."""
    settled = ledger.payable_balance(payable.pk) == 0
    settled_on = (payable.settled_on or value_on) if settled else None
    Payable.objects.filter(pk=payable.pk).update(settled_on=settled_on)
    payable.settled_on = settled_on


def _locked_payable(actor: User, payable_id) -> Payable:
    if isinstance(payable_id, bool) or not isinstance(payable_id, int):
        raise DomainError(_("Name the payable by its number."), code="invalid", field="payable")
    found = visible_to(actor, Payable, for_write=True).filter(pk=payable_id).values_list("pk", flat=True).first()
    if found is None:
        raise Payable.DoesNotExist
    return Payable.objects.select_for_update().get(pk=found)


# -- payments (R-SET-2) ----------------------------------------------------------------------------------


def payment_record(
    *,
    actor: User,
    payable_id: int,
    amount,
    reference: str = "",
    idempotency_key: str | None = None,
    paid_on: date | None = None,
) -> Payment:
    """R-SET-2: record a payment against a payable, by its hospital's finance officer or directly by the
    fund (a bureau supervisor, through the settlement centre). Partial payments are allowed; more than
    is owed, zero, a negative or a sub-fen amount (0.001) is refused with the figures and nothing
    changes. With an ``idempotency_key``, a retry returns the first payment; another payment under the
    same key is a conflict. ``paid_on`` (today unless a seeder or test says otherwise) is the value date."""
    if can_pay_as_hospital(actor):
        payer = Payer.HOSPITAL
    elif can_pay_as_fund(actor):
        payer = Payer.FUND
    else:
        raise PermissionDenied(
            _("Only a hospital's finance officer or the fund's settlement centre records payments."), code="forbidden"
        )
    amount = rules.checked_amount(amount)
    reference = (reference or "").strip()[:60]
    key = (idempotency_key or "").strip()[:100] or None
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic(), audit_reason(_("Payment recorded")):
        if key is not None:
            earlier = Payment.objects.filter(payer_organisation=actor.organisation, idempotency_key=key).first()
            if earlier is not None:
                return _replayed(earlier, payable_id, amount)
        payable = _locked_payable(actor, payable_id)
        if payer == Payer.HOSPITAL and payable.hospital_id != actor.organisation_id:
            raise Payable.DoesNotExist
        if paid_on < payable.accepted_on:
            raise DomainError(
                _("A payment cannot be made before the batch was accepted (%(accepted)s).")
                % {"accepted": payable.accepted_on},
                code="before_acceptance",
                field="paid_on",
                rule="R-SET-2",
            )
        balance = ledger.payable_balance(payable.pk)
        if amount > balance:
            raise DomainError(
                _("%(amount)s is more than is owed on this payable (%(balance)s): an overpayment is refused.")
                % {"amount": amount, "balance": balance},
                code="overpayment",
                field="amount",
                rule="R-SET-2",
                params={"amount": amount, "balance": balance},
            )
        paying_account = Account.HOSPITAL_BANK if payer == Payer.HOSPITAL else Account.FUND_BANK
        movement = ledger.post(
            kind=TransactionKind.PAYMENT,
            value_on=paid_on,
            booked_by=actor,
            key=f"payment:{actor.organisation_id}:{key}" if key else None,
            legs=[
                Leg(
                    Account.PAYABLE,
                    payable.hospital_id,
                    amount,
                    counterparty_id=payable.distributor_id,
                    payable_id=payable.pk,
                ),
                Leg(
                    paying_account,
                    actor.organisation_id,
                    -amount,
                    counterparty_id=payable.distributor_id if payer == Payer.HOSPITAL else payable.hospital_id,
                    payable_id=payable.pk,
                ),
            ],
            memo=reference,
        )
        payment = Payment.objects.create(
            payable=payable,
            hospital_id=payable.hospital_id,
            distributor_id=payable.distributor_id,
            payer=payer,
            payer_organisation=actor.organisation,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            idempotency_key=key,
            transaction=movement,
            recorded_by=actor,
        )
        _settle_if_paid(payable, paid_on)
    return payment


def _replayed(earlier: Payment, payable_id, amount: Decimal) -> Payment:
    if earlier.payable_id != payable_id or earlier.amount != amount:
        raise Conflict(
            _("This idempotency key was used for another payment (payable %(payable)s, %(amount)s).")
            % {"payable": earlier.payable_id, "amount": earlier.amount},
            code="idempotency_key_reused",
            field="idempotency_key",
            rule="R-SET-2",
        )
    return earlier


def payment_confirm(*, actor: User, payment_id: int) -> Payment:
    """R-SET-2: the supplier confirms it received a payment (once; a corrected payment cannot be)."""
    _require(can_confirm_receipt(actor), _("Only the distributor paid confirms receipt."))
    with transaction.atomic(), audit_reason(_("Receipt confirmed")):
        payment = visible_to(actor, Payment, for_write=True).get(pk=payment_id)
        Payable.objects.select_for_update().get(pk=payment.payable_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.distributor_id != actor.organisation_id:
            raise Payment.DoesNotExist
        if payment.reversal_id is not None:
            raise Conflict(_("This payment was corrected: there is nothing to confirm."), code="reversed")
        if payment.confirmed_at is not None:
            raise Conflict(_("Receipt of this payment is confirmed already."), code="already_confirmed")
        payment.confirmed_at, payment.confirmed_by = timezone.now(), actor
        payment.save(update_fields=["confirmed_at", "confirmed_by"])
    return payment


def payment_reverse(*, actor: User, payment_id: int, reason: str) -> Payment:
    """R-SET-4: a payment recorded in error is corrected by a reversing transaction (as of its value date),
    never edited or deleted — by the organisation that recorded it, before the supplier confirms receipt,
    and not once a return has been settled against it (the supplier owes that back: a refund instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the payment is corrected."), code="required", field="reason")
    with transaction.atomic(), audit_reason(reason):
        payment = visible_to(actor, Payment, for_write=True).get(pk=payment_id)
        if payment.payer_organisation_id != actor.organisation_id or not (
            can_pay_as_hospital(actor) or can_pay_as_fund(actor)
        ):
            raise PermissionDenied(_("Only the payer corrects its payment."), code="forbidden")
        payable = Payable.objects.select_for_update().get(pk=payment.payable_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.reversal_id is not None:
            raise Conflict(_("This payment has been corrected already."), code="already_reversed", rule="R-SET-4")
        if payment.confirmed_at is not None:
            raise Conflict(
                _("The supplier confirmed receipt of this payment: it can no longer be corrected."),
                code="confirmed",
                rule="R-SET-4",
            )
        if ledger.refund_due(payable.pk) > 0:
            raise Conflict(
                _("A return has been settled against the payments of this batch: record the refund instead."),
                code="refund_settled",
                rule="R-SET-4",
            )
        payment.reversal = ledger.reverse(payment.transaction, booked_by=actor, memo=reason[:300])
        payment.save(update_fields=["reversal"])
        _settle_if_paid(payable, payment.paid_on)
    return payment


# -- savings retention and budget deductions (R-SET-6, R-SET-7) --------------------------------------------


def can_assess_budgets(user: User) -> bool:
    """R-SET-6, R-SET-7: the provincial bureau assesses the province's hospitals."""
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.BUREAU
        and user.is_provincial_bureau
        and user.has_role(Role.BUREAU_SUPERVISOR, Role.BUREAU_REVIEWER)
    )


def can_confirm_budgets(user: User) -> bool:
    """R-SET-6, R-SET-7: a bureau's supervisor confirms the hospitals of its region (the scope decides which)."""
    return user.is_authenticated and user.kind == OrganisationKind.BUREAU and user.has_role(Role.BUREAU_SUPERVISOR)


@transaction.atomic
def budget_assessments_compute(*, actor: User | None, year: int, on: date | None = None) -> dict[str, int]:
    """R-SET-6, R-SET-7: assess every hospital with a VBP contract in ``year`` (``settlement.budget``) and store
    the proposals; an assessment the bureau confirmed is never rewritten. Idempotent (an upsert of what moved)."""
    from procurement.core.policy import policy
    from settlement.budget import assess_year
    from settlement.choices import AssessmentOutcome, AssessmentStatus
    from settlement.models import BudgetAssessment

    if actor is not None:
        _require(can_assess_budgets(actor), _("Only the provincial bureau assesses the hospitals' budgets."))
    on = on or timezone.localdate()
    on_time_rate = Decimal(policy("SAVINGS_ON_TIME_RATE"))
    shortfall_rate = Decimal(policy("BUDGET_DEDUCTION_SHORTFALL_RATE"))
    overdue_rate = Decimal(policy("BUDGET_DEDUCTION_OVERDUE_RATE"))
    confirmed = set(
        BudgetAssessment.objects.filter(year=year, status=AssessmentStatus.CONFIRMED).values_list(
            "hospital_id", flat=True
        )
    )
    existing = {row.hospital_id: row for row in BudgetAssessment.objects.filter(year=year)}
    new, changed = [], []
    for assessed in assess_year(year, on):
        if assessed.hospital_id in confirmed:
            continue
        retains = assessed.volume_completed and assessed.paid_on_time_ok(on_time_rate)
        values = {
            "outcome": AssessmentOutcome.RETENTION if retains else AssessmentOutcome.DEDUCTION,
            "agreed_units": assessed.agreed_units,
            "bought_units": assessed.bought_units,
            "volume_completed": assessed.volume_completed,
            "payables_due": assessed.payables_due,
            "paid_on_time": assessed.paid_on_time,
            "overdue_amount": assessed.overdue_amount,
            "paid_on_time_ok": assessed.paid_on_time_ok(on_time_rate),
            "savings": assessed.savings if retains else Decimal("0.00"),
            "deduction": Decimal("0.00") if retains else assessed.deduction(shortfall_rate, overdue_rate),
            "details": [contract.as_json() for contract in assessed.contracts],
        }
        row = existing.get(assessed.hospital_id)
        if row is None:
            new.append(BudgetAssessment(year=year, hospital_id=assessed.hospital_id, computed_on=on, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.computed_on = on
            changed.append(row)
    # Written in two statements whatever the number of hospitals; rows that did not move are not written.
    reason = _("Savings and budget assessment of %(year)s as of %(on)s") % {"year": year, "on": on}
    with audit_reason(reason):
        BudgetAssessment.objects.bulk_create(new)
        if changed:
            BudgetAssessment.objects.bulk_update(changed, [*values, "computed_on"])
    written = len(new) + len(changed)
    return {"assessed": written, "kept_confirmed": len(confirmed)}


@transaction.atomic
def budget_assessment_confirm(*, actor: User, assessment_id: int):
    """R-SET-6, R-SET-7: the bureau of the hospital's region confirms the proposed retention or deduction (locked,
    once, in the audit trail with who)."""
    from settlement.choices import AssessmentStatus
    from settlement.models import BudgetAssessment

    _require(can_confirm_budgets(actor), _("Only a bureau supervisor confirms budget assessments."))
    assessment = (
        visible_to(actor, BudgetAssessment, for_write=True).select_for_update().filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise DomainError(_("No such assessment."), code="not_found", rule="R-SET-6")
    if assessment.status == AssessmentStatus.CONFIRMED:
        raise Conflict(_("This assessment is confirmed already."), code="already_confirmed", rule="R-SET-6")
    with audit_reason(_("Budget assessment confirmed")):
        assessment.status = AssessmentStatus.CONFIRMED
        assessment.confirmed_by = actor
        assessment.confirmed_at = timezone.now()
        assessment.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return assessment
