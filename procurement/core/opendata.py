"""Open data (R-SUP-7): the platform's public records as an Open Contracting Data Standard 1.1 release package.

The core does not know the channels: each one registers an ``OcdsReleaseSource`` from its
``opendata_releases.py`` (found at start-up) — a name, a label, and a function giving its OCDS releases of a
period (listing results; VBP rounds with their awards and contracts; payments to suppliers). The core
assembles them into one release package (``release_package``) with the publisher, the licence and the date;
``manage.py export_ocds`` writes it, the public disclosure page offers it for download.

What a release may say is what the public may know: a source publishes only what its channel discloses
anyway (listing prices, VBP results and contracts — public after the round opens, R-VBP-9 — and payments as
amounts between parties, never a hospital's negotiated price: R-NEG-4).

Helpers here keep the releases alike: ``ocid`` (the prefix of the setting ``OCDS_OCID_PREFIX``), ``party``
(an organisation with its unified social credit code as identifier), ``value`` (money in CNY).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
# 统一社会信用代码 as an org-id.guide scheme.
IDENTIFIER_SCHEME = "CN-USCC"


@dataclass(frozen=True)
class Period:
    """Releases dated within [since, until] (either end open)."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class OcdsReleaseSource:
    name: str
    label: str
    releases: Callable[[Period], Iterable[dict]]


_sources: dict[str, OcdsReleaseSource] = {}


def register_release_source(source: OcdsReleaseSource) -> OcdsReleaseSource:
    if source.name in _sources and _sources[source.name] is not source:
        raise ValueError(f"OCDS release source {source.name!r} is registered twice")
    _sources[source.name] = source
    return source


def unregister_release_source(name: str) -> None:
    _sources.pop(name, None)


def release_sources() -> list[OcdsReleaseSource]:
    return [_sources[name] for name in sorted(_sources)]


def ocid(*parts) -> str:
    """An open contracting id: the publisher's prefix, then the record's kind and keys (``ocds-nx0000-vbp-round-3``)."""
    return "-".join([settings.OCDS_OCID_PREFIX, *(str(part) for part in parts)])


def moment(value: date | datetime | None) -> str | None:
    """An OCDS date-time (RFC 3339, Asia/Shanghai offset)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=timezone.get_current_timezone())
    return timezone.localtime(value).isoformat(timespec="seconds")


def value(amount: Decimal | None) -> dict | None:
    """An OCDS Value in yuan; the amount stays a Decimal until written (``dumps``)."""
    return None if amount is None else {"amount": amount, "currency": CURRENCY}


def party_id(organisation) -> str:
    return f"{IDENTIFIER_SCHEME}-{organisation.credit_code}"


def party(organisation, *roles: str) -> dict:
    """An OCDS Organization for the release's ``parties``."""
    return {
        "id": party_id(organisation),
        "name": organisation.name,
        "identifier": {"scheme": IDENTIFIER_SCHEME, "id": organisation.credit_code, "legalName": organisation.name},
        "roles": list(roles),
    }


def reference(organisation) -> dict:
    """An OCDS OrganizationReference (buyer, supplier, payer, payee)."""
    return {"id": party_id(organisation), "name": organisation.name}


def merge_parties(*lists: Iterable[dict]) -> list[dict]:
    """Parties named several times (a manufacturer supplying two units) once, with all their roles."""
    merged: dict[str, dict] = {}
    for found in lists:
        for entry in found:
            known = merged.setdefault(entry["id"], {**entry, "roles": []})
            known["roles"] = sorted(set(known["roles"]) | set(entry.get("roles", [])))
    return list(merged.values())


def releases(period: Period = Period(), names: Iterable[str] | None = None) -> list[dict]:
    """Every registered source's releases of ``period`` (only the ``names`` given, if any), at most
    ``OCDS_EXPORT_MAX_RELEASES``."""
    chosen = [source for source in release_sources() if names is None or source.name in set(names)]
    found: list[dict] = []
    for source in chosen:
        for release in source.releases(period):
            found.append(release)
            if len(found) >= settings.OCDS_EXPORT_MAX_RELEASES:
                return found
    return found


def release_package(period: Period = Period(), names: Iterable[str] | None = None) -> dict:
    """R-SUP-7: an OCDS 1.1 release package of the period's releases. ``publishedDate`` is the latest release's
    date (a package made on demand is dated by its contents), or now when there is none."""
    from django.utils.translation import gettext as _

    found = releases(period, names)
    latest = max((release["date"] for release in found), default=None)
    return {
        "uri": f"{settings.OCDS_PUBLIC_URL.rstrip('/')}/disclosure/ocds.json",
        "version": OCDS_VERSION,
        "publishedDate": latest or moment(timezone.now()),
        "publisher": {"name": str(_("Medical Insurance Bureau of the province"))},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": f"{settings.OCDS_PUBLIC_URL.rstrip('/')}/disclosure/",
        "releases": found,
    }


def dumps(package: dict) -> str:
    """The package as JSON text: UTF-8 Chinese as it is, nulls left out, amounts as JSON numbers (a Decimal of at most
    four places written through ``float`` keeps its digits: repr gives the shortest text that reads back the same)."""
    import json

    def encode(data):
        if isinstance(data, dict):
            return {key: encode(item) for key, item in data.items() if item is not None}
        if isinstance(data, list):
            return [encode(item) for item in data]
        if isinstance(data, Decimal):
            return int(data) if data == data.to_integral_value() else float(data)
        return data

    return json.dumps(encode(package), ensure_ascii=False, indent=1)


DRUG_SCHEME = "CN-NHSA-DRUG"  # 国家医保药品分类与代码


def drug_item(product, *, price: Decimal | None = None, quantity=1, per_unit: bool = False) -> dict:
    """An OCDS Item for a product: classified by its national drug code, counted in packs (or minimum units)."""
    return {
        "id": product.code,
        "description": f"{product.generic_name} {product.pack_description}",
        "classification": {"scheme": DRUG_SCHEME, "id": product.code, "description": product.generic_name},
        "quantity": quantity,
        "unit": {
            "name": product.minimum_unit if per_unit else product.pack_unit,
            **({"value": value(price)} if price is not None else {}),
        },
    }


def procuring_entity():
    """The provincial bureau, which runs the province's procurement (the releases' buyer), or None."""
    from procurement.organisations.choices import OrganisationKind, RegionLevel
    from procurement.organisations.models import Organisation

    return (
        Organisation.objects.filter(kind=OrganisationKind.BUREAU, region__level=RegionLevel.PROVINCE, is_active=True)
        .order_by("id")
        .first()
    )


def in_period(queryset, field: str, period: Period):
    """``queryset`` limited to rows whose ``field`` (a date or date-time) falls in ``period``."""
    if period.since is not None:
        queryset = queryset.filter(
            **{f"{field}__date__gte" if _is_datetime(queryset, field) else f"{field}__gte": period.since}
        )
    if period.until is not None:
        queryset = queryset.filter(
            **{f"{field}__date__lte" if _is_datetime(queryset, field) else f"{field}__lte": period.until}
        )
    return queryset


def _is_datetime(queryset, field: str) -> bool:
    from django.db.models import DateTimeField

    return isinstance(queryset.model._meta.get_field(field), DateTimeField)
