"""One lock order for the listing channel (issue 10 #16): declaration, then price-linkage notices,
then the listing — the order the nightly linkage takes them in. A reviewer approving a compliant
price while the job suspends the same listing waits for it; neither deadlocks."""

import threading
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from listings import jobs, services
from listings.choices import ListingCategory, NoticeStatus
from listings.models import Declaration, Listing, PriceLinkageNotice

pytestmark = pytest.mark.django_db(transaction=True)


def raw_connection():
    db = settings.DATABASES["default"]
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
    return psycopg.connect(**{k: v for k, v in dsn.items() if v})


def test_an_approval_waits_for_the_nightly_job_in_the_same_order_and_both_finish(
    world, product, list_product, feed, declare
):
    # given: a listing above a lower national price, its notice open, and a compliant declaration waiting
    listing = list_product(product, "10.00")
    feed(product.code, "11", "9.00", date(2026, 9, 18))
    with transaction.atomic():  # as the job runner runs it
        jobs.national_price_linkage(today=date(2026, 9, 21))
    notice = PriceLinkageNotice.objects.get(listing=listing)
    declaration = declare(product, ListingCategory.INNOVATIVE, "9.00")
    # when: the job's transaction holds the notice (as its update of overdue notices does) …
    job = raw_connection()
    job.execute("BEGIN")
    job.execute("SELECT 1 FROM listings_pricelinkagenotice WHERE id = %s FOR UPDATE", [notice.pk])
    outcome = {}

    def approve():
        try:
            services.declaration_approve(actor=world.user("provincial_reviewer"), declaration_id=declaration.pk)
            outcome["approved"] = True
        except Exception as error:  # a deadlock would surface here
            outcome["error"] = error
        finally:
            connection.close()

    reviewer = threading.Thread(target=approve)
    reviewer.start()
    reviewer.join(timeout=2)
    assert reviewer.is_alive(), "the approval waits for the notice before touching the listing"
    # … and then takes the listing, as the job does after its notices
    job.execute("UPDATE listings_listing SET updated_at = now() WHERE id = %s", [listing.pk])
    job.commit()
    job.close()
    reviewer.join(timeout=10)
    # then: no deadlock; the approval went through after the job
    assert outcome == {"approved": True}
    assert Listing.objects.get(pk=listing.pk).price == Decimal("9.00")
    assert PriceLinkageNotice.objects.get(pk=notice.pk).status == NoticeStatus.COMPLIED
    assert Declaration.objects.get(pk=declaration.pk).status == "approved"
