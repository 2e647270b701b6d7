"""Token authentication for hospital information systems (HIS), R-ORD-5.

``Authorization: Token <key>``. The key's prefix finds the row, the SHA-256 digest proves it;
a revoked key, a deactivated machine account or a deactivated hospital is refused.
"""

import hmac

import pghistory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from procurement.organisations.models import ApiToken, hash_token
from procurement.organisations.tokens import split_key

# Writing last_used_at on every request would make every read a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


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
        prefix = split_key(key)
        token = (
            ApiToken.objects.select_related("user__organisation__region", "hospital").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if token is None or not hmac.compare_digest(token.digest, hash_token(key)):
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
