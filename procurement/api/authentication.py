"""Token authentication for hospital information systems (HIS), R-ORD-5.

``Authorization: Token <key>``. The key's prefix finds the row, the SHA-256 digest proves it;
a revoked key, a deactivated machine account or a deactivated hospital is refused.
"""

import functools
import hmac

import pghistory
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from procurement.core.internals import fetch_one, instance_from_row, relate
from procurement.core.ratelimit import Rate, client_address, exceeded, hit
from procurement.organisations.models import ApiToken, Organisation, Region, User, hash_token
from procurement.organisations.tokens import split_key

# Writing last_used_at on every request would make every read a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


def _columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


@functools.cache
def _token_query() -> str:
    """One query for a key, its machine account, the hospital and its region: every HIS request runs it."""
    parts = [("t", ApiToken), ("u", User), ("o", Organisation), ("r", Region)]
    columns = ", ".join(f'{alias}."{column}"' for alias, model in parts for column in _columns(model))
    return (
        f"SELECT {columns} FROM organisations_apitoken t"
        " JOIN organisations_user u ON u.id = t.user_id"
        " JOIN organisations_organisation o ON o.id = t.hospital_id"
        " JOIN organisations_region r ON r.id = o.region_id"
        " WHERE t.prefix = %s"
    )


def token_by_prefix(prefix: str) -> ApiToken | None:
    row = fetch_one(_token_query(), [prefix])
    if row is None:
        return None
    instances, offset = [], 0
    for model in (ApiToken, User, Organisation, Region):
        fields = [field.attname for field in model._meta.concrete_fields]
        instances.append(instance_from_row(model, fields, row[offset : offset + len(fields)]))
        offset += len(fields)
    token, user, hospital, region = instances
    relate(hospital, "region", region)
    if user.organisation_id == hospital.pk:
        relate(user, "organisation", hospital)
    relate(token, "user", user)
    relate(token, "hospital", hospital)
    return token


class HisTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: write “Token <key>”."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header: the key has invalid characters.")) from None
        address = client_address(request)
        rate = Rate.parse(settings.HIS_KEY_FAILURES)
        locked, wait = exceeded("his-key-failures", address, rate)
        if locked:
            # Issue 11 #6: after too many unknown keys from one address, every key is refused until the
            # window ends — the right one too, or guessing would still tell when it found it.
            raise exceptions.Throttled(wait, str(_("Too many unknown API keys from this address; try again later.")))
        prefix = split_key(key)
        token = token_by_prefix(prefix) if prefix else None
        if token is None or not hmac.compare_digest(token.digest, hash_token(key)):
            hit("his-key-failures", address, rate)
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if not token.user.is_active or not token.hospital.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API key is disabled."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # Name the token in the audit context of whatever this request changes.
        pghistory.context(
            user=token.user_id, username=token.user.username, organisation=token.hospital_id, api_token=token.prefix
        )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
