"""``{% credit_warning company_id %}``: the credit warning shown with a company's listings (R-SUP-3) — on the
listing pages and the buy page. One query a page: the companies under a warning (or graver) today."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from procurement.credit.grades import warned_on

register = template.Library()


@register.simple_tag(takes_context=True)
def credit_warning(context, company_id):
    request = context.get("request")
    warned = getattr(request, "_credit_warned", None) if request is not None else None
    if warned is None:
        warned = warned_on(timezone.localdate())
        if request is not None:
            request._credit_warned = warned
    standing = warned.get(company_id)
    if standing is None:
        return ""
    return format_html(
        '<span class="tag warn" data-testid="credit-warning" title="{}">{}</span>',
        _("Credit grade “%(grade)s” since %(since)s: %(measure)s (R-SUP-3)")
        % {"grade": standing.grade_label, "since": standing.since.isoformat(), "measure": standing.measure_label},
        _("Credit warning"),
    )
