"""The catalogue search on the buy page and the public listed-products page: several words, pinyin
initials (one letter wrong allowed), a code or its start, a manufacturer; greyed refused products with
their reason; pagination. Each page's results, their order and their pages are compared with the search
as it was written before bench/search.py made it fast (``reference``: every word a ``LIKE`` or a
manufacturer, then ``initials_near``), with the trigram index and without it (PostgreSQL without
pg_trgm, the embedded demo database)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from listings.choices import ListingStatus, SuspensionCause
from listings.models import Listing
from negotiation.choices import AgreementStatus, ThreadStatus
from negotiation.models import Agreement, Negotiation
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import SEARCH_BIGRAMS, near_initials_pattern, product_search
from procurement.credit import services as credit
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from tests.factories import OrganisationFactory, ProductFactory
from tests.orders.conftest import make_listing
from tests.test_properties import DB

pytestmark = pytest.mark.django_db

SEARCHES = [
    "阿托伐他汀钙片 20mg",
    "20MG 阿托伐",
    "他汀 10mg",
    "atft",
    "ATFT",
    "atfts",  # one letter wrong
    "rsftt",
    "rsfttgjj",  # one letter wrong, the end of a word
    "xtft",  # wrong first letter
    "恒瑞",
    "恒瑞 胶囊",
    "他汀",  # two characters: the bigram index
    "mg",
    "辉瑞 10mg",
    "嘉林",
    "立普妥",
    "胶囊",
    "片",
    "青霉素",
    "xc10aa",
    "国药准字h2005",
    "50%",
    "a_b",
    "  ",
    "",
]


def reference(products, text: str):
    """The search before bench/search.py: each word in search_text or a manufacturer's name; for one
    word of four letters or more that finds nothing, the initials with one letter wrong."""
    words = text.lower().split()[:8]
    if not words:
        return products
    makers = list(Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER).values_list("pk", "name"))
    found = products
    for word in words:
        named = [pk for pk, name in makers if word in name.lower()]
        found = found.filter(Q(search_text__contains=word) | Q(manufacturer_id__in=named))
    word = words[0]
    if len(words) == 1 and word.isascii() and word.isalpha() and len(word) >= 4 and not found.exists():
        near = RawSQL("initials_near(search_initials, %s)", [word], output_field=BooleanField())
        return products.alias(near=near).filter(near=True)
    return found


def agreement(world, product, price="8.00"):
    thread = Negotiation.objects.create(
        hospital=world.hospital,
        product=product,
        manufacturer=product.manufacturer,
        listing_price=Decimal("30"),
        volume=100,
        price=Decimal(price),
        status=ThreadStatus.AGREED,
        requested_by=world.user("hospital_buyer"),
    )
    today = timezone.localdate()
    return Agreement.objects.create(
        negotiation=thread,
        hospital=world.hospital,
        product=product,
        manufacturer=product.manufacturer,
        price=Decimal(price),
        unit_price=product.unit_price(Decimal(price)),
        listing_price=Decimal("30"),
        volume=100,
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=300),
        status=AgreementStatus.ACTIVE,
    )


@pytest.fixture(params=["trigram index", "no trigram index"])
def index(request, db):
    """Each test with the trigram index and without it (the test's transaction puts it back)."""
    if request.param == "no trigram index":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS product_search_text_trgm")
    return request.param


@pytest.fixture
def catalogue(world, index):
    """Statins and others of three makers: listed, suspended, closed, of a barred maker, unlisted, and one
    the hospital has only an agreement for."""
    hengrui = OrganisationFactory(name="江苏恒瑞医药股份有限公司", region=world.province)
    jialin, pfizer = world.manufacturer, world.other_manufacturer
    barred = OrganisationFactory(name="石药集团欧意药业有限公司", region=world.province)
    spec = [
        ("阿托伐他汀钙片", "20mg", jialin, "阿乐"),
        ("阿托伐他汀钙片", "10mg", pfizer, "立普妥"),
        ("阿托伐他汀钙片", "20mg", hengrui, ""),
        ("阿托伐他汀钙胶囊", "10mg", hengrui, ""),
        ("瑞舒伐他汀钙片", "10mg", pfizer, "可定"),
        ("瑞舒伐他汀钙胶囊", "5mg", hengrui, ""),
        ("阿莫西林胶囊", "0.25g", hengrui, ""),
        ("注射用头孢曲松钠", "1g", jialin, ""),
        ("硝苯地平控释片", "30mg", jialin, "恒瑞欣"),
        ("辛伐他汀片", "20mg", barred, ""),
        ("氯沙坦钾片", "50mg", pfizer, "科素亚"),  # not listed
        ("厄贝沙坦片", "150mg", jialin, ""),  # not listed; the hospital's agreement
    ]
    products = {}
    for number, (name, strength, maker, trade) in enumerate(spec):
        products[number] = ProductFactory(
            manufacturer=maker,
            generic_name=name,
            specification=strength,
            trade_name=trade,
            approval_number=f"国药准字H200512{number:02d}",
        )
    for number in range(10):
        make_listing(products[number], "10.00")
    Listing.objects.filter(product=products[6]).update(
        status=ListingStatus.SUSPENDED, suspension_cause=SuspensionCause.BUREAU
    )
    Listing.objects.filter(product=products[7]).update(status=ListingStatus.CLOSED)
    credit.bad_record_add(
        actor=world.user("provincial_supervisor"), organisation=barred, starts_on=timezone.localdate(), reason="行贿"
    )
    agreement(world, products[11])
    return products


def offered():
    """The buy page's products before bench/search.py: a listing (in any state) or an agreement in force."""
    today = timezone.localdate()
    agreements = Agreement.objects.filter(
        product=OuterRef("pk"), status=AgreementStatus.ACTIVE, valid_from__lte=today, valid_until__gte=today
    )
    return Product.objects.filter(Exists(Listing.objects.filter(product=OuterRef("pk"))) | Exists(agreements))


def buy_pages(client, text):
    """Every page of the buy page's answer: codes in order, and the count it says."""
    codes, number = [], 1
    while True:
        context = client.get(reverse("orders:buy"), {"q": text, "page": number}).context
        codes += [offer.product.code for offer in context["offers"]]
        if not context["page_obj"].has_next():
            return codes, context["page_obj"].paginator.count
        number += 1


def public_pages(client, text):
    codes, number = [], 1
    while True:
        context = client.get(reverse("public:public-list"), {"q": text, "page": number}).context
        codes += [listing.product.code for listing in context["object_list"]]
        if not context["page_obj"].has_next():
            return codes, context["page_obj"].paginator.count
        number += 1


@pytest.mark.parametrize("text", SEARCHES)
def test_the_buy_page_finds_what_it_found_before_in_the_same_order(world, catalogue, client, text):
    client.force_login(world.user("hospital_buyer"))
    expected = list(reference(offered(), text).values_list("code", flat=True))
    assert buy_pages(client, text) == (expected, len(expected))


@pytest.mark.parametrize("text", SEARCHES)
def test_the_public_page_finds_what_it_found_before_in_the_same_order(world, catalogue, client, text):
    listed = Listing.objects.filter(status=ListingStatus.LISTED)
    if text.strip():
        listed = listed.filter(product__in=reference(Product.objects.all(), text))
    expected = list(listed.values_list("product__code", flat=True))
    assert public_pages(client, text) == (expected, len(expected))


EXAMPLES = {
    "阿托伐他汀钙片 20mg": {0, 2},  # several words
    "atft": {0, 1, 2, 3},  # pinyin initials
    "atfts": {0, 1, 2, 3},  # one letter wrong
    "恒瑞": {2, 3, 5, 6, 8},  # a manufacturer (and a trade name naming it)
    "恒瑞 胶囊": {3, 5, 6},
    "立普妥": {1},  # a trade name
    "厄贝沙坦": {11},  # offered by an agreement only
    "氯沙坦": set(),  # not listed: not offered
}


@pytest.mark.parametrize("text", EXAMPLES)
def test_examples_of_the_buy_page(world, catalogue, client, text):
    client.force_login(world.user("hospital_buyer"))
    assert set(buy_pages(client, text)[0]) == {catalogue[number].code for number in EXAMPLES[text]}


def test_a_code_or_its_start_finds_the_product(world, catalogue, client):
    client.force_login(world.user("hospital_buyer"))
    code = catalogue[4].code
    assert buy_pages(client, code)[0] == [code]
    assert code in buy_pages(client, code[:14])[0]
    assert public_pages(client, code.lower())[0] == [code]


def test_a_word_of_two_characters_is_looked_up_in_the_bigram_index(world, catalogue):
    """bench/search.py: 他汀 and 恒瑞 have no trigram; the condition the search writes for them is the bigram
    index's expression (the planner told to avoid reading the table or another index whole, so that whether
    the index can answer is what is shown), and the search finds what it found before."""
    bigrams = Product.objects.alias(search_bigrams=SEARCH_BIGRAMS).filter(search_bigrams__contains=["他汀"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        assert "product_search_bigrams" in bigrams.explain()
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    for text in ("他汀", "恒瑞", "恒瑞 胶囊", "他汀 10mg"):
        assert set(product_search(Product.objects.all(), text)) == set(reference(Product.objects.all(), text))


def test_refused_products_are_found_greyed_out_with_their_reason(world, catalogue, client):
    client.force_login(world.user("hospital_buyer"))
    response = client.get(reverse("orders:buy"), {"q": "恒瑞"})
    page = response.content.decode()
    refusals = {offer.product.pk: offer.refusal for offer in response.context["offers"]}
    for number in (2, 6):
        code = catalogue[number].code
        start = page.rindex("<tr", 0, page.index(f'data-testid="offer-{code}"'))
        row = page[start : page.index("</tr>", start)]
        if number == 2:  # listed: orderable
            assert refusals[catalogue[number].pk] is None
            assert 'class="unorderable"' not in row and f'data-testid="add-{code}"' in row
        else:  # suspended by the bureau: greyed out, with the reason
            refusal = refusals[catalogue[number].pk]
            assert refusal.code == "listing_suspended" and str(SuspensionCause.BUREAU.label) in refusal.message
            assert 'class="unorderable"' in row and f'data-testid="add-{code}"' not in row
            assert f'data-testid="refusal-{code}"' in row and escape(refusal.message) in row
    barred = client.get(reverse("orders:buy"), {"q": "辛伐他汀"})
    [offer] = barred.context["offers"]
    assert (offer.product, offer.refusal.code, offer.refusal.rule) == (catalogue[9], "company_barred", "R-LIST-14")
    assert f'data-testid="refusal-{catalogue[9].code}"' in barred.content.decode()
    # the public page shows the listed products only
    assert set(public_pages(client, "恒瑞")[0]) == {catalogue[n].code for n in (2, 3, 5, 8)}


@pytest.fixture
def many(world, index):
    """55 products one search finds, in an order the page must keep across its pages."""
    maker = world.manufacturer
    products = [
        ProductFactory(manufacturer=maker, generic_name=f"奥美拉唑肠溶胶囊{'甲乙丙'[n % 3]}", specification=f"{n}mg")
        for n in range(55)
    ]
    for product in products:
        make_listing(product, "3.00")
    ProductFactory(manufacturer=maker, generic_name="雷贝拉唑钠肠溶片")  # not found
    return products


def test_pagination_keeps_the_order_and_the_count(world, many, client):
    ordered = list(Product.objects.filter(generic_name__startswith="奥美拉唑").values_list("code", flat=True))
    client.force_login(world.user("hospital_buyer"))
    first = client.get(reverse("orders:buy"), {"q": "奥美拉唑 肠溶"}).context
    assert (first["page_obj"].paginator.count, first["page_obj"].paginator.num_pages) == (55, 2)
    assert buy_pages(client, "奥美拉唑 肠溶") == (ordered, 55)
    assert buy_pages(client, "amlz") == (ordered, 55)
    public_order = list(
        Listing.objects.filter(product__generic_name__startswith="奥美拉唑").values_list("product__code", flat=True)
    )
    assert public_pages(client, "奥美拉唑") == (public_order, 55)
    assert client.get(reverse("public:public-list"), {"q": "奥美拉唑", "page": 3}).status_code == 404


initials = st.lists(st.text("abcdefgh", min_size=0, max_size=9), min_size=1, max_size=3).map(" ".join)
queries = st.text("abcdefgh", min_size=4, max_size=7)


@DB
@given(st.lists(st.tuples(initials, queries), min_size=1, max_size=20))
def test_the_near_pattern_finds_what_initials_near_finds(db, pairs):
    """The regular expression of one letter wrong is ``initials_near`` (migration 0004), which it replaced."""
    with connection.cursor() as cursor:
        for text, word in pairs:
            cursor.execute("SELECT initials_near(%s, %s), %s ~ %s", [text, word, text, near_initials_pattern(word)])
            near, matched = cursor.fetchone()
            assert near == matched, (text, word)
