"""Issue 11: schemathesis over the OpenAPI schema, in the suite — as a HIS key, a manufacturer's clerk and
a bureau reviewer: no answer is a server error, and every answer matches what the schema documents."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks

from procurement.organisations import services as organisation_services

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(document, default=str))


schema = schemathesis.openapi.from_dict(_schema())
# No server error; the status, content type, body and headers as the schema documents them. (Whether a
# schema-valid filter value names an existing object — a 400 for an unknown id — is not a schema matter.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
schema.app = get_wsgi_application()  # in process, as schemathesis.openapi.from_wsgi would


@pytest.fixture
def in_process():
    """As Django's test client does: the requests share the test's connection, which a request's end
    must not close."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def parties(world, client, in_process):
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    headers = [{"Authorization": f"Token {key}"}]
    for name in ("manufacturer_clerk", "provincial_reviewer"):
        client.force_login(world.user(name))
        headers.append({"Cookie": f"sessionid={client.cookies['sessionid'].value}"})
    return headers


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_answers_as_documented(case, parties):
    for headers in parties:
        case.call_and_validate(headers=headers, checks=CHECKS)
