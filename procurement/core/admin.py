from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procurement.core.errors import DomainError
from procurement.core.models import JobRun, PolicyValue
from procurement.core.policy import definition_of, policy_set


class RecordAdmin(admin.ModelAdmin):
    """A record the platform writes itself (a job run, an import, an issued key): read, never edited here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(RecordAdmin):
    list_display = ["name", "status", "triggered_by", "started_at", "finished_at", "counts"]
    list_filter = ["status", "name"]


class PolicyValueForm(forms.ModelForm):
    """The value as text (checked against the policy's kind and limits), and why it changes."""

    new_value = forms.CharField(label=_("value"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    reason = forms.CharField(
        label=_("reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the audit trail with your name."),
    )

    class Meta:
        model = PolicyValue
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        definition = definition_of(self.instance.name)
        self.fields["new_value"].initial = definition.edit(definition.from_json(self.instance.value))
        self.fields["new_value"].help_text = f"{definition.rule} · {definition.description}"

    def clean_new_value(self):
        try:
            return definition_of(self.instance.name).parse(self.cleaned_data["new_value"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """The policy values in force (DOMAIN.md "our choice"): changed here, with a reason, at once."""

    form = PolicyValueForm
    list_display = ["name", "rule", "description", "value_shown", "updated_at", "updated_by"]
    readonly_fields = ["name", "rule", "description", "value_shown", "updated_at", "updated_by"]
    fields = ["name", "rule", "description", "value_shown", "new_value", "reason", "updated_at", "updated_by"]

    @admin.display(description=_("rule"))
    def rule(self, row):
        return definition_of(row.name).rule

    @admin.display(description=_("description"))
    def description(self, row):
        return definition_of(row.name).description

    @admin.display(description=_("value in force"))
    def value_shown(self, row):
        definition = definition_of(row.name)
        return definition.show(definition.from_json(row.value))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            policy_set(
                actor=request.user,
                name=obj.name,
                value=form.cleaned_data["new_value"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:  # checked by the form already; a refusal here is a permission
            raise ValidationError(error.message) from None
