"""Writes to the catalogue and the national price feed."""

import hashlib
import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from procurement.catalogue import feed
from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.models import NationalPriceImport, NationalPriceImportError
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.organisations.choices import Role
from procurement.organisations.models import User

FEED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm")
# A national feed file of 1.8 million rows is about 90 MB as CSV: four times that is refused unread.
FEED_MAX_BYTES = 400 * 1024 * 1024

logger = logging.getLogger(__name__)


def can_import_national_prices(user: User) -> bool:
    """Only the provincial bureau loads the national feed."""
    return user.is_superuser or (
        user.is_provincial_bureau and user.has_role(Role.ORG_ADMIN, Role.BUREAU_REVIEWER, Role.BUREAU_SUPERVISOR)
    )


def national_price_import_create(*, user: User, uploaded_file: UploadedFile) -> NationalPriceImport:
    """Keep the file, record the batch and load it in the background (Celery)."""
    if not can_import_national_prices(user):
        raise PermissionDenied(
            _("Only the provincial bureau may load the national price feed."), code="forbidden", field="file"
        )
    name = uploaded_file.name or "feed.csv"
    if not name.lower().endswith(FEED_EXTENSIONS):
        raise DomainError(
            _("The feed must be a CSV or Excel (.xlsx) file."),
            code="file_type",
            field="file",
            params={"name": name},
        )
    if (uploaded_file.size or 0) > FEED_MAX_BYTES:
        raise DomainError(
            _("The feed file is larger than %(mb)d MB: split it by province.")
            % {"mb": FEED_MAX_BYTES // (1024 * 1024)},
            code="too_large",
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic(), audit_reason(_("National price file uploaded")):
        batch = NationalPriceImport(original_name=name, sha256=digest.hexdigest(), uploaded_by=user)
        batch.file.save(name, uploaded_file, save=False)
        batch.save()
        language = translation.get_language()
        transaction.on_commit(lambda: _schedule_import(batch.pk, language))
    return batch


def _schedule_import(batch_id: int, language: str) -> None:
    from procurement.catalogue.tasks import run_national_price_import

    run_national_price_import.delay(batch_id, language)


def import_lock_key(batch_id: int) -> int:
    """The session-level advisory lock a run holds while it loads a batch: a batch marked running whose
    lock is free has lost its worker (the lock went with its connection)."""
    return (0x4645_4544 << 20) + batch_id  # "FEED" in the high bits, apart from the nightly jobs' keys


def national_price_import_run(*, batch_id: int, language: str | None = None) -> NationalPriceImport:
    """Load a waiting batch: all rows or none; the batch records the counts or every bad row.

    Whatever stops the load — a bad file, a fault of the database or of the code — the batch ends:
    loaded, refused with its rows' problems, or failed with the error (and may be retried). While it
    loads, the run holds the batch's advisory lock, so a batch left running by a worker that died is
    recognised and ended (``national_price_imports_reap``).
    """
    lock = import_lock_key(batch_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock])
        if not cursor.fetchone()[0]:
            return NationalPriceImport.objects.get(pk=batch_id)  # another worker is loading it
    try:
        with transaction.atomic():
            batch = NationalPriceImport.objects.select_for_update().get(pk=batch_id)
            if batch.status != ImportStatus.PENDING:
                return batch  # already loaded (a redelivered task): loading twice would be harmless but wasteful
            batch.status = ImportStatus.RUNNING
            batch.started_at = timezone.now()
            batch.save(update_fields=["status", "started_at"])
        try:
            with (
                translation.override(language or settings.LANGUAGE_CODE),
                transaction.atomic(),
                audit_reason(_("National price file loaded")),
            ):
                batch = NationalPriceImport.objects.select_for_update().get(pk=batch_id)
                with batch.file.open("rb") as stream:
                    try:
                        result = feed.load_feed(stream, file_name=batch.original_name, batch_id=batch.pk)
                    except feed.FeedFileError as error:
                        result = feed.LoadResult(problems=error.problems)
                _record(batch, result)
        except Exception as error:  # anything but the file's own problems: end it, say why, allow a retry
            logger.exception("national price import %s failed", batch_id)
            return _stopped(batch_id, f"{type(error).__name__}: {error}")
        return batch
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])


def _stopped(batch_id: int, why: str) -> NationalPriceImport:
    with transaction.atomic(), audit_reason(_("National price import stopped")):
        batch = NationalPriceImport.objects.select_for_update().get(pk=batch_id)
        batch.status, batch.finished_at = ImportStatus.FAILED, timezone.now()
        batch.error_count = 0
        batch.message = _(
            "The import stopped before it finished: %(why)s. No price was changed; it may be retried."
        ) % {"why": why[:500]}
        batch.save(update_fields=["status", "finished_at", "error_count", "message"])
    return batch


def national_price_imports_reap() -> int:
    """End, as failed, every batch marked running whose worker no longer holds its lock (it died)."""
    ended = 0
    for batch_id in NationalPriceImport.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [import_lock_key(batch_id)])
            if not cursor.fetchone()[0]:
                continue  # still loading
            try:
                _stopped(batch_id, _("the loading process ended without finishing"))
                ended += 1
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [import_lock_key(batch_id)])
    return ended


def can_retry(batch: NationalPriceImport) -> bool:
    """A batch that stopped for a reason other than its file (no row of it was refused) may run again."""
    return batch.status == ImportStatus.FAILED and batch.error_count == 0 and not batch.errors.exists()


def national_price_import_retry(*, user: User, batch_id: int) -> NationalPriceImport:
    """Load a stopped batch again, from its kept file."""
    if not can_import_national_prices(user):
        raise PermissionDenied(_("Only the provincial bureau may load the national price feed."), code="forbidden")
    with transaction.atomic(), audit_reason(_("National price import retried")):
        batch = NationalPriceImport.objects.select_for_update().get(pk=batch_id)
        if not can_retry(batch):
            raise Conflict(
                _(
                    "Only an import that stopped for a reason other than its file can be retried; correct the file and load it again."
                ),
                code="not_retryable",
            )
        batch.status, batch.started_at, batch.finished_at, batch.message = ImportStatus.PENDING, None, None, ""
        batch.save(update_fields=["status", "started_at", "finished_at", "message"])
        language = translation.get_language()
        transaction.on_commit(lambda: _schedule_import(batch.pk, language))
    return batch


def _record(batch: NationalPriceImport, result: feed.LoadResult) -> None:
    batch.finished_at = timezone.now()
    batch.rows_total = result.rows_total
    batch.error_count = len({problem.row for problem in result.problems})
    if result.ok:
        batch.status = ImportStatus.SUCCEEDED
        batch.provinces = result.provinces
        batch.rows_replaced = result.rows_replaced
        batch.message = _(
            "%(total)d prices of %(provinces)d provinces loaded, replacing the %(replaced)d prices these provinces had."
        ) % {"total": result.rows_total, "provinces": len(result.provinces), "replaced": result.rows_replaced}
    else:
        batch.status = ImportStatus.FAILED
        batch.message = _("Refused: %(rows)d rows have problems. No price was changed.") % {"rows": batch.error_count}
        NationalPriceImportError.objects.bulk_create(
            [
                NationalPriceImportError(
                    batch=batch,
                    row=problem.row,
                    column=problem.column[:50],
                    value=problem.value[:200],
                    reason=problem.reason[:300],
                )
                for problem in result.problems
            ],
            batch_size=5000,
        )
    batch.save()
