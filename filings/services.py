"""Filed purchases (R-FIL-1 … R-FIL-3): filing, and the bureau's monthly confirmation batch.

Every write runs in one transaction under the audit context, and changes nothing when it refuses.
The rules themselves are in ``filings.rules``; the nightly watch (R-FIL-4, R-FIL-5) in ``filings.jobs``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filings import rules
from filings.choices import FILING_TRANSITIONS, FilingBasis, FilingStatus
from filings.models import Filing, FilingBatch, FilingDocument
from procurement.catalogue.models import Product
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied, Problem
from procurement.core.files import check_document
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import AMOUNT_PLACES, check_price, round_money
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import User

MAX_DOCUMENTS = 10


def can_file(user: User) -> bool:
    """A hospital's buyer, administrator or HIS files for the hospital."""
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(
        Role.HOSPITAL_BUYER, Role.ORG_ADMIN, Role.HIS_CLIENT
    )


def can_confirm(user: User) -> bool:
    """R-FIL-3: the provincial bureau's reviewers confirm the monthly batch."""
    return user.is_superuser or (user.is_provincial_bureau and user.has_role(Role.BUREAU_REVIEWER, Role.ORG_ADMIN))


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class FilingRequest:
    product: Product
    basis: str
    reason: str
    quantity: int
    months: int
    price: Decimal | str
    documents: list = field(default_factory=list)


