"""Import of alliance-platform prices for "four-same" products (R-ORD-6): all rows or none, in the background.

An upload is checked at once for what is wrong with the file as a whole (its name, its size, not a
workbook nor CSV text, no header, a column missing, no data row): refused then with a 4xx and
nothing kept. Otherwise it is kept as an ``AlliancePriceImport`` and loaded by a Celery task
(eager in tests and in the demo without Redis, as the national feed's is):

1. the core's tabular reader reads and types every row, outside any transaction; every problem of
   every row — a bad cell, a text too long, the same product twice — is recorded with its row and
   column, and a file with any problem is refused whole: nothing is loaded;
2. the rows are written in batches of ``ALLIANCE_IMPORT_BATCH_ROWS``, each in its own short
   transaction: staged with COPY into a temporary table, then merged by one
   ``INSERT … ON CONFLICT`` on the four-same key (``alliance_price_once``): a product's price on a
   platform is added, or replaced when it changed; prices of products not in the file stay.

Why batches: a HIS client's pull (R-ORD-5, ``procurement.core.changes``) holds back every row written
after the oldest transaction still running. The row-by-row import this replaced held one
transaction for the whole file — 200,000 rows, 13 minutes in which every hospital's pull returned
nothing (issue 11 #5). Now a pull waits for one batch at most, and no request holds a transaction
open for an import. While an import runs, buyers may see some of its prices and not yet the
others; each price is whole. An import that stops half-way (the database, the worker) ends as
failed, saying how many rows it wrote, and may be loaded again: writing a price twice changes nothing.
"""

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.catalogue.choices import ImportStatus
from procurement.core import tabular
from procurement.core.audit import audit_reason, audit_step
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.orders.models import AlliancePrice, AlliancePriceImport, AlliancePriceImportProblem
from procurement.organisations.models import User

logger = logging.getLogger(__name__)


def _max_length(field: str) -> int:
    return AlliancePrice._meta.get_field(field).max_length


SHEET = tabular.Sheet(
    (
        tabular.Column("platform", ("联盟平台", "platform"), max_length=_max_length("platform")),
        tabular.Column("generic_name", ("通用名", "generic_name"), max_length=_max_length("generic_name")),
        tabular.Column("dosage_form", ("剂型", "dosage_form"), max_length=_max_length("dosage_form")),
        tabular.Column("specification", ("规格", "specification"), max_length=_max_length("specification")),
        tabular.Column("manufacturer_name", ("生产企业", "manufacturer"), max_length=_max_length("manufacturer_name")),
        tabular.Column("pack_quantity", ("包装数量", "pack_quantity"), tabular.positive_integer),
        tabular.Column("price", ("价格", "挂网价格", "price"), tabular.price),
        tabular.Column("effective_date", ("执行日期", "effective_date"), tabular.a_date),
    ),
    max_rows=20000,
    no_rows=gettext_lazy("The file has no price rows."),
)
# R-ORD-6: a "four-same" product on one platform, the key of an alliance price.
KEY = ("platform", "generic_name", "dosage_form", "specification", "manufacturer_name", "pack_quantity")
FIELDS = (*KEY, "price", "effective_date")
EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm")
STAGE = "alliance_price_stage"
# One alliance import writes at a time: two at once would each replace the other's prices by turns.
WRITE_LOCK = 0x414C_4C59 << 20  # "ALLY" in the high bits, apart from the feed's and the nightly jobs' keys

# Called with ("written", rows so far) inside each batch's transaction just before it commits, and
# with ("committed", rows so far) after: for tests and measurements that look at the database between.
BatchHook = Callable[[str, int], None]


def can_import_alliance_prices(user: User) -> bool:
    """Only the provincial bureau loads alliance prices."""
    return user.is_authenticated and (user.is_superuser or user.is_provincial_bureau)


def _require(user: User) -> None:
    if not can_import_alliance_prices(user):
        raise PermissionDenied(_("Only the provincial bureau imports alliance prices."), code="forbidden", field="file")


