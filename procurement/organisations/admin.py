from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from procurement.core.admin import RecordAdmin
from procurement.organisations.choices import roles_not_allowed
from procurement.organisations.models import (
    ApiToken,
    Expert,
    HospitalGroup,
    HospitalGroupMembership,
    Organisation,
    Region,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "ownership", "hospital_level", "credit_code", "is_active"]
    list_filter = ["kind", "ownership", "hospital_level", "is_active"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]


class MembershipInline(admin.TabularInline):
    model = HospitalGroupMembership
    autocomplete_fields = ["hospital"]
    extra = 1


@admin.register(HospitalGroup)
class HospitalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "lead", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]
    inlines = [MembershipInline]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "speciality", "employer", "title", "is_active"]
    list_filter = ["speciality", "is_active"]
    search_fields = ["name", "employer"]
    filter_horizontal = ["ties"]


class RolesFitOrganisation:
    """The back-office user forms refuse roles the organisation's kind cannot give."""

    def clean(self):
        cleaned = super().clean()
        organisation, roles = cleaned.get("organisation"), cleaned.get("roles") or []
        if organisation is not None and (invalid := roles_not_allowed(organisation.kind, roles)):
            message = _("Roles not available to this kind of organisation: %(roles)s") % {"roles": ", ".join(invalid)}
            self.add_error("roles", message)
        return cleaned


class UserAdminForm(RolesFitOrganisation, UserChangeForm):
    pass


class UserAdminCreationForm(RolesFitOrganisation, UserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    list_display = ["username", "full_name", "organisation", "roles", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "organisation__kind"]
    search_fields = ["username", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone"]}),
        (_("Organisation and roles"), {"fields": ["organisation", "roles"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "organisation", "roles"]})
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(RecordAdmin):
    """Keys are issued and revoked on the hospital's own page; here they can only be read."""

    list_display = ["name", "hospital", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "hospital__name", "prefix"]
