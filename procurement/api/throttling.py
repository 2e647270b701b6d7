"""API throttles (issue 11 #6): per HIS key, per signed-in user, per anonymous address.

Each counts in fixed windows shared by every worker (``procurement.core.ratelimit``, one Redis
round trip a request); the rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``his``,
``user``, ``anon``). Over the rate, the answer is 429 in the API's error shape with ``Retry-After``.
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from procurement.core.ratelimit import Rate, client_address, hit


class WindowThrottle(BaseThrottle):
    scope = ""

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return True
        allowed, self.wait_seconds = hit(
            self.scope, ident, Rate.parse(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope])
        )
        return allowed

    def wait(self):
        return self.wait_seconds


class HisKeyThrottle(WindowThrottle):
    """Per HIS key: a hospital's system, however many of its machines share the key."""

    scope = "his"

    def ident(self, request):
        token = request.auth
        return getattr(token, "prefix", None)


class UserThrottle(WindowThrottle):
    """Per signed-in user of the browser (session)."""

    scope = "user"

    def ident(self, request):
        if request.auth is not None or not request.user.is_authenticated:
            return None
        return str(request.user.pk)


class AnonThrottle(WindowThrottle):
    """Per address, for requests without a user (the public API)."""

    scope = "anon"

    def ident(self, request):
        if request.user.is_authenticated:
            return None
        return client_address(request)
