"""The navigation bar is a registry each app fills from its menu.py (issue 9: structure)."""

import re

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from procurement.web.navigation import MenuItem, everyone, menus_for, navigation_for, register_menu, unregister_menu


def names(user) -> list[str]:
    return [item.url_name for item in navigation_for(user)]


def test_each_role_sees_the_pages_of_its_work_first_and_the_public_ones_after(world):
    # given / when
    buyer = names(world.user("hospital_buyer"))
    clerk = names(world.user("manufacturer_clerk"))
    reviewer = names(world.user("provincial_reviewer"))
    distributor = names(world.user("distributor_clerk"))
    # then
    assert buyer[:3] == ["home", "orders:buy", "orders:cart"]
    assert "listings:review" not in buyer and "orders:line-list" not in buyer
    assert clerk[:2] == ["home", "listings:inbox"] and "orders:designations" in clerk
    assert "listings:review" in reviewer and "orders:buy" not in reviewer
    assert distributor[:3] == ["home", "orders:line-list", "orders:order-list"]
    for seen in (buyer, clerk, reviewer, distributor):
        assert seen.index("catalogue:product-list") > seen.index("home")
        assert len(seen) == len(set(seen)), "a page is shown once"


def test_a_visitor_sees_only_the_public_pages(db):
    assert names(AnonymousUser()) == [
        "public:public-list",
        "batches:batches",
        "catalogue:product-list",
        "catalogue:national-price-list",
        "credit-public:bad-record-list",
        "vbp-public:results",
        "standards:list",
        "disclosure:index",
    ]


def test_an_app_plugs_in_its_pages_with_the_roles_that_see_them(world):
    # given: a new channel's page for manufacturers only (at a URL they see nowhere else), and a public one
    bids = MenuItem("Bids", "negotiation:alerts", lambda user: user.kind == "manufacturer", order=15)
    results = MenuItem("Results", "batches:batches", everyone, order=79)
    register_menu(bids, results)
    try:
        # then: shown to whom it names, at its place; a URL once, at the first place the user may see it
        clerk = names(world.user("manufacturer_clerk"))
        assert clerk.index("negotiation:alerts") == clerk.index("listings:adjustments") + 1
        assert "negotiation:alerts" not in names(world.user("hospital_buyer"))
        assert names(AnonymousUser())[0] == "batches:batches"
        assert names(AnonymousUser()).count("batches:batches") == 1
    finally:
        unregister_menu(bids, results)
    assert names(AnonymousUser())[0] == "public:public-list"


def bar(user) -> list[tuple[str, list[str]]]:
    """The bar as the user reads it: (menu, its items) — a link of its own has itself as its only item."""
    with translation.override("zh-hans"):
        return [(str(menu.label), [str(item.label) for item in menu.items]) for menu in menus_for(user)]


def test_the_bar_gathers_each_roles_pages_into_one_menu_per_channel(world):
    """Issue 12: one row, grouped by channel; a group of one item is that item's link."""
    # when
    buyer = dict(bar(world.user("hospital_buyer")))
    clerk = dict(bar(world.user("manufacturer_clerk")))
    reviewer = dict(bar(world.user("provincial_reviewer")))
    # then
    assert list(buyer)[:3] == ["首页", "采购交易", "议价管理"]
    assert buyer["采购交易"][:2] == ["采购", "购物车"] and "议价" in buyer["议价管理"]
    assert list(clerk)[:3] == ["首页", "挂网管理", "议价管理"]
    assert clerk["挂网管理"] == ["待处理通知", "价格申报", "本企业挂网产品", "年度调价"]
    assert "申报审核" in reviewer["挂网管理"] and "价格预警" in reviewer["监督管理"]
    assert "价格导入" in reviewer["系统管理"] and "全国挂网价" in reviewer["信息公开"]


def test_no_role_sees_two_items_of_the_same_meaning(world):
    """Issue 12: 挂网产品 and 挂网药品 side by side were the same products; so were the bureau's bad-record
    list and the published one."""
    for name in world.users:
        # when
        labels = [label for _menu, items in bar(world.user(name)) for label in items]
        # then
        assert len(labels) == len(set(labels)), name
        assert not {"挂网产品", "挂网药品"} <= set(labels), name
        assert not {"不良记录名单", "不良记录公示"} <= set(labels), name
    reviewer = names(world.user("provincial_reviewer"))
    assert "listings:listing-list" in reviewer and "public:public-list" not in reviewer
    supervisor = names(world.user("provincial_supervisor"))
    assert "credit:bad-records" in supervisor and "credit-public:bad-record-list" not in supervisor
    # a manufacturer's own listings are not the public list: both, under their own names
    clerk = names(world.user("manufacturer_clerk"))
    assert "listings:listing-list" in clerk and "public:public-list" in clerk


def test_each_menu_is_a_button_that_controls_its_list(client, world):
    """Issue 12: the menus are disclosure buttons (keyboard: platform.js), the page marks where one is."""
    # given
    client.force_login(world.user("manufacturer_clerk"))
    # when
    page = client.get(reverse("listings:declaration-list")).content.decode()
    # then
    buttons = re.findall(
        r'<button type="button" class="menu-button" aria-expanded="false" aria-controls="([^"]+)"', page
    )
    assert "menu-listings" in buttons and "menu-account" in buttons
    for controlled in buttons:
        assert f'id="{controlled}"' in page
    assert re.search(r'<li class="menu current">\s*<button[^>]*aria-controls="menu-listings"', page)
    assert f'<a href="{reverse("listings:declaration-list")}" aria-current="page">价格申报</a>' in page
    assert "<script>" not in page and " onclick=" not in page


def test_the_api_documentation_is_offered_to_those_who_use_the_api(client, world):
    """Issue 12: hospital administrators (who issue HIS keys) and bureau staff; nobody else."""
    for name in ("hospital_admin", "provincial_reviewer", "city_bureau", "platform_admin"):
        assert "api:docs" in names(world.user(name)), name
    for name in ("hospital_buyer", "manufacturer_clerk", "distributor_clerk"):
        assert "api:docs" not in names(world.user(name)), name
    assert "api:docs" not in names(AnonymousUser())
    client.force_login(world.user("hospital_buyer"))
    assert reverse("api:docs") not in client.get(reverse("home")).content.decode()
    client.force_login(world.user("hospital_admin"))
    assert f'<a href="{reverse("api:docs")}">接口文档</a>' in client.get(reverse("home")).content.decode()


def test_the_api_schema_is_titled_and_described_in_chinese_and_english():
    from drf_spectacular.generators import SchemaGenerator

    info = SchemaGenerator().get_schema(request=None, public=True)["info"]
    assert info["title"] == "药品阳光采购和综合监管平台接口 · Provincial drug procurement platform API"
    chinese, english = info["description"].split("\n\n")
    assert "医院信息系统" in chinese and "HIS 接口密钥" in chinese
    assert english.startswith("REST API of the provincial drug") and "HIS API keys" in english
