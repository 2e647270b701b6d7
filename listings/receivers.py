"""What the listing channel does when the core announces something: a batch accepted
(procurement.orders.events), a credit sanction recorded (procurement.credit.services)."""

from django.db.models import Q
from django.utils import timezone

from listings.jobs import enforce_sanctions
from listings.models import Listing
from procurement.credit.services import Sanction, on_sanction
from procurement.orders.events import BatchAccepted, on_batch_accepted


@on_batch_accepted
def record_sale(event: BatchAccepted) -> None:
    """R-LIST-12: months without a sale count from the last accepted delivery of the product."""
    Listing.objects.filter(
        Q(last_sale_at__isnull=True) | Q(last_sale_at__lt=event.accepted_at), product_id=event.product_id
    ).update(last_sale_at=event.accepted_at)


@on_sanction
def suspend_sanctioned_listings(sanction: Sanction) -> None:
    """R-LIST-14 / R-SUP-3: a sanction in force today suspends the company's listings at once (the
    nightly ``enforce_bad_records`` does the same for sanctions starting later, and lifts them)."""
    today = timezone.localdate()
    if sanction.starts_on <= today:
        enforce_sanctions(today, manufacturer_id=sanction.organisation_id, actor_id=sanction.recorded_by_id)
