"""Writes of the sunshine-listing channel (DOMAIN.md §3), by sub-domain.

Every function here is one transition: it locks what it changes (declaration, then price-linkage
notice, then listing: the platform's lock order, which the nightly linkage follows too), checks that
the transition is allowed and that the actor may make it, changes it, records who / when / why (the audit trail and, for listings, a ListingTransition),
and leaves side effects to ``on_commit``. A refusal raises a ``DomainError`` and changes nothing.
"""

from listings.services.access import can_declare, can_review  # noqa: F401
from listings.services.adjustment import adjustment_proposal_answer, adjustment_round_confirm, adjustment_round_open  # noqa: F401
from listings.services.declarations import (  # noqa: F401
    declaration_approve,
    declaration_create,
    declaration_document_add,
    declaration_reject,
    declaration_return,
    declaration_submit,
    declaration_update,
)
from listings.services.lifecycle import listing_invalidate, listing_reinstate, listing_suspend  # noqa: F401
from listings.services.panels import DrawResult, expert_panel_draw, panel_agree, panel_round_record  # noqa: F401
from listings.services.withdrawals import withdrawal_request_decide, withdrawal_request_submit  # noqa: F401
