"""The provincial drug procurement platform: project settings, URLs, the Celery app and the shared core."""

from procurement.celery import app as celery_app

__all__ = ("celery_app",)