def alliance_price_import_create(*, user: User, uploaded_file: UploadedFile) -> AlliancePriceImport:
    """Check the upload as a whole, keep it and load it in the background (R-ORD-6).

    What is wrong with the file itself is refused here, with a ``DomainError`` naming it, and nothing
    is kept; the rows are checked — every one — by the load.
    """
    _require(user)
    name = uploaded_file.name or "alliance.csv"
    if not name.lower().endswith(EXTENSIONS):
        raise DomainError(
            _("The file must be a CSV or Excel (.xlsx) file, not “%(name)s”.") % {"name": name},
            code="file_type",
            field=tabular.FIELD,
            params={"name": name},
        )
    if not uploaded_file.size:
        raise DomainError(
            _("The file is empty: the first row must name the columns."), code="empty", field=tabular.FIELD
        )
    if uploaded_file.size > SHEET.max_bytes:  # refused unread
        raise DomainError(
            _("The file is larger than %(mb)d MB: send fewer rows at a time.")
            % {"mb": SHEET.max_bytes // (1024 * 1024)},
            code="too_large",
            field=tabular.FIELD,
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        uploaded_file.seek(0)
        if uploaded_file.read(4) != b"PK\x03\x04":  # every .xlsx is a zip archive
            raise DomainError(
                _("“%(name)s” is not an Excel workbook (.xlsx): save it again from Excel, or as CSV.") % {"name": name},
                code="format",
                field=tabular.FIELD,
                params={"name": name},
            )
    SHEET.check(uploaded_file)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic(), audit_reason(_("Alliance price file uploaded")):
        batch = AlliancePriceImport(original_name=name[:255], sha256=digest.hexdigest(), uploaded_by=user)
        batch.file.save(name, uploaded_file, save=False)
        batch.save()
        language = translation.get_language()
        transaction.on_commit(lambda: _schedule(batch.pk, language))
    return batch


def _schedule(batch_id: int, language: str | None) -> None:
    from procurement.orders.tasks import run_alliance_price_import

    run_alliance_price_import.delay(batch_id, language)


def import_lock_key(batch_id: int) -> int:
    """The session-level advisory lock a run holds while it loads a batch: a batch marked running whose
    lock is free has lost its worker (the lock went with its connection)."""
    return WRITE_LOCK + 1 + batch_id


def alliance_price_import_run(
    *,
    batch_id: int,
    language: str | None = None,
    batch_rows: int | None = None,
    on_batch: BatchHook | None = None,
) -> AlliancePriceImport:
    """Load a waiting import: check every row, then write them all in batches, or refuse the file.

    Whatever stops it — a bad file, a fault of the database or of the code — the import ends: loaded,
    refused with every problem of its rows, or failed with the error (and may be loaded again).
    """
    batch_rows = batch_rows or settings.ALLIANCE_IMPORT_BATCH_ROWS
    lock = import_lock_key(batch_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock])
        if not cursor.fetchone()[0]:
            return AlliancePriceImport.objects.get(pk=batch_id)  # another worker is loading it
    try:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])  # waits, holding no transaction
        except Exception as error:  # a statement timeout while another import writes, a lost connection
            logger.exception("alliance price import %s could not start", batch_id)
            return _stopped(batch_id, f"{type(error).__name__}: {error}")
        try:
            return _run(batch_id, language, batch_rows, on_batch)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])


