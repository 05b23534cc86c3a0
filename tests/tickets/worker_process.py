"""A real Celery worker process for the integration tests, and publishing tasks to it.

The worker is ``celery --app helpdesk worker`` started as a subprocess on a queue of its own
(so no other worker on the same broker takes the tasks), against the Redis broker and the test
database (``process_database_url``). This test process runs tasks eagerly (test settings):
``send_to_worker`` publishes one task by name, and ``tasks_published_to`` sends the tasks the
code under test queues itself (``.delay()`` on commit) to the worker instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import AlwaysEagerIgnored

from helpdesk.celery import app as celery_app

REPO = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_REASON = (
    "REDIS_URL is not set: a worker process reaches open pages only through the Redis channel layer "
    "and broker (CI sets it)"
)


@contextmanager
def celery_worker(
    *, database_url: str, directory: Path, env: dict[str, str] | None = None, start_timeout: float = 90
) -> Iterator[dict]:
    """Start a worker; yield ``{"queue", "mail", "log"}``; stop it (TERM, then KILL)."""
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    environment = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="integration-test-secret-key-0123456789-abcdefghij",
        DEBUG="true",
        VAR_DIR=str(directory / "var"),
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    environment.update(env or {})
    log_path = directory / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "--app",
                "helpdesk",
                "worker",
                "--queues",
                queue,
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + start_timeout
        while "ready." not in log_path.read_text(errors="replace"):
            assert process.poll() is None, f"the worker exited:\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.2)
        yield {"queue": queue, "mail": directory / "var" / "mail", "log": log_path}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def send_to_worker(worker: dict, task: str, *args: object) -> None:
    """Publish a task on the real broker (this test process itself runs tasks eagerly)."""
    with warnings.catch_warnings(), celery_app.connection_for_write(REDIS_URL) as connection:
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # publishing is the point here
        celery_app.send_task(task, args=list(args), queue=worker["queue"], connection=connection)


@contextmanager
def tasks_published_to(worker: dict) -> Iterator[None]:
    """Within the block, ``task.delay()`` publishes to the worker's queue on Redis instead of
    running in this process: the pipeline queues its tasks exactly as in production."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)

    def forget_connections() -> None:
        # The producer pool is built once from the broker URL (memory:// in the test settings).
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, REDIS_URL, worker["queue"]
    forget_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved
        forget_connections()
