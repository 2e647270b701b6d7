"""What the listing channel does when ordering announces something (procurement.orders.events)."""

from django.db.models import Q

from listings.models import Listing
from procurement.orders.events import BatchAccepted, on_batch_accepted


@on_batch_accepted
def record_sale(event: BatchAccepted) -> None:
    """R-LIST-12: months without a sale count from the last accepted delivery of the product."""
    Listing.objects.filter(
        Q(last_sale_at__isnull=True) | Q(last_sale_at__lt=event.accepted_at), product_id=event.product_id
    ).update(last_sale_at=event.accepted_at)