def _run(batch_id: int, language: str | None, batch_rows: int, on_batch: BatchHook | None) -> AlliancePriceImport:
    # Every transaction of a run is durable: it commits when it ends, and refuses to be nested in a
    # caller's transaction, which would hold every batch until the caller commits (issue 11 #5).
    with transaction.atomic(durable=True), audit_reason(_("Alliance price import started")):
        batch = AlliancePriceImport.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportStatus.PENDING:
            return batch  # already loaded (a redelivered task)
        batch.status, batch.started_at = ImportStatus.RUNNING, timezone.now()
        batch.rows_written = batch.rows_added = batch.rows_replaced = 0
        batch.save(update_fields=["status", "started_at", "rows_written", "rows_added", "rows_replaced"])
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            try:
                with batch.file.open("rb") as stream:
                    rows = checked_rows(stream)
            except DomainError as error:
                return _refused(batch, error.problems)
            _write(batch, rows, batch_rows, on_batch)
        except Exception as error:  # anything but the file's own problems: end it, say why, allow a retry
            logger.exception("alliance price import %s failed", batch_id)
            return _stopped(batch_id, f"{type(error).__name__}: {error}")
    with transaction.atomic(durable=True), audit_reason(_("Alliance prices imported")):
        batch = AlliancePriceImport.objects.select_for_update().get(pk=batch_id)
        batch.status, batch.finished_at = ImportStatus.SUCCEEDED, timezone.now()
        batch.message = _(
            "%(total)d rows loaded: %(added)d prices added, %(replaced)d replaced, %(unchanged)d unchanged."
        ) % {
            "total": batch.rows_written,
            "added": batch.rows_added,
            "replaced": batch.rows_replaced,
            "unchanged": batch.rows_unchanged,
        }
        batch.save(update_fields=["status", "finished_at", "message"])
    return batch


def checked_rows(stream) -> list[tabular.Row]:
    """Every row of the file, typed; ``DomainError`` with every problem of every row if any is wrong."""
    table = SHEET.read(stream)
    seen: dict[tuple, int] = {}
    for row in table.rows:
        if not row.ok:
            continue
        key = tuple(row[field] for field in KEY)
        if key in seen:  # the second price of one product would silently replace the first
            table.problem(
                row,
                "generic_name",
                _("The same product is already in row %(row)d.") % {"row": seen[key]},
                code="duplicate",
                rule="R-ORD-6",
                params={"first_row": seen[key]},
            )
        seen.setdefault(key, row.number)
    table.raise_problems()
    return table.rows


def _write(batch: AlliancePriceImport, rows: list[tabular.Row], batch_rows: int, on_batch: BatchHook | None) -> None:
    """Write the checked rows, ``batch_rows`` in each short transaction, counting what each changed."""
    AlliancePriceImport.objects.filter(pk=batch.pk).update(rows_total=len(rows))
    table = AlliancePrice._meta.db_table
    columns = ", ".join(FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"""CREATE TEMP TABLE {STAGE} (platform text, generic_name text, dosage_form text, specification text,
                manufacturer_name text, pack_quantity integer, price numeric, effective_date date)"""
        )
    written = 0
    try:
        for start in range(0, len(rows), batch_rows):
            chunk = rows[start : start + batch_rows]
            with (
                transaction.atomic(durable=True),
                audit_step(
                    reason=_("Alliance prices imported"), alliance_import=batch.pk, uploaded_by=batch.uploaded_by_id
                ),
                connection.cursor() as cursor,
            ):
                cursor.execute(f"DELETE FROM {STAGE}")
                with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row([row[field] for field in FIELDS])
                # R-ORD-6: one price per four-same product and platform — added, or replaced when it
                # changed (an unchanged price is left alone: no write, no audit event). ``xmax = 0``
                # marks a row this statement inserted rather than updated.
                cursor.execute(
                    f"""INSERT INTO {table} AS a ({columns}, imported_by_id, imported_at)
                        SELECT {columns}, %s, now() FROM {STAGE}
                        ON CONFLICT ON CONSTRAINT alliance_price_once DO UPDATE
                        SET price = EXCLUDED.price, effective_date = EXCLUDED.effective_date,
                            imported_by_id = EXCLUDED.imported_by_id, imported_at = EXCLUDED.imported_at
                        WHERE (a.price, a.effective_date) IS DISTINCT FROM (EXCLUDED.price, EXCLUDED.effective_date)
                        RETURNING (xmax = 0)""",
                    [batch.uploaded_by_id],
                )
                changed = [inserted for (inserted,) in cursor.fetchall()]
                added = sum(changed)
                written += len(chunk)
                cursor.execute(
                    f"""UPDATE {AlliancePriceImport._meta.db_table}
                        SET rows_written = %s, rows_added = rows_added + %s, rows_replaced = rows_replaced + %s
                        WHERE id = %s""",
                    [written, added, len(changed) - added, batch.pk],
                )
                if on_batch:
                    on_batch("written", written)
            if on_batch:
                on_batch("committed", written)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _refused(batch: AlliancePriceImport, problems: list) -> AlliancePriceImport:
    """End the import as refused, recording every problem (in short transactions: there may be many)."""
    records = [
        AlliancePriceImportProblem(
            batch=batch,
            row=problem.params.get("row"),
            column=str(problem.params.get("column") or "")[:100],
            value=str(problem.params.get("value") or "")[:200],
            message=str(problem.message)[:500],
            code=(problem.code or "")[:40],
            rule=(problem.rule or "")[:20],
        )
        for problem in problems
    ]
    for start in range(0, len(records), 5000):
        with transaction.atomic(durable=True):
            AlliancePriceImportProblem.objects.bulk_create(records[start : start + 5000])
    with transaction.atomic(durable=True), audit_reason(_("Alliance price file refused")):
        batch = AlliancePriceImport.objects.select_for_update().get(pk=batch.pk)
        batch.status, batch.finished_at = ImportStatus.FAILED, timezone.now()
        batch.error_count = len({record.row for record in records if record.row})
        batch.message = (
            _("Refused: %(problem)s No price was changed.") % {"problem": records[0].message}
            if len(records) == 1
            else _("Refused: the file has %(n)d problems, listed by row and column. No price was changed.")
            % {"n": len(records)}
        )
        batch.save(update_fields=["status", "finished_at", "error_count", "message"])
    return batch


