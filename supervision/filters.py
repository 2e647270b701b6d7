import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.web.filters import PlatformFilterSet
from supervision.choices import AnomalyKind, CaseStatus, Conclusion, ReviewStatus, SubjectKind
from supervision.models import Case


class CaseFilter(PlatformFilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=CaseStatus.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("subject kind"), choices=SubjectKind.choices)
    conclusion = django_filters.ChoiceFilter(label=_("conclusion"), choices=Conclusion.choices)
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="only_overdue")

    class Meta:
        model = Case
        fields = ["q", "status", "subject_kind", "conclusion", "overdue"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(subject__name__icontains=value) | Q(flag_label__icontains=value) | Q(explanation__icontains=value)
        )

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue=value)


class ReviewFilter(PlatformFilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=AnomalyKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReviewStatus.choices)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(subject__name__icontains=value)
            | Q(product__generic_name__icontains=value)
            | Q(product__code__icontains=value)
        )
