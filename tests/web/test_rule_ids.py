"""Issue 12: rule IDs (R-ORD-3 …) are for bureau staff and the API; hospitals, distributors, manufacturers
and visitors read plain words (procurement.web.rule_ids, applied to every page by base.html)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from procurement.web.navigation import navigation_for
from procurement.web.rule_ids import _CITATIONS, for_viewer, plain_words
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

RULE_ID = re.compile(r"R-[A-Z]+-\d+")


@pytest.mark.parametrize(
    ("cited", "plain"),
    [
        ("“阿莫西林胶囊”在本地区没有指定配送企业（R-ORD-3）。", "“阿莫西林胶囊”在本地区没有指定配送企业。"),
        ("Offline purchases (R-ORD-1)", "Offline purchases"),
        ("失信惩戒期已满（R-LIST-14、R-SUP-3）。", "失信惩戒期已满。"),
        ("“X”已关闭采购（连续12个月无销售，R-LIST-12）。", "“X”已关闭采购（连续12个月无销售）。"),
        ("也不得承担配送（R-LIST-14；限制期 5 年）。", "也不得承担配送（限制期 5 年）。"),
        ("closed (no sale for 12 months, R-LIST-12).", "closed (no sale for 12 months)."),
        ("until the day shown (R-LIST-14; a bar lasts 5 years).", "until the day shown (a bar lasts 5 years)."),
        ("价格（元）不得高于挂网价", "价格（元）不得高于挂网价"),
    ],
)
def test_a_citation_is_taken_out_with_its_brackets_and_separators(cited, plain):
    assert plain_words(cited) == plain


def _whole_text_rewritten(text: str) -> str:
    """The four citation patterns applied to the whole text: what ``plain_words`` must give."""
    for pattern, replacement in _CITATIONS:
        text = pattern.sub(replacement, text)
    return text


@given(
    st.lists(
        st.sampled_from(
            [
                "<td>",
                "</td>",
                '<span title="',
                '">',
                " ",
                "（",
                "）",
                "(",
                ")",
                "，",
                "、",
                "；",
                ":",
                "R-ORD-3",
                "R-LIST-14",
                "R-",
                "价格",
                "closed",
                "\n",
                "<",
                ">",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_a_page_loses_its_citations_as_if_rewritten_whole(page):
    """plain_words rewrites only the runs between markup that hold an ID: the same page as the four
    patterns applied to all of it (none spans a < or a >)."""
    assert plain_words(page) == _whole_text_rewritten(page)


def test_every_message_of_the_platform_reads_well_without_its_rule_ids():
    """Each translated text that cites a rule, in both languages: no ID left, no empty or broken bracket."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"))
    cited = [text for entry in catalogue for text in (entry.msgid, entry.msgstr) if RULE_ID.search(text)]
    assert len(cited) > 80
    for text in cited:
        plain = plain_words(text)
        assert not RULE_ID.search(plain), text
        assert not re.search(r"[（(]\s*[)）]|[（(][;；,，、]|[;；,，、]\s*[)）]|^\s|\s$", plain), (text, plain)


def test_bureau_staff_read_the_ids_and_the_others_plain_words(world):
    text = "“X”在本地区没有指定配送企业（R-ORD-3）。"
    assert for_viewer(text, world.user("provincial_reviewer")) == text
    assert for_viewer(text, world.user("city_bureau")) == text
    assert for_viewer(text, world.user("platform_admin")) == text
    for name in ("hospital_buyer", "manufacturer_clerk", "distributor_clerk"):
        assert for_viewer(text, world.user(name)) == "“X”在本地区没有指定配送企业。"
    assert for_viewer(text, AnonymousUser()) == "“X”在本地区没有指定配送企业。"


@pytest.mark.parametrize(
    "role", ["hospital_buyer", "hospital_admin", "manufacturer_clerk", "distributor_clerk", "visitor"]
)
def test_no_page_of_a_hospital_a_company_or_a_visitor_shows_a_rule_id(client, world, role):
    # given: every page of the role's navigation
    user = AnonymousUser() if role == "visitor" else world.user(role)
    if role != "visitor":
        client.force_login(user)
    pages = [item.url for item in navigation_for(user)]
    assert len(pages) >= 5
    for url in pages:
        # when
        response = client.get(url)
        # then
        assert response.status_code == 200, url
        assert not RULE_ID.search(response.content.decode()), url


def test_the_bureau_reads_the_rule_ids_on_its_pages(client, world):
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("credit:bad-records")).content.decode()
    assert "R-LIST-14" in page


def test_a_refusal_is_in_plain_words_on_the_page_and_cites_its_rule_in_the_api(client, api_as, world):
    # given: a hospital asks for a price above the listing price (R-NEG-2)
    product = ProductFactory(manufacturer=world.manufacturer)
    make_listing(product, "30.00")
    buyer = world.user("hospital_buyer")
    client.force_login(buyer)
    # when
    page = client.post(
        reverse("negotiation:thread-new"), {"product": product.code, "price": "31", "volume": 100, "valid_months": 12}
    ).content.decode()
    answer = api_as(buyer).post(
        "/api/v1/negotiations/", {"product_code": product.code, "price": "31", "volume": 100}, format="json"
    )
    # then
    assert "价格不得高于挂网价 30.0000 元。" in page and "R-NEG-2" not in page
    assert answer.status_code == 400, answer.content
    [problem] = answer.json()["errors"]
    assert problem["rule"] == "R-NEG-2" and "R-NEG-2" in problem["message"]
