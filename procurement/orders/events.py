"""What ordering announces to the channels: batches accepted into stock, packs returned.

Channels subscribe with ``@on_batch_accepted`` / ``@on_batch_returned`` (from their ``apps.ready``),
as they register price sources: listings records the product's last sale (R-LIST-12), and later
VBP counts completion (R-VBP-5) and settlement makes the payable (R-SET-1) — the order code does not
change. Receivers run inside the acceptance's transaction, after its rows are written: what they
write commits or rolls back with it, and a receiver that raises refuses the acceptance. They get
the facts as a frozen event, not the rows, and write only their own tables.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class BatchAccepted:
    """R-ORD-4: a hospital accepted ``accepted_quantity`` packs of a batch (once per batch, never 0)."""

    shipment_id: int
    line_id: int
    order_id: int
    hospital_id: int
    product_id: int
    manufacturer_id: int
    distributor_id: int
    accepted_quantity: int
    price: Decimal  # the line's resolved price per pack
    price_source: str
    price_reference: str
    accepted_at: datetime


@dataclass(frozen=True)
class BatchReturned:
    """Packs of an accepted batch returned to the distributor (recorded by the distributor)."""

    return_id: int
    shipment_id: int
    line_id: int
    hospital_id: int
    product_id: int
    distributor_id: int
    quantity: int
    price: Decimal
    returned_at: datetime


_accepted: list[Callable[[BatchAccepted], None]] = []
_returned: list[Callable[[BatchReturned], None]] = []


def on_batch_accepted(receiver: Callable[[BatchAccepted], None]):
    """Subscribe ``receiver`` to every accepted batch (idempotent: a receiver is kept once)."""
    if receiver not in _accepted:
        _accepted.append(receiver)
    return receiver


def on_batch_returned(receiver: Callable[[BatchReturned], None]):
    if receiver not in _returned:
        _returned.append(receiver)
    return receiver


def unsubscribe(receiver) -> None:
    for receivers in (_accepted, _returned):
        if receiver in receivers:
            receivers.remove(receiver)


def announce_batch_accepted(event: BatchAccepted) -> None:
    for receiver in list(_accepted):
        receiver(event)


def announce_batch_returned(event: BatchReturned) -> None:
    for receiver in list(_returned):
        receiver(event)
