"""Reads of the catalogue and the national price feed."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, TextField
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


class FoundFirst(Func):
    """``<field> = ANY(ARRAY(<ids>))``: a product id among the ids a search found, computed first.

    A condition, as ``queryset.filter(FoundFirst("pk", ids))`` (or ``"product"`` of a listing): the
    database finds the matching products once, through the trigram index, and only then joins, checks
    and sorts them. Written as a join or ``IN (subquery)``, the planner walked every product in the
    page's order checking each against the search (55,000 rows for ``atft``, 100 ms of the public page:
    bench/search.py).
    """

    output_field = BooleanField()

    def __init__(self, field: str, ids: QuerySet):
        super().__init__(F(field), Subquery(ids))

    def as_sql(self, compiler, connection, **extra_context):
        field, ids = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        ids_sql, ids_params = compiler.compile(ids)  # parenthesised: ARRAY(SELECT …)
        return f"{field_sql} = ANY(ARRAY{ids_sql})", (*field_params, *ids_params)


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


# The bigrams of ``search_text`` (migration 0006 indexes them): a word of two characters has no trigram.
SEARCH_BIGRAMS = Func(F("search_text"), function="catalogue_bigrams", output_field=ArrayField(TextField()))


def _matching_ids(words: list[str]) -> QuerySet[Product]:
    """The ids of the products matching every word: in ``search_text`` (a trigram index finds any part of
    it, a bigram index a word of two characters) or in the manufacturer's name."""
    makers = _makers_by_word(words)
    products = Product.objects.order_by()
    for word in words:
        if len(word) == 2:
            # Its own subquery, the maker's products united with it: the bigram index answers it exactly (beside
            # a trigram condition, lossy and rechecked row by row, the bigrams would be computed again for every
            # row found; beside the maker's OR, the table would be read whole).
            found = Product.objects.order_by().alias(search_bigrams=SEARCH_BIGRAMS)
            found = found.filter(search_bigrams__contains=[word]).values("pk")
            if makers[word]:
                found = found.union(Product.objects.order_by().filter(manufacturer_id__in=makers[word]).values("pk"))
            products = products.filter(pk__in=found)
            continue
        condition = Q(search_text__contains=word)
        if makers[word]:
            condition |= Q(manufacturer_id__in=makers[word])
        products = products.filter(condition)
    return products.values("pk")


def near_initials_pattern(word: str) -> str:
    """A regular expression of pinyin initials with at most one letter wrong: a word of the initials
    (after a space, or first) whose first ``len(word)`` letters are ``word``'s but for one.

    The same products as ``initials_near(search_initials, word)`` (migration 0004; a test compares them),
    and a trigram index can look it up in ``search_text``, which ends with the initials.
    """
    return "(^| )(" + "|".join(word[:i] + "[^ ]" + word[i + 1 :] for i in range(len(word))) + ")"


def _near_ids(word: str) -> QuerySet[Product]:
    pattern = near_initials_pattern(word)
    # search_text narrows through the index (its other words may match too); search_initials decides.
    return Product.objects.order_by().filter(search_text__regex=pattern, search_initials__regex=pattern).values("pk")


def allows_near_match(text: str) -> bool:
    """A single word of pinyin initials long enough to be told apart with one letter wrong."""
    words = search_words(text)
    return len(words) == 1 and words[0].isascii() and words[0].isalpha() and len(words[0]) >= MIN_FUZZY_LENGTH


def product_search(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Products matching every word of ``text``: a drug code or part of it, a generic or trade name, a
    dosage form, a strength (``20mg``), an approval number, pinyin initials (``atft``) or a manufacturer.

    Each word is looked for in the product's ``search_text`` (a trigram index finds any part of it)
    or in its manufacturer's name.
    """
    words = search_words(text)
    return queryset.filter(FoundFirst("pk", _matching_ids(words))) if words else queryset


def searched(text: str, within: QuerySet[Product] | None = None) -> QuerySet[Product] | None:
    """The ids of the products a search finds, for ``FoundFirst``; None without search words.

    The products matching every word (``product_search``); when none of ``within`` (by default the
    catalogue) does and the search is pinyin initials of four letters or more, those whose initials are
    that with one letter wrong (``atfts`` finds 阿托伐他汀钙片, ``atfttgp``).
    """
    words = search_words(text)
    if not words:
        return None
    found = _matching_ids(words)
    if not allows_near_match(text):
        return found
    if (within if within is not None else Product.objects.all()).filter(FoundFirst("pk", found)).exists():
        return found
    return _near_ids(words[0])


def product_search_or_near(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """``product_search``; when that finds nothing and the search is pinyin initials of four letters or
    more, the products whose initials are that with one letter wrong (``atfts`` finds 阿托伐他汀钙片)."""
    found = searched(text, within=queryset)
    return queryset if found is None else queryset.filter(FoundFirst("pk", found))


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
