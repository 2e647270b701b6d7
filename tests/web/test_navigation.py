"""The navigation bar is a registry each app fills from its menu.py (issue 9: structure)."""

from django.contrib.auth.models import AnonymousUser

from procurement.web.navigation import MenuItem, everyone, navigation_for, register_menu, unregister_menu


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
        assert seen.index("public:public-list") > seen.index("home")
        assert len(seen) == len(set(seen)), "a page is shown once"


def test_a_visitor_sees_only_the_public_pages(db):
    assert names(AnonymousUser()) == [
        "public:public-list",
        "batches:batches",
        "catalogue:product-list",
        "catalogue:national-price-list",
        "credit-public:bad-record-list",
        "vbp-public:results",
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
