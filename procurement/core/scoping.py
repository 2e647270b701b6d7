"""The one place that decides which rows an actor may see (DOMAIN.md §1, R-SUP-2; STYLE.md §5).

Every model an actor reads declares a ``scope_rule``: how its rows relate to the organisations
allowed to see them. ``visible_to(user, queryset)`` applies it. Views, API viewsets, selectors and
services fetch through it, so an object outside the actor's scope is simply not found (a 404),
never a 403 that confirms it exists.

The rule by organisation kind:

- platform administrators (superusers) and the provincial bureau see everything;
- a city or county bureau sees rows whose ``region`` lookup falls inside its region;
- a manufacturer, distributor or hospital sees rows whose lookup for its kind points at itself
  (a lookup may also be a function of the organisation returning a ``Q``, for shared results such
  as a hospital group's agreements);
- a kind with no lookup sees nothing; anonymous visitors see only ``public`` models.

``public`` grants reading only: writes (``for_write=True``) always use the ownership lookups.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from procurement.organisations.models import Organisation, Region, User

Lookup = str | Callable[["Organisation"], Q] | None


@dataclass(frozen=True)
class ScopeRule:
    """How rows of one model relate to the organisations that may see them."""

    manufacturer: Lookup = None
    distributor: Lookup = None
    hospital: Lookup = None
    # Path from the model to a Region (or a function of the bureau's region returning a Q), for
    # city and county bureaus; None: only the province sees.
    region: str | Callable[["Region"], Q] | None = None
    # Whether the provincial bureau sees every row (it does, except for sealed data such as bids).
    provincial_bureau: bool = True
    # Readable by anyone, logged in or not (catalogue, listed prices, batch disclosures).
    public: bool = False

    def lookup_for(self, kind: str) -> Lookup:
        return getattr(self, kind, None) if kind in ("manufacturer", "distributor", "hospital") else None


class ScopeRuleMissing(Exception):
    pass


def scope_rule_of(model: type[models.Model]) -> ScopeRule:
    rule = getattr(model, "scope_rule", None)
    if not isinstance(rule, ScopeRule):
        raise ScopeRuleMissing(f"{model.__name__} declares no scope_rule: it cannot be shown to anyone")
    return rule


def _ownership_q(lookup: Lookup, organisation: "Organisation") -> Q:
    if callable(lookup):
        return lookup(organisation)
    return Q(**{lookup: organisation})


def scope_q(model: type[models.Model], user: "User | None", *, for_write: bool = False) -> Q | None:
    """The filter that restricts ``model`` to what ``user`` may see; ``None`` means everything.

    Returns ``Q(pk__in=[])`` when the user may see nothing.
    """
    from procurement.organisations.choices import OrganisationKind, RegionLevel

    rule = scope_rule_of(model)
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated:
        return None if (rule.public and not for_write) else nothing
    if user.is_superuser:
        return None
    if rule.public and not for_write:
        return None
    if not user.is_active:
        return nothing
    organisation = user.organisation
    if organisation is None or not organisation.is_active:
        return nothing
    if organisation.kind == OrganisationKind.BUREAU:
        region = organisation.region
        if region.level == RegionLevel.PROVINCE and rule.provincial_bureau:
            return None
        if rule.region is None:
            return nothing
        if callable(rule.region):
            return rule.region(region)
        return Q(**{f"{rule.region}__path__startswith": region.path})
    lookup = rule.lookup_for(organisation.kind)
    if lookup is None:
        return nothing
    return _ownership_q(lookup, organisation)


def visible_to(user: "User | None", queryset: QuerySet | type[models.Model], *, for_write: bool = False) -> QuerySet:
    """Restrict ``queryset`` (or a model's default manager) to what ``user`` may see."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    condition = scope_q(queryset.model, user, for_write=for_write)
    if condition is None:
        return queryset
    return queryset.filter(condition)


class ScopedQuerySet(QuerySet):
    """A queryset with ``.visible_to(user)``; every scoped model's manager is built from it."""

    def visible_to(self, user: "User | None", *, for_write: bool = False) -> "ScopedQuerySet":
        return visible_to(user, self, for_write=for_write)
