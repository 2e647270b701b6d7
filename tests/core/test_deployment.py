"""The production shape: settings safe by default, docker-compose.yml valid, a real Celery worker on Redis."""

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    unset = ("DEBUG", "TESTING", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="procurement.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="procurement.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    weak = manage("check", DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="procurement.example.gov.cn")
    assert weak.returncode != 0 and "32 characters" in weak.stderr


def test_docker_compose_describes_the_production_shape():
    compose = shutil.which("docker-compose")
    if compose is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is not installed (bin/test installs the Debian package)")
        pytest.skip("docker-compose is not installed: apt-get install -y docker-compose")
    result = subprocess.run(
        [compose, "-f", "docker-compose.yml", "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert "celery -A procurement worker" in services["worker"]["command"]
    assert "DatabaseScheduler" in services["beat"]["command"]


def test_the_beat_schedule_runs_the_nightly_jobs(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-jobs"]
    assert entry["task"] == "procurement.core.tasks.run_nightly_jobs"
    assert entry["schedule"].hour == {settings.NIGHTLY_HOUR}


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Redis on 127.0.0.1:6379 (TEST_REDIS_URL)")
        pytest.skip("no Redis: set TEST_REDIS_URL")
    return url


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_nightly_job_through_redis(redis_url):
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    import procurement.core.tasks  # noqa: F401  (registers the shared tasks)
    from procurement.core.models import JobRun, JobStatus

    # A fresh app on the real broker: the project's app may already hold a connection pool to the
    # in-memory broker the other tests use.
    app = Celery("procurement-redis-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url, task_always_eager=False, result_backend=None, task_default_queue="test-nightly"
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task("procurement.core.tasks.run_nightly_job", args=["recompute_provisional_deadlines"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not JobRun.objects.filter(status=JobStatus.SUCCEEDED).exists():
            time.sleep(0.2)
    run = JobRun.objects.get()
    assert run.status == JobStatus.SUCCEEDED
    assert run.triggered_by == "celery"
    assert run.counts == {"deadlines_recomputed": 0}
