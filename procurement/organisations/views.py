"""Pages of the organisation directory and of a hospital's HIS API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to
from procurement.organisations import services
from procurement.organisations.filters import OrganisationFilter
from procurement.organisations.forms import ApiTokenForm, RevokeForm
from procurement.organisations.models import ApiToken, Organisation, User
from procurement.organisations.selectors import directory
from procurement.web.views import apply_domain_error


class OrganisationListView(LoginRequiredMixin, ListView):
    """The directory: who takes part (a city or county bureau: whom it supervises, and the companies)."""

    model = Organisation
    template_name = "organisations/organisation_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = OrganisationFilter(
            self.request.GET or None, queryset=directory(self.request.user), request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter=self.filterset, query_without_page=query.urlencode(), **kwargs)


@login_required
@require_safe
def organisation_detail(request, pk):
    """A directory entry; its contacts and accounts only for those who may see the party's data."""
    organisation = get_object_or_404(directory(request.user), pk=pk)
    in_scope = visible_to(request.user, Organisation).filter(pk=organisation.pk).exists()
    users = visible_to(request.user, User).filter(organisation=organisation, is_active=True) if in_scope else []
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": organisation, "users": users, "in_scope": in_scope},
    )


def _own_hospital(request):
    user = request.user
    if user.organisation is None or not services.can_manage_api_tokens(user, user.organisation):
        raise DjangoPermissionDenied
    return user.organisation


@login_required
def token_list(request):
    hospital = _own_hospital(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(
                actor=request.user, hospital=hospital, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return render(request, "organisations/token_created.html", {"token": token, "key": key})
    tokens = visible_to(request.user, ApiToken).filter(hospital=hospital).select_related("created_by", "revoked_by")
    return render(request, "organisations/token_list.html", {"tokens": tokens, "form": form, "hospital": hospital})


@login_required
def token_revoke(request, pk):
    _own_hospital(request)
    token = get_object_or_404(visible_to(request.user, ApiToken, for_write=True), pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.api_token_revoke(actor=request.user, token_id=token.pk, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The key “%(name)s” is revoked.") % {"name": token.name})
        return redirect("organisations:token-list")
    return render(request, "organisations/token_confirm_revoke.html", {"token": token, "form": form})
