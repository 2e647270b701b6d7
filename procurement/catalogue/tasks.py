"""Celery tasks of the catalogue: thin wrappers over services (STYLE.md §1)."""

from celery import shared_task

from procurement.catalogue import services


@shared_task(acks_late=True)
def run_national_price_import(batch_id: int, language: str | None = None) -> str:
    batch = services.national_price_import_run(batch_id=batch_id, language=language)
    return batch.status
