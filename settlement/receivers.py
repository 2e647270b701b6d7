"""What the settlement channel does when ordering announces something (procurement.orders.events):
an accepted batch opens its payable, a return reduces it (R-SET-1). Inside the acceptance's own
transaction: the payable and its ledger entries commit with the acceptance, or neither does."""

from procurement.orders.events import BatchAccepted, BatchReturned, on_batch_accepted, on_batch_returned
from settlement import services


@on_batch_accepted
def open_payable(event: BatchAccepted) -> None:
    services.payable_open(event)


@on_batch_returned
def reduce_payable(event: BatchReturned) -> None:
    services.payable_reduce(event)
