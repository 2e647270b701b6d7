"""Reads of the catalogue and the national price feed."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.utils.translation import gettext as _

from procurement.catalogue.models import NationalPrice, Product
from procurement.organisations.choices import PROVINCES, OrganisationKind
from procurement.organisations.models import Organisation


@dataclass(frozen=True)
class NationalLowest:
    """DOMAIN §2: the lowest current price of a product among the other provinces."""

    product_code: str
    price: Decimal
    province: str
    effective_date: date

    @property
    def province_name(self) -> str:
        return PROVINCES.get(self.province, self.province)


def national_lowest_row_sql(code: str, home: str) -> str:
    """SQL (for a LATERAL join): DOMAIN §2's national lowest of the product code ``code`` — the row of
    the lowest current price among the provinces other than ``home`` (a placeholder), ties to the
    earliest effective date: ``(price, province, effective_date)``, no row when there is none."""
    return f"""SELECT n.price, n.province, n.effective_date FROM {NationalPrice._meta.db_table} n
               WHERE n.product_code = {code} AND n.province <> {home}
               ORDER BY n.price, n.effective_date, n.province LIMIT 1"""


def national_lowest_price_sql(code: str, home: str) -> str:
    """SQL (a scalar): the national lowest price of the product code ``code``, or NULL."""
    return f"(SELECT min(n.price) FROM {NationalPrice._meta.db_table} n WHERE n.product_code = {code} AND n.province <> {home})"


def national_lowest_map(codes: Iterable[str]) -> dict[str, NationalLowest]:
    """The national lowest of each code that has one. Ties go to the earliest effective date.

    The province's own row in the feed is not "another province" and is left out.
    """
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT c.code, lowest.* FROM unnest(%(codes)s::text[]) AS c(code)
                CROSS JOIN LATERAL ({national_lowest_row_sql("c.code", "%(home)s")}) lowest""",
            {"codes": codes, "home": settings.HOME_PROVINCE},
        )
        return {row[0]: NationalLowest(*row) for row in cursor.fetchall()}


def national_lowest(code: str) -> NationalLowest | None:
    return national_lowest_map([code]).get(code)


def national_prices_of(code: str) -> QuerySet[NationalPrice]:
    return NationalPrice.objects.filter(product_code=code).order_by("price", "province")


class InitialsNear(Func):
    """SQL ``initials_near(search_initials, query)``: one mistyped letter allowed (migration 0004)."""

    function = "initials_near"
    output_field = BooleanField()


MIN_FUZZY_LENGTH = 4
MAX_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased: ``阿托伐他汀钙片 20mg`` → two words, each must match."""
    return text.lower().split()[:MAX_WORDS]


def _makers_by_word(words: list[str]) -> dict[str, list[int]]:
    """The manufacturers whose name contains each word (one query for all the words)."""
    condition = Q()
    for word in words:
        condition |= Q(name__icontains=word)
    found = Organisation.objects.filter(condition, kind=OrganisationKind.MANUFACTURER).values_list("pk", "name")
    return {word: [pk for pk, name in found if word in name.lower()] for word in words}


def product_search(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Products matching every word of ``text``: a drug code or part of it, a generic or trade name, a
    dosage form, a strength (``20mg``), an approval number, pinyin initials (``atft``) or a manufacturer.

    Each word is looked for in the product's ``search_text`` (a trigram index finds any part of it)
    or in its manufacturer's name.
    """
    words = search_words(text)
    if not words:
        return queryset
    makers = _makers_by_word(words)
    for word in words:
        condition = Q(search_text__contains=word)
        if makers[word]:
            condition |= Q(manufacturer_id__in=makers[word])
        queryset = queryset.filter(condition)
    return queryset


def allows_near_match(text: str) -> bool:
    """A single word of pinyin initials long enough to be told apart with one letter wrong."""
    words = search_words(text)
    return len(words) == 1 and words[0].isascii() and words[0].isalpha() and len(words[0]) >= MIN_FUZZY_LENGTH


def product_search_or_near(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """``product_search``; when that finds nothing and the search is pinyin initials of four letters or
    more, the products whose initials are that with one letter wrong (``atfts`` finds 阿托伐他汀钙片)."""
    found = product_search(queryset, text)
    if not allows_near_match(text) or found.exists():
        return found
    return queryset.filter(InitialsNear(F("search_initials"), Value(search_words(text)[0])))


def product_by_code(code, *, field: str = "product_code", queryset: QuerySet[Product] | None = None) -> Product:
    """The product of a national drug code as a client sent it, or a ``DomainError`` naming the field:
    not a code at all (its format, DOMAIN §2) or no product of the catalogue (400, not a 404 that a
    client would read as a wrong URL)."""
    from procurement.catalogue.codes import is_drug_code
    from procurement.core.errors import DomainError

    text = str(code or "").strip()
    if not is_drug_code(text):
        raise DomainError(
            _(
                "“%(value)s” is not a national drug code: 23 characters, X (western) or Z (Chinese patent "
                "medicine) followed by 22 capital letters or digits."
            )
            % {"value": text[:40]},
            code="drug_code_format",
            field=field,
        )
    found = (
        (queryset if queryset is not None else Product.objects.select_related("manufacturer")).filter(code=text).first()
    )
    if found is None:
        raise DomainError(
            _("Unknown national drug code “%(code)s”.") % {"code": text}, code="unknown_product", field=field
        )
    return found
