"""Starts what `make run` starts — the Procfile's web, worker and beat — and asks /healthz."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_commands() -> dict[str, str]:
    commands = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            # The Procfile names the project's .venv; run the interpreter running these tests.
            commands[name.strip()] = command.strip().replace(".venv/bin/", f"{VENV_BIN}/")
    return commands


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def run_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="integration-test-secret-key-0123456789-abcdefghij",
        DEBUG="true",
        VAR_DIR=str(tmp_path / "var"),
        HEARTBEAT_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    for command in (["migrate", "--no-input", "-v", "0"], ["install_schedule"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, check=True, timeout=300)
    return env


@pytest.mark.integration
def test_web_worker_and_beat_start_and_report_healthy(run_env, tmp_path):
    port = free_port()
    env = {**run_env, "HOST": "127.0.0.1", "PORT": str(port)}
    processes = {}
    logs = {}
    try:
        for name, command in procfile_commands().items():
            logs[name] = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed in finally
            processes[name] = subprocess.Popen(
                ["bash", "-c", f"exec {command}"],
                cwd=REPO,
                env=env,
                stdout=logs[name],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert set(processes) == {"web", "worker", "beat"}

        deadline = time.monotonic() + 120
        status, report = 0, {}
        while time.monotonic() < deadline:
            for name, process in processes.items():
                assert process.poll() is None, (
                    f"{name} exited:\n{(tmp_path / f'{name}.log').read_text()[-3000:]}"
                )
            try:
                status, report = get_json(f"http://127.0.0.1:{port}/healthz")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status, report = 0, {}
            if status == 200 and report.get("worker", {}).get("ok"):
                break
            time.sleep(1)

        assert status == 200, report
        assert report["database"]["ok"]
        assert report["channel_layer"]["ok"]
        assert report["broker"]["ok"]
        # Beat scheduled the heartbeat and a worker ran it.
        assert report["worker"]["ok"], report

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as page:
            assert page.status == 200
    finally:
        # Like honcho on Ctrl-C: TERM to each main process, which stops its own children.
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                pytest.fail(f"{name} did not stop on SIGTERM")
        for log in logs.values():
            log.close()
