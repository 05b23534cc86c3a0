"""What every browser test shares: the ASGI server as a subprocess on the test database, Debian's
Chromium driven by Playwright, signed-in browser contexts, and the artefacts a run leaves behind.

Artefacts: each test writes numbered screenshots of its steps to ``var/e2e/<test name>/`` (CI keeps
that folder); when a test fails, each of its browser contexts saves a Playwright trace there too
(``.venv/bin/playwright show-trace var/e2e/<test name>/trace-1.zip``) along with the server's log.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections

REPO = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "var" / "e2e"
PASSWORD = "correct horse battery staple"
SERVER_SECRET_KEY = "browser-test-secret-key-0123456789-abcdefghijklmnop"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Every test here starts processes and needs the browser: mark them, and skip with the reason."""
    here = Path(__file__).parent
    missing = None
    if not CHROMIUM.exists():
        missing = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install '.[dev]')"
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.integration)
        if missing:
            item.add_marker(pytest.mark.skip(reason=missing))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "daphne"),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "helpdesk.asgi:application",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, f"daphne exited:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"daphne did not answer:\n{self.log.read_text()[-3000:]}"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def post_email(self, mailbox, raw: bytes) -> dict:
        request = urllib.request.Request(
            f"{self.url}/inbound/email/{mailbox.inbound_token}/",
            data=raw,
            headers={"Content-Type": "message/rfc822"},
            method="POST",
        )
        # This server runs Celery tasks in the request (no worker), so the first message pays for
        # loading the triage models: seconds on an idle machine, more on a busy CI runner.
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 202
            return json.load(response)


def server_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY=SERVER_SECRET_KEY,
        DEBUG="true",
        VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONUNBUFFERED="1",
    )
    if env.get("REDIS_URL"):
        env["CELERY_BROKER_URL"] = env["REDIS_URL"]  # eager: nothing is published, but it must parse
    env.update(extra)
    return env


@pytest.fixture
def start_server(process_database_url, tmp_path, request) -> Iterator[Callable[..., Server]]:
    """Starts daphne on the test database; keyword arguments are extra environment settings."""
    started: list[Server] = []

    def start(**extra: str) -> Server:
        port = free_port()
        server = Server(
            url=f"http://127.0.0.1:{port}",
            port=port,
            env=server_env(process_database_url, tmp_path / "var", **extra),
            log=tmp_path / f"daphne-{port}.log",
        )
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        if getattr(request.node, "e2e_failed", False):
            folder = ARTIFACTS / request.node.name
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log, folder / server.log.name)


@pytest.fixture
def server(start_server) -> Server:
    return start_server()


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # plain blocking calls all the same (pytest-playwright's advice for Django).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Recorder:
    """Browser contexts that are traced, numbered screenshots of a test's steps, and the traces
    of a failed test, all in the test's own folder."""

    browser: Any
    folder: Path
    contexts: list[Any] = field(default_factory=list)
    count: int = 0
    started: float = field(default_factory=time.monotonic)

    def context(self, **options: Any):
        options.setdefault("viewport", {"width": 1400, "height": 1000})
        options.setdefault("locale", "en-US")
        context = self.browser.new_context(**options)
        context.tracing.start(screenshots=True, snapshots=True)
        self.contexts.append(context)
        return context

    def page(self, **options: Any):
        page = self.context(**options).new_page()
        page.set_default_timeout(20_000)
        return page

    def shot(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)
        print(f"{time.monotonic() - self.started:6.1f} s  step {self.count}: {name}")

    def finish(self, failed: bool) -> None:
        for number, context in enumerate(self.contexts, start=1):
            with contextlib.suppress(Exception):  # a context the test closed has no trace left to save
                if failed:
                    context.tracing.stop(path=self.folder / f"trace-{number}.zip")
                else:
                    context.tracing.stop()
            with contextlib.suppress(Exception):
                context.close()


@pytest.fixture
def recorder(browser, request) -> Iterator[Recorder]:
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    recorder = Recorder(browser=browser, folder=folder)
    yield recorder
    recorder.finish(failed=getattr(request.node, "e2e_failed", False))


def browser_password(*users) -> None:
    """Give users PASSWORD, hashed with the server's hasher: the test settings' fast MD5 one is
    unknown to it."""
    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


def log_in(recorder: Recorder, server: Server, user, *, landing: str | None = r"/inbox/", **options: Any):
    """A page in a new traced context, signed in as ``user``, on the landing page."""
    page = recorder.page(**options)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if landing:
        page.wait_for_url(re.compile(landing))
    else:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def in_another_process(function, **kwargs):
    """Run a service as another process (a worker) would: off Playwright's event-loop thread,
    on its own database connection, so its on-commit broadcast runs as it would there."""

    def call():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()
