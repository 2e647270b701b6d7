"""Shared page views: the home page, the audit trail, and the base of every list page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.generic import ListView

from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to
from procurement.web.home import home_items
from procurement.web.pagination import CountedOnPage


class ScopedListView(ListView):
    """A list page: scoped queryset → django-filter → pagination (50 a page)."""

    filterset_class = None
    paginate_by = 50

    # A page whose search (its filter's ``q``) finds the products first (``catalogue.selectors.FoundFirst``)
    # counts them in the page's own statement when it searches (``web.pagination``).
    counts_searches_on_page = False

    def counts_on_page(self) -> bool:
        filterset = self.filterset
        if not (self.counts_searches_on_page and filterset is not None and filterset.is_bound and filterset.is_valid()):
            return False
        return bool(str(filterset.form.cleaned_data.get("q") or "").strip())

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator_class = CountedOnPage if self.counts_on_page() else self.paginator_class
        return paginator_class(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, **kwargs
        )

    def base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        queryset = visible_to(self.request.user, self.base_queryset())
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


def posted_id(request, name: str) -> int:
    """The id a page posted in ``name``: ASCII digits, else the object cannot be found (a 404, never a 500)."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)


def apply_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    for problem in error.problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


@login_required
def home(request):
    return render(request, "web/home.html", {"items": home_items(request.user)})


class AuditListView(LoginRequiredMixin, ListView):
    """Every change recorded by the audit trail, newest first, for the provincial bureau."""

    template_name = "web/audit_list.html"
    paginate_by = 50

    def get_queryset(self):
        from procurement.web.selectors import audit_events

        user = self.request.user
        if not (user.is_superuser or user.is_provincial_bureau):
            raise Http404
        return audit_events(
            model=self.request.GET.get("model", ""),
            object_id=self.request.GET.get("object", ""),
            username=self.request.GET.get("user", ""),
        )

    def get_context_data(self, **kwargs):
        from procurement.web.selectors import audited_models

        context = super().get_context_data(**kwargs)
        context["models"] = audited_models()
        context["current"] = self.request.GET
        # The people named on this page, by their names (issue 12): one query for the page.
        usernames = {(event.pgh_context or {}).get("username") for event in context["object_list"]} - {None}
        context["names"] = dict(
            get_user_model().objects.filter(username__in=usernames).values_list("username", "full_name")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


@login_required
def policies(request):
    """The policy values in force, for bureau staff to read (the platform administrator changes them)."""
    from procurement.core.policy import can_set_policies, policies_in_force

    user = request.user
    if not (user.is_superuser or user.kind == "bureau"):
        raise DjangoPermissionDenied
    return render(request, "web/policies.html", {"policies": policies_in_force(), "can_change": can_set_policies(user)})


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's link says: the platform's own icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
