"""Signing in and reading the signed-in user."""

from django.contrib.auth.backends import ModelBackend


class UserWithOrganisationBackend(ModelBackend):
    """Django's ``ModelBackend``; the user of a session is read with its organisation and region.

    Nearly every page asks for ``request.user.organisation`` (scoping, the header) and many for its
    region (the distributors named for a hospital, R-ORD-3): read lazily, that was two more queries
    after the user's own on each request (bench/search.py).
    """

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.select_related("organisation__region").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
