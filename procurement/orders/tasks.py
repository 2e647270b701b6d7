"""Celery tasks of ordering: thin wrappers over services (STYLE.md §1)."""

from celery import shared_task

from procurement.orders import alliance


@shared_task(acks_late=True)
def run_alliance_price_import(batch_id: int, language: str | None = None) -> str:
    batch = alliance.alliance_price_import_run(batch_id=batch_id, language=language)
    return batch.status
