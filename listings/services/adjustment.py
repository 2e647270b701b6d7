"""The annual price adjustment (R-LIST-11): proposals set-based, answers, confirmation."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import (
    AdjustmentRoundStatus,
    ListingStatus,
    ProposalStatus,
)
from listings.models import (
    AdjustmentProposal,
    AdjustmentRound,
)
from listings.services.access import can_declare, can_review, local_today, require, required_reason
from procurement.catalogue.selectors import national_lowest_price_sql
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError
from procurement.core.money import check_price
from procurement.core.scoping import visible_to
from procurement.organisations.models import User

# -- annual adjustment (R-LIST-11) --------------------------------------------------------------


def adjustment_round_open(*, actor: User, year: int, answer_by: date, effective_date: date) -> AdjustmentRound:
    """R-LIST-11: open the year's round; every active listing gets a proposed price, set-based.

    Proposed = the lowest of the current price, the national lowest and the lowest price the
    product was bought at in the province in the last 12 months (accepted order lines).
    """
    from procurement.orders.selectors import lowest_bought_prices_sql

    require(can_review(actor), _("Only the provincial bureau opens an adjustment round."))
    if effective_date <= answer_by:
        raise DomainError(
            _("The new prices take effect after the manufacturers' answers are due."),
            code="invalid",
            field="effective_date",
        )
    if answer_by < local_today():
        raise DomainError(_("The answer date is in the past."), code="invalid", field="answer_by")
    with transaction.atomic(), audit_reason(_("Annual adjustment round opened")):
        if AdjustmentRound.objects.filter(year=year).exists():
            raise Conflict(_("The %(year)d round exists already.") % {"year": year}, code="round_exists", field="year")
        adjustment = AdjustmentRound.objects.create(
            year=year, answer_by=answer_by, effective_date=effective_date, opened_by=actor
        )
        purchases_sql, purchases_params = lowest_bought_prices_sql(since_months=12)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH purchases AS ({purchases_sql})
                INSERT INTO listings_adjustmentproposal
                    (round_id, listing_id, manufacturer_id, current_price, national_lowest, lowest_purchase_price,
                     proposed_price, status, appeal_reason, decision_reason)
                SELECT %(round)s, l.id, l.manufacturer_id, l.price, lowest.price, pu.price,
                       LEAST(l.price, lowest.price, pu.price), %(proposed)s, '', ''
                FROM listings_listing l
                JOIN catalogue_product p ON p.id = l.product_id
                CROSS JOIN LATERAL (SELECT {national_lowest_price_sql("p.code", "%(home)s")} AS price) lowest
                LEFT JOIN purchases pu ON pu.product_id = l.product_id
                WHERE l.status IN (%(listed)s, %(suspended)s)
                """,
                {
                    **purchases_params,
                    "round": adjustment.pk,
                    "home": settings.HOME_PROVINCE,
                    "proposed": ProposalStatus.PROPOSED,
                    "listed": ListingStatus.LISTED,
                    "suspended": ListingStatus.SUSPENDED,
                },
            )
    return adjustment


def adjustment_proposal_answer(
    *, actor: User, proposal_id: int, accept: bool, appeal_price: Decimal | None = None, reason: str = ""
) -> AdjustmentProposal:
    """The manufacturer accepts the proposed price or appeals, asking for another with its reason."""
    require(can_declare(actor), _("Only the manufacturer answers its proposals."))
    with transaction.atomic(), audit_reason(reason or _("Proposed price accepted")):
        proposal = (
            visible_to(actor, AdjustmentProposal, for_write=True)
            .select_for_update()
            .select_related("round")
            .get(pk=proposal_id)
        )
        if proposal.round.status != AdjustmentRoundStatus.OPEN or local_today() > proposal.round.answer_by:
            raise Conflict(
                _("Answers to this round were due by %(date)s.") % {"date": proposal.round.answer_by},
                code="round_closed",
            )
        if accept:
            proposal.status, proposal.appeal_price, proposal.appeal_reason = ProposalStatus.ACCEPTED, None, ""
        else:
            if appeal_price is None:
                raise DomainError(_("Say which price you ask for."), code="required", field="appeal_price")
            appeal_price = check_price(appeal_price, field="appeal_price", rule="R-LIST-11")
            if appeal_price > proposal.current_price:
                raise DomainError(
                    _("An appeal cannot ask for more than the current price ¥%(price)s.")
                    % {"price": proposal.current_price},
                    code="above_current",
                    field="appeal_price",
                    rule="R-LIST-11",
                )
            proposal.status, proposal.appeal_price = ProposalStatus.APPEALED, appeal_price
            proposal.appeal_reason = required_reason(reason)
        proposal.answered_by, proposal.answered_at = actor, timezone.now()
        proposal.save()
    return proposal


def adjustment_round_confirm(
    *, actor: User, round_id: int, decisions: dict[int, tuple[Decimal, str]]
) -> AdjustmentRound:
    """The bureau confirms the round: every appeal decided (price, reason); the rest at the proposed price.

    A manufacturer that did not answer accepts the proposal (our choice). Prices change on the
    round's effective date (``apply_price_adjustments``).
    """
    require(can_review(actor), _("Only the provincial bureau confirms an adjustment round."))
    with transaction.atomic(), audit_reason(_("Annual adjustment round confirmed")):
        adjustment = AdjustmentRound.objects.select_for_update().get(pk=round_id)
        if adjustment.status != AdjustmentRoundStatus.OPEN:
            raise Conflict(_("This round is confirmed already."), code="already_confirmed")
        appealed = {p.pk: p for p in adjustment.proposals.select_for_update().filter(status=ProposalStatus.APPEALED)}
        undecided = set(appealed) - set(decisions)
        if undecided:
            raise DomainError(
                _("Decide every appeal first: %(count)d are undecided.") % {"count": len(undecided)},
                code="appeals_undecided",
                params={"proposals": sorted(undecided)},
            )
        for proposal_id, (price, reason) in decisions.items():
            proposal = appealed.get(proposal_id)
            if proposal is None:
                raise DomainError(
                    _("Proposal %(id)s is not an appeal of this round.") % {"id": proposal_id},
                    code="invalid",
                    field="decisions",
                )
            price = check_price(price, field="decisions", rule="R-LIST-11") if price is not None else None
            if price is None or price > proposal.current_price:
                raise DomainError(
                    _("A confirmed price is positive and not above the current price."),
                    code="invalid",
                    field="decisions",
                    params={"proposal": proposal_id},
                )
            proposal.final_price, proposal.decision_reason = price, required_reason(reason)
            proposal.status = ProposalStatus.CONFIRMED
            proposal.save(update_fields=["final_price", "decision_reason", "status"])
        AdjustmentProposal.objects.filter(round=adjustment).exclude(status=ProposalStatus.CONFIRMED).update(
            final_price=models.F("proposed_price"), status=ProposalStatus.CONFIRMED
        )
        adjustment.status, adjustment.confirmed_by, adjustment.confirmed_at = (
            AdjustmentRoundStatus.CONFIRMED,
            actor,
            timezone.now(),
        )
        adjustment.save()
    return adjustment
