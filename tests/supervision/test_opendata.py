"""Open data (R-SUP-7): listings, VBP results and contracts and payments exported as an OCDS 1.1 release package
through the core's registry, validated against the standard's release-package schema (offline: the release
schema's $ref resolved to the local file); the public disclosure pages without login; the command."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from procurement.core import opendata
from settlement import services as settlement_services
from tests.orders.conftest import buyer, listed, order_lines, storekeeper  # noqa: F401
from tests.settlement.conftest import deliver, finance, supplier  # noqa: F401
from tests.vbp.conftest import atorvastatin, bureau, national_round  # noqa: F401
from tests.vbp.test_completion_and_cap import contract  # noqa: F401

pytestmark = pytest.mark.django_db
# The standard's schemas, kept with the tests (no network at test time); they must not drift from the team's copy.
SCHEMAS = Path(__file__).parent / "ocds-1.1"
SHARED_SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ocds-1.1"


def test_the_schemas_are_the_standards_own():
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip("no shared data beside this clone")
    for name in ("release-package-schema.json", "release-schema.json"):
        assert (SCHEMAS / name).read_bytes() == (SHARED_SCHEMAS / name).read_bytes(), name


def _validator() -> Draft4Validator:
    package = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    release = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resources(
        [(schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)) for schema in (package, release)]
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


@pytest.fixture
def published(world, atorvastatin, national_round, contract, deliver, finance):  # noqa: F811
    """A listed product, a national VBP round with its winner and the hospital's contract, a payable paid in part."""
    delivery = deliver(10)  # 10 packs at 12.60 = 126.00
    settlement_services.payment_record(actor=finance, payable_id=delivery.payable.pk, amount="100.00")
    return delivery


def _package_text(client, **query) -> str:
    response = client.get(reverse("disclosure:ocds"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_r_sup_7_the_release_package_validates_against_the_ocds_1_1_schema(client, published, world, contract):  # noqa: F811
    """R-SUP-7: the downloaded package (no login) is valid OCDS 1.1, with a release of each kind."""
    package = json.loads(_package_text(client))
    errors = sorted(_validator().iter_errors(package), key=lambda error: list(error.path))
    assert errors == [], [f"{list(error.path)}: {error.message}" for error in errors[:5]]
    by_kind = {}
    for release in package["releases"]:
        assert release["ocid"].startswith("ocds-nx0000-")
        by_kind.setdefault(release["ocid"].split("-")[2], []).append(release)
    assert set(by_kind) == {"listing", "vbp", "payments"}
    vbp = by_kind["vbp"][0]
    assert vbp["awards"][0]["value"] == {"amount": 5.46, "currency": "CNY"}
    assert vbp["contracts"][0]["value"]["amount"] == 569.4  # 730 tablets at 5.46 a pack of 7
    assert vbp["contracts"][0]["items"][0]["quantity"] == 730
    paid = by_kind["payments"][0]["contracts"][0]["implementation"]["transactions"]
    assert [transaction["value"]["amount"] for transaction in paid] == [100]
    # a payment says amounts between parties, never a price or a product (R-NEG-4)
    assert "items" not in by_kind["payments"][0]["contracts"][0]


def test_r_sup_7_a_broken_release_is_caught_by_the_schema(published):
    """R-SUP-7: the validation can fail — a release without its ocid, or an unknown tag, is refused."""
    package = json.loads(opendata.dumps(opendata.release_package()))
    del package["releases"][0]["ocid"]
    package["releases"][1]["tag"] = ["sold"]
    assert len(list(_validator().iter_errors(package))) >= 2


def test_r_sup_7_the_command_writes_the_package_of_a_source(published, tmp_path, settings):
    """R-SUP-7: ``export_ocds --source vbp`` writes only VBP's releases, with the ocid prefix of the setting."""
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    target = tmp_path / "vbp.json"
    call_command("export_ocds", "--source", "vbp", "--output", str(target), stderr=io.StringIO())
    package = json.loads(target.read_text())
    assert [release["ocid"].rsplit("-", 1)[0] for release in package["releases"]] == ["ocds-abc123-vbp-round"]
    assert list(_validator().iter_errors(package)) == []


def test_r_sup_7_the_public_pages_need_no_login(client, published, world):
    """R-SUP-7: the disclosure index links every public page; the VBP contracts page shows the contract."""
    index = client.get(reverse("disclosure:index"))
    assert index.status_code == 200
    html = index.content.decode()
    for name in (
        "public:public-list",
        "vbp-public:results",
        "vbp-public:contracts",
        "credit-public:bad-record-list",
        "batches:batches",
    ):
        assert reverse(name) in html
    assert reverse("standards:list") in html and reverse("disclosure:ocds") in html
    contracts = client.get(reverse("vbp-public:contracts")).content.decode()
    assert world.hospital.name in contracts and "569.4" in contracts
    assert Decimal("5.46") and "5.46" in contracts


def test_r_sup_7_an_empty_period_is_said_not_exported(client, published):
    """An OCDS package holds at least one release: a period with nothing published is said, not exported as an
    invalid package — on the page and by the command."""
    from django.core.management.base import CommandError

    response = client.get(reverse("disclosure:ocds"), {"since": "2001-01-01", "until": "2001-01-31"}, follow=True)
    assert response.redirect_chain and response["Content-Type"].startswith("text/html")
    assert "2001-01-01" in response.content.decode()
    assert [str(message) for message in response.context["messages"]] == ["2001-01-01 至 2001-01-31 没有可公开的数据。"]
    with pytest.raises(CommandError, match="no release"):
        call_command("export_ocds", "--since", "2001-01-01", "--until", "2001-01-31", stdout=io.StringIO())