def _check_request(request: FilingRequest) -> tuple[Decimal, list[Problem]]:
    """The form of a filing (each problem named by its field); the rules come after."""
    problems: list[Problem] = []
    price = None
    if request.price in (None, ""):
        problems.append(Problem("required", _("Give the filed price per pack."), field="price"))
    else:
        try:
            price = check_price(request.price, field="price", places=AMOUNT_PLACES)
        except DomainError as error:
            problems.extend(error.problems)
    if request.basis not in FilingBasis.values:
        problems.append(
            Problem(
                "invalid",
                _("The basis is one of: %(bases)s.") % {"bases": ", ".join(FilingBasis.values)},
                field="basis",
            )
        )
    if not (request.reason or "").strip():
        problems.append(
            Problem("required", _("Say why the product is clinically needed."), field="reason", rule="R-FIL-1")
        )
    elif len(request.reason) > REASON_MAX_LENGTH:
        problems.append(
            Problem(
                "max_length",
                _("At most %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
                field="reason",
            )
        )
    if isinstance(request.quantity, bool) or not isinstance(request.quantity, int) or not request.quantity >= 1:
        problems.append(
            Problem("invalid", _("The expected quantity is a whole number of packs above zero."), field="quantity")
        )
    elif request.quantity > 10_000_000:
        problems.append(Problem("invalid", _("The expected quantity is at most 10,000,000 packs."), field="quantity"))
    longest = policy("FILING_MAX_MONTHS")
    if isinstance(request.months, bool) or not isinstance(request.months, int) or not 1 <= request.months <= longest:
        problems.append(
            Problem("invalid", _("A filing covers 1 to %(n)d months.") % {"n": longest}, field="months", rule="R-FIL-3")
        )
    if not request.documents:
        problems.append(
            Problem(
                "required",
                _("Attach the supporting documents (the clinical need, an approval): a PDF or an image."),
                field="documents",
                rule="R-FIL-1",
            )
        )
    elif len(request.documents) > MAX_DOCUMENTS:
        problems.append(Problem("invalid", _("At most %(n)d documents.") % {"n": MAX_DOCUMENTS}, field="documents"))
    else:
        for upload in request.documents:
            try:
                check_document(upload, field="documents")
            except DomainError as error:
                problems.extend(error.problems)
    return price, problems


def filing_submit(*, actor: User, request: FilingRequest) -> Filing:
    """事前备案 (R-FIL-1, R-FIL-2): a hospital of level 2 or above files for a product no listing covers,
    at a price at most its national lowest; it waits for the month's confirmation batch (R-FIL-3)."""
    if not can_file(actor):
        raise PermissionDenied(_("Only a hospital's buyer, administrator or HIS files a purchase."), code="forbidden")
    hospital = actor.organisation
    today = timezone.localdate()
    rules.check_hospital(hospital)
    price, problems = _check_request(request)
    if problems:
        raise DomainError(problems=problems)
    checked = rules.check_eligible(hospital, request.product, request.basis, today)
    lowest = rules.check_cap(request.product, price)
    checked["national_lowest"] = (
        {"price": str(lowest.price), "province": lowest.province, "effective_date": lowest.effective_date.isoformat()}
        if lowest
        else None
    )
    with transaction.atomic(), audit_reason(_("Purchase filed")):
        in_force = (
            Filing.objects.filter(
                hospital=hospital, product=request.product, status=FilingStatus.APPROVED, valid_until__gte=today
            )
            .order_by("-valid_until")
            .first()
        )
        if in_force is not None:
            raise Conflict(
                _("Your hospital's filing of this product is in force until %(until)s.")
                % {"until": in_force.valid_until.isoformat()},
                code="already_filed",
                field="product",
                rule="R-FIL-3",
            )
        try:
            with transaction.atomic():
                filing = Filing.objects.create(
                    hospital=hospital,
                    product=request.product,
                    basis=request.basis,
                    reason=request.reason.strip(),
                    quantity=request.quantity,
                    months=request.months,
                    price=price,
                    amount=round_money(price * request.quantity),
                    national_lowest=lowest.price if lowest else None,
                    national_lowest_province=lowest.province if lowest else "",
                    national_lowest_date=lowest.effective_date if lowest else None,
                    checked=checked,
                    submitted_by=actor,
                )
        except IntegrityError:
            raise Conflict(
                _("A filing of this product by your hospital already awaits the monthly confirmation."),
                code="already_pending",
                field="product",
                rule="R-FIL-3",
            ) from None
        for upload in request.documents:
            FilingDocument.objects.create(
                filing=filing, file=upload, name=(getattr(upload, "name", "") or "document").rsplit("/", 1)[-1][:200]
            )
    return filing


# -- the monthly confirmation batch (R-FIL-3) ---------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    filing_id: int
    approve: bool
    reason: str = ""


def pending_filings(actor: User):
    """The filings waiting for the bureau's confirmation, oldest first."""
    return (
        visible_to(actor, Filing)
        .filter(status=FilingStatus.SUBMITTED)
        .select_related("hospital", "product__manufacturer", "submitted_by")
        .order_by("submitted_at", "id")
    )


def _decide(actor: User, filing: Filing, decision: Decision, batch: FilingBatch, today: date) -> None:
    target = FilingStatus.APPROVED if decision.approve else FilingStatus.REJECTED
    if target not in FILING_TRANSITIONS[filing.status]:
        raise Conflict(
            _("This filing is already decided (%(status)s).") % {"status": filing.get_status_display()},
            code="already_decided",
        )
    # R-FIL-3 (as R-LIST-9): nobody decides on their own organisation's filing, nor one they filed.
    if actor.organisation_id == filing.hospital_id or actor.pk == filing.submitted_by_id:
        raise PermissionDenied(
            _("Nobody decides on a filing of their own organisation or one they filed (R-FIL-3)."),
            code="own_filing",
            rule="R-FIL-3",
        )
    reason = (decision.reason or "").strip()
    if decision.approve:
        # Checked again: a listing or a lower national price may have come since it was filed.
        rules.check_eligible(filing.hospital, filing.product, filing.basis, today)
        rules.check_cap(filing.product, filing.price)
        filing.valid_from = today
        filing.valid_until = today + relativedelta(months=filing.months) - relativedelta(days=1)
    else:
        if not reason:
            raise DomainError(
                _("Give the reason of the rejection: the hospital reads it."),
                code="required",
                field="reason",
                rule="R-FIL-3",
            )
    filing.status = target
    filing.batch = batch
    filing.decided_by, filing.decided_at, filing.decision_reason = actor, timezone.now(), reason
    filing.save(
        update_fields=["status", "valid_from", "valid_until", "batch", "decided_by", "decided_at", "decision_reason"]
    )


def filing_batch_confirm(*, actor: User, decisions: list[Decision], note: str = "") -> FilingBatch:
    """R-FIL-3: the provincial bureau confirms the month's filings in one batch — each approved or rejected
    with a reason — all or nothing, every problem named by its filing. Filings left undecided wait for the
    next month's batch. A confirmed filing is in force from today for its months."""
    if not can_confirm(actor):
        raise PermissionDenied(
            _("Only a reviewer of the provincial bureau confirms the filings."), code="forbidden", rule="R-FIL-3"
        )
    if not decisions:
        raise DomainError(_("Decide at least one filing."), code="required", field="decisions")
    today = timezone.localdate()
    month = month_of(today)
    problems: list[Problem] = []
    seen: set[int] = set()
    for index, decision in enumerate(decisions):
        if decision.filing_id in seen:
            problems.append(
                Problem("duplicate", _("This filing is decided twice."), field=f"decisions[{index}].filing")
            )
        seen.add(decision.filing_id)
    if problems:
        raise DomainError(problems=problems)
    with transaction.atomic(), audit_reason(note or _("Monthly filing batch confirmed")):
        try:
            with transaction.atomic():
                batch = FilingBatch.objects.create(month=month, confirmed_by=actor)
        except IntegrityError:
            done = FilingBatch.objects.get(month=month)
            raise Conflict(
                _(
                    "The batch of %(month)s was confirmed on %(at)s; filings waiting now go into next month's batch "
                    "(R-FIL-3)."
                )
                % {"month": f"{month:%Y-%m}", "at": timezone.localtime(done.confirmed_at).strftime("%Y-%m-%d %H:%M")},
                code="batch_confirmed",
                rule="R-FIL-3",
            ) from None
        # Lock order: filings by primary key.
        filings = {
            filing.pk: filing
            for filing in visible_to(actor, Filing)
            .select_for_update(of=("self",))
            .select_related("hospital", "product__manufacturer")
            .filter(pk__in=sorted(seen))
            .order_by("pk")
        }
        approved = rejected = 0
        for index, decision in enumerate(decisions):
            filing = filings.get(decision.filing_id)
            where = f"decisions[{index}]"
            if filing is None:
                problems.append(Problem("not_found", _("No such filing."), field=f"{where}.filing"))
                continue
            try:
                with transaction.atomic():
                    _decide(actor, filing, decision, batch, today)
            except DomainError as error:
                for problem in error.problems:
                    problems.append(
                        Problem(
                            problem.code,
                            _("Filing #%(id)d (%(hospital)s, %(product)s): %(message)s")
                            % {
                                "id": filing.pk,
                                "hospital": filing.hospital.name,
                                "product": filing.product.generic_name,
                                "message": problem.message,
                            },
                            field=f"{where}.{problem.field or 'filing'}",
                            rule=problem.rule,
                            params={"filing": filing.pk, **problem.params},
                        )
                    )
                continue
            if decision.approve:
                approved += 1
            else:
                rejected += 1
        if problems:
            raise DomainError(problems=problems)  # the whole batch rolls back
        batch.approved, batch.rejected = approved, rejected
        batch.save(update_fields=["approved", "rejected"])
    return batch
