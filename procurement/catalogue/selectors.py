"""Reads of the catalogue and the national price feed."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from procurement.catalogue.models import NationalPrice, Product
from procurement.organisations.choices import PROVINCES


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


_LOWEST_SQL = """
    SELECT DISTINCT ON (product_code) product_code, price, province, effective_date
    FROM catalogue_nationalprice
    WHERE product_code = ANY(%s) AND province <> %s
    ORDER BY product_code, price, effective_date, province
"""


def national_lowest_map(codes: Iterable[str]) -> dict[str, NationalLowest]:
    """The national lowest of each code that has one. Ties go to the earliest effective date.

    The province's own row in the feed is not "another province" and is left out.
    """
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_LOWEST_SQL, [codes, settings.HOME_PROVINCE])
        return {row[0]: NationalLowest(*row) for row in cursor.fetchall()}


def national_lowest(code: str) -> NationalLowest | None:
    return national_lowest_map([code]).get(code)


def national_prices_of(code: str) -> QuerySet[NationalPrice]:
    return NationalPrice.objects.filter(product_code=code).order_by("price", "province")


class InitialsNear(Func):
    """SQL ``initials_near(search_initials, query)``: one mistyped letter allowed (migration 0005)."""

    function = "initials_near"
    output_field = BooleanField()


MIN_FUZZY_LENGTH = 4


def product_search(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Search by drug code, generic or trade name, approval number, manufacturer or pinyin initials.

    Pinyin initials match as a substring (``atft``), or from the start of a name with one letter
    wrong when the query has four letters or more (``atfts`` finds 阿托伐他汀钙片, ``atfttgp``).
    """
    text = text.strip()
    if not text:
        return queryset
    condition = (
        Q(generic_name__icontains=text)
        | Q(trade_name__icontains=text)
        | Q(code__istartswith=text)
        | Q(approval_number__icontains=text)
        | Q(manufacturer__name__icontains=text)
    )
    if text.isascii() and text.isalpha():
        query = text.lower()
        condition |= Q(search_initials__contains=query)
        if len(query) >= MIN_FUZZY_LENGTH:
            condition |= Q(InitialsNear(F("search_initials"), Value(query)))
    return queryset.filter(condition)
