"""New drugs (R-LIST-6): the expert panel drawn at random and its price negotiation with the manufacturer."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import (
    DeclarationStatus,
    ListingCategory,
    PanelParty,
)
from listings.models import (
    ExpertPanel,
    PanelRound,
)
from listings.services.access import can_review, require
from listings.services.declarations import _lock_declaration
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError
from procurement.core.money import check_price
from procurement.core.policy import policy
from procurement.organisations.choices import ExpertSpeciality
from procurement.organisations.models import Expert, User

# -- new drugs: expert panel and negotiation (R-LIST-6) -------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    panel: ExpertPanel
    excluded: list[dict]


def expert_panel_draw(*, actor: User, declaration_id: int, sizes: dict[str, int] | None = None) -> DrawResult:
    """R-LIST-6: draw experts at random, by speciality, excluding everyone tied to the manufacturer."""
    require(can_review(actor), _("Only the provincial bureau draws expert panels."))
    sizes = sizes or policy("EXPERT_PANEL_SIZES")
    with transaction.atomic(), audit_reason(_("Expert panel drawn")):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        if declaration.category != ListingCategory.NEWLY_REGISTERED:
            raise DomainError(
                _("Only a newly registered drug is priced by an expert panel (R-LIST-6)."),
                code="not_new_drug",
                rule="R-LIST-6",
            )
        if declaration.status != DeclarationStatus.SUBMITTED:
            raise Conflict(_("Draw a panel for a submitted declaration."), code="not_submitted")
        if ExpertPanel.objects.filter(declaration=declaration).exists():
            raise Conflict(_("This declaration already has its panel."), code="panel_exists")
        manufacturer = declaration.manufacturer
        pool = list(Expert.objects.filter(is_active=True).prefetch_related("ties"))
        excluded, eligible = [], []
        for expert in pool:
            tied = any(tie.pk == manufacturer.pk for tie in expert.ties.all()) or expert.employer == manufacturer.name
            (excluded if tied else eligible).append(expert)
        chooser = secrets.SystemRandom()
        drawn = []
        for speciality, count in sizes.items():
            candidates = [expert for expert in eligible if expert.speciality == speciality]
            if len(candidates) < count:
                raise DomainError(
                    _("Not enough %(speciality)s experts without ties to the manufacturer: %(have)d of %(need)d.")
                    % {"speciality": ExpertSpeciality(speciality).label, "have": len(candidates), "need": count},
                    code="pool_too_small",
                    rule="R-LIST-6",
                )
            drawn += chooser.sample(candidates, count)
        excluded_record = [
            {"id": e.pk, "name": e.name, "reason": _("tied to %(company)s") % {"company": manufacturer.name}}
            for e in excluded
        ]
        panel = ExpertPanel.objects.create(declaration=declaration, drawn_by=actor, excluded=excluded_record)
        panel.experts.set(drawn)
    return DrawResult(panel, excluded_record)


def panel_round_record(*, actor: User, panel_id: int, party: str, price: Decimal, note: str = "") -> PanelRound:
    """Record one offer of the negotiation between the panel and the manufacturer."""
    require(can_review(actor), _("Only the provincial bureau records the negotiation."))
    if party not in PanelParty.values:
        raise DomainError(_("Say who made the offer."), code="invalid_choice", field="party")
    price = check_price(price, field="price")
    with transaction.atomic(), audit_reason(_("Negotiation offer recorded")):
        panel = ExpertPanel.objects.select_for_update().get(pk=panel_id)
        if panel.agreed_price is not None:
            raise Conflict(_("The negotiation has ended with an agreement."), code="agreed")
        return PanelRound.objects.create(panel=panel, party=party, price=price, note=note, recorded_by=actor)


def panel_agree(*, actor: User, panel_id: int, price: Decimal, minutes: str) -> ExpertPanel:
    """The panel and the manufacturer agree a price; approving the declaration lists it at that price."""
    require(can_review(actor), _("Only the provincial bureau records the negotiation."))
    price = check_price(price, field="price")
    with transaction.atomic(), audit_reason(_("Negotiated price agreed")):
        panel = ExpertPanel.objects.select_for_update().get(pk=panel_id)
        if panel.agreed_price is not None:
            raise Conflict(_("The negotiation has ended with an agreement."), code="agreed")
        panel.agreed_price, panel.agreed_at, panel.minutes = price, timezone.now(), minutes
        panel.save()
    return panel
