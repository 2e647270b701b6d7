# The production image: gunicorn serves the site (static files through whitenoise); the same image
# runs the Celery worker and beat. No asset is fetched at run time: hospital intranets are offline.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/data/media

RUN useradd --system --create-home --home-dir /app procurement && mkdir -p /data/media && chown procurement /data/media
WORKDIR /app
COPY pyproject.toml README.md ./
COPY procurement ./procurement
COPY listings ./listings
COPY negotiation ./negotiation
COPY vbp ./vbp
COPY filings ./filings
COPY settlement ./settlement
COPY supervision ./supervision
RUN pip install .
COPY . .
# collectstatic needs settings but no database or secrets of the deployment.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret-0123456789 ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput
USER procurement
EXPOSE 8000
CMD ["gunicorn", "procurement.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