def _stopped(batch_id: int, why: str) -> AlliancePriceImport:
    with transaction.atomic(durable=True), audit_reason(_("Alliance price import stopped")):
        batch = AlliancePriceImport.objects.select_for_update().get(pk=batch_id)
        batch.status, batch.finished_at, batch.error_count = ImportStatus.FAILED, timezone.now(), 0
        if batch.rows_written:
            batch.message = _(
                "The import stopped after %(written)d of %(total)d rows: %(why)s. The rows written have their new "
                "prices; load it again to write the rest."
            ) % {"written": batch.rows_written, "total": batch.rows_total, "why": why[:500]}
        else:
            batch.message = _(
                "The import stopped before it finished: %(why)s. No price was changed; it may be loaded again."
            ) % {"why": why[:500]}
        batch.save(update_fields=["status", "finished_at", "error_count", "message"])
    return batch


def alliance_price_imports_reap() -> int:
    """End, as failed, every import marked running whose worker no longer holds its lock (it died)."""
    ended = 0
    for batch_id in AlliancePriceImport.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
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


def can_retry(batch: AlliancePriceImport) -> bool:
    """An import that stopped for a reason other than its file (no problem of its rows) may run again."""
    return batch.status == ImportStatus.FAILED and batch.error_count == 0 and not batch.problems.exists()


def alliance_price_import_retry(*, user: User, batch_id: int) -> AlliancePriceImport:
    """Load a stopped import again, from its kept file (rows already written are written again unchanged)."""
    _require(user)
    with transaction.atomic(), audit_reason(_("Alliance price import retried")):
        batch = AlliancePriceImport.objects.select_for_update().get(pk=batch_id)
        if not can_retry(batch):
            raise Conflict(
                _(
                    "Only an import that stopped for a reason other than its file can be loaded again; correct the "
                    "file and upload it again."
                ),
                code="not_retryable",
            )
        batch.status, batch.started_at, batch.finished_at, batch.message = ImportStatus.PENDING, None, None, ""
        batch.save(update_fields=["status", "started_at", "finished_at", "message"])
        language = translation.get_language()
        transaction.on_commit(lambda: _schedule(batch.pk, language))
    return batch
