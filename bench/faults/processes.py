"""Process faults under steady inbound traffic: nothing lost, nothing duplicated (issue 10).

Each scenario starts the production stack of ``bench/peak.py`` (daphne, two Celery workers, beat)
on a PostgreSQL cluster and a Redis server of its own (port 5441 and 6391: the shared ones serve
other people's tests and are never restarted), sends a steady stream of signed inbound messages
from every channel, injects its faults in the middle, keeps sending, waits for the triage backlog
to drain, then checks:

- every message sent is stored exactly once (by external id) and none waits for triage;
- no side effect twice: one ``created`` / ``auto_answered`` / ``team`` / ``escalated`` /
  ``claim_flagged`` event per ticket at most, no two outbound messages with one body on a ticket;
- the HTTP statuses seen: no 500, no 4xx; a 502/503/504 or a refused connection during an outage
  only if the sender's retry then succeeded (the sender retries 5xx and connection errors with
  backoff, as platforms and mail servers do);
- no process of the stack exits on its own (web and workers recover without a restart; one that
  exits is started again, as systemd would, so the other checks still hold, and the scenario
  fails), and the time
  from each fault until inbound requests succeed again and until everything that arrived before
  the fault ended is triaged.

Scenarios:

- ``worker-kill``: ``kill -9`` a prefork pool child while it runs ``tickets.tasks.message_triage``
  (twice), then the whole of one worker (main process and children), which a supervisor restarts:
  the tasks it had reserved stay unacked in Redis until the broker's visibility timeout (1 h), and
  beat's ``triage_pending_requeue`` sweep is what triages them;
- ``redis-restart``: stop the Redis server while a worker runs message_triage and start it again
  8 s later (no persistence: broker queue, cache and channel layer come back empty) while
  requests flow;
- ``postgres-restart``: ``pg_ctl restart -m fast``, later ``-m immediate`` (crash recovery), then
  ``pg_ctl stop -m immediate`` with the server down 6 s before it starts again.

    .venv/bin/python bench/faults/processes.py --scenario all

Writes docs/faults/<scenario>-<date>.md. Exit code 1 when anything is lost or duplicated (or any
other check fails). The first run creates the cluster in /var/tmp/hd_faults_pg and trains the
triage models in var/faults/ (a few minutes); the cluster and Redis are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from bench.peak import (  # noqa: E402 - after the path
    CHANNEL_MIX,
    REDELIVER_SHARE,
    Stack,
    configure_environment,
    contact_submission,
    customer_text,
    email_raw,
    free_port,
    platform_headers,
    platform_payload,
    prepare_database,
    prepare_fixture,
    warm_up,
)

PG_PORT = 5441
REDIS_PORT = 6391
PG_DIR = Path("/var/tmp/hd_faults_pg")
VAR_DIR = REPO / "var" / "faults"
DATABASE = "hd_faults"
# Low, so that recovery is seen within a scenario: a killed run's claim lapses after 20 s, and
# beat's sweep (every 60 s) queues again what waited 30 s.
TRIAGE_CLAIM_SECONDS = 20
TRIAGE_REQUEUE_AFTER_SECONDS = 30
RATE = 1.5  # inbound messages/s
BEFORE_SECONDS = 20  # steady traffic before the first fault
SENDER_ATTEMPTS = 12  # then the sender gives up (and the message counts as not delivered)
SENDER_TIMEOUT = 20.0
DRAIN_SECONDS = 180
RETRYABLE = {0, 502, 503, 504}  # what a sender retries (0: no answer: refused, reset, timed out)
# Kinds of event a ticket gets at most once in this run (one message per ticket, new customers).
ONCE_PER_TICKET = ("created", "auto_answered", "team", "escalated", "claim_flagged")
CHANNELS = list(CHANNEL_MIX)


# --- our own PostgreSQL and Redis ---------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise SystemExit("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


class Postgres:
    """A cluster of our own, run as the postgres user, on its own port and socket directory."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.bin = _postgres_bin()
        self.log = directory.parent / f"{directory.name}.log"
        self.created = False

    def _as_postgres(self, command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            argv = ["su", "postgres", "-c", command]
        else:
            argv = ["sh", "-c", command]
        return subprocess.run(argv, check=check, capture_output=True, text=True)

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200"
        command = f"{self.bin}/pg_ctl -D {self.directory} -o '{options}' -l {self.log} -w -t 60 {action}"
        result = self._as_postgres(" ".join([command, *extra]), check=False)
        if result.returncode != 0:
            raise SystemExit(f"pg_ctl {action} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        if not (self.directory / "PG_VERSION").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            self._as_postgres(f"{self.bin}/initdb -D {self.directory} -U postgres --auth=trust -E UTF8")
            self.created = True
        if self.log.exists() and os.geteuid() == 0:
            shutil.chown(self.log, "postgres", "postgres")
        status = self._as_postgres(f"{self.bin}/pg_ctl -D {self.directory} status", check=False)
        if status.returncode != 0:
            self._pg_ctl("start")

    def restart(self, mode: str) -> None:
        self._pg_ctl("restart", "-m", mode)

    def crash(self, down_seconds: float) -> None:
        """Stopped without a clean shutdown (as a crash), down a while, then crash recovery."""
        self._as_postgres(f"{self.bin}/pg_ctl -D {self.directory} -w -m immediate stop")
        time.sleep(down_seconds)
        self._pg_ctl("start")

    def stop(self) -> None:
        self._as_postgres(f"{self.bin}/pg_ctl -D {self.directory} -w -m fast stop", check=False)

    def ensure_database(self, name: str) -> bool:
        """Creates ``name`` if missing; True when it was created."""
        psql = f"{self.bin}/psql -h 127.0.0.1 -p {self.port} -U postgres -tAc"
        exists = self._as_postgres(f"{psql} \"SELECT 1 FROM pg_database WHERE datname='{name}'\"")
        if exists.stdout.strip() == "1":
            return False
        self._as_postgres(f'{psql} "CREATE DATABASE {name}"')
        return True


class Redis:
    """A Redis server of our own, without persistence: a restart comes back empty, as a lost
    broker or cache node does."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if redis.Redis(port=self.port).ping():
                    return
            time.sleep(0.1)
        raise SystemExit(f"redis-server on :{self.port} did not start (see {self.log})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None


# --- the sender ---------------------------------------------------------------------------------


@dataclass
class Attempt:
    at: float  # seconds since the scenario started (when the request began)
    elapsed: float
    status: int  # 0: no answer
    error: str = ""


@dataclass
class Item:
    channel: str  # as stored (web_form for the contact form)
    external_id: str
    attempts: list[Attempt] = field(default_factory=list)
    redelivered: bool = False

    @property
    def delivered(self) -> bool:
        return any(200 <= a.status < 400 for a in self.attempts)


@dataclass
class Fault:
    name: str
    started: float  # seconds since the scenario started
    ended: float = 0.0
    started_wall: dt.datetime | None = None
    ended_wall: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)
    watch: set[int] = field(default_factory=set)  # message ids whose recovery is followed
    watch_done_at: float | None = None


@dataclass
class Scenario:
    name: str
    t0: float = 0.0
    since: dt.datetime | None = None
    items: list[Item] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    samples: list[tuple[float, int | None, dt.datetime | None]] = field(default_factory=list)
    sampler_errors: int = 0
    killing: set[str] = field(default_factory=set)  # processes the scenario itself kills and restarts
    crashes: list[str] = field(default_factory=list)  # processes that exited on their own

    def now(self) -> float:
        return time.monotonic() - self.t0


class Sender:
    """Sends each message until it is answered with success or a non-retryable status, with
    backoff between attempts, and records every attempt."""

    def __init__(self, fixture: Any, base: str, scenario: Scenario, seed: int) -> None:
        import httpx

        self.fixture = fixture
        self.base = base
        self.scenario = scenario
        self.rng = random.Random(seed)
        self.http = httpx.AsyncClient(base_url=base, timeout=SENDER_TIMEOUT)
        self.tasks: set[asyncio.Task[None]] = set()
        self.counter = 0

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _attempt(self, item: Item, method: str, url: str, **kwargs: Any) -> Any:
        started = time.monotonic()
        at = started - self.scenario.t0
        try:
            response = await self.http.request(method, url, **kwargs)
        except Exception as error:  # refused, reset, timed out: the sender tries again later
            item.attempts.append(Attempt(at, time.monotonic() - started, 0, type(error).__name__))
            return None
        item.attempts.append(Attempt(at, time.monotonic() - started, response.status_code))
        return response

    async def _until_answered(self, item: Item, send: Any) -> None:
        for attempt in range(SENDER_ATTEMPTS):
            if attempt:
                await asyncio.sleep(min(0.5 * 2 ** (attempt - 1), 8.0) * self.rng.uniform(0.8, 1.2))
            status = await send()
            if status != 0 and status < 500:
                return  # answered: accepted, or refused for good (a 4xx is not retried)
            # A 500 fails the check whatever follows; the sender retries it all the same.

    async def message(self) -> None:
        self.counter += 1
        channel = CHANNELS[self.counter % len(CHANNELS)]  # every channel, in turn
        uid = uuid.uuid4().hex
        _language, subject, body = customer_text(self.rng, self.counter)
        if channel == "email":
            raw, external_id = email_raw(uid, self.fixture.mailbox_address, subject, body)
            item = Item("email", external_id)
            url = f"/inbound/email/{self.fixture.mailbox_token}/"

            async def send() -> int:
                response = await self._attempt(
                    item, "POST", url, content=raw, headers={"Content-Type": "message/rfc822"}
                )
                return response.status_code if response is not None else 0

        elif channel == "contact":
            item, send = self._contact(uid, subject, body)
        else:
            payload, external_id = platform_payload(channel, uid, subject, body)
            data = json.dumps(payload, ensure_ascii=False).encode()
            item = Item(channel, external_id)
            url = f"/inbound/{channel}/{self.fixture.platform_keys[channel]}/"

            async def send() -> int:
                response = await self._attempt(
                    item, "POST", url, content=data, headers=platform_headers(channel, data)
                )
                return response.status_code if response is not None else 0

        self.scenario.items.append(item)
        await self._until_answered(item, send)
        if channel not in {"email", "contact"} and self.rng.random() < REDELIVER_SHARE:
            # Platforms deliver some webhooks twice: the second must not store the message again.
            item.redelivered = True
            await asyncio.sleep(self.rng.uniform(0.5, 3))
            await self._until_answered(item, send)

    def _contact(self, uid: str, subject: str, body: str) -> tuple[Item, Any]:
        """The form (its CSRF cookie), then the post; a retry loads the form again and posts the
        same submission."""
        submission = contact_submission(self.rng, self.fixture.contact_key, uid, subject, body)
        item = Item("web_form", submission.external_id)

        async def send() -> int:
            page = await self._attempt(
                item, "GET", submission.url, headers={"X-Forwarded-For": submission.address}
            )
            if page is None or page.status_code != 200:
                return page.status_code if page is not None else 0
            item.attempts.pop()  # the form's page is not a delivery attempt
            form, headers = submission.post(page, self.base)
            response = await self._attempt(item, "POST", submission.url, data=form, headers=headers)
            return response.status_code if response is not None else 0

        return item, send

    async def steady(self, seconds: float) -> None:
        """Poisson arrivals at RATE for ``seconds``; each message is sent (and retried) in its own task."""
        end = time.monotonic() + seconds
        at = time.monotonic()
        while True:
            at += self.rng.expovariate(RATE)
            if at >= end:
                break
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            self.spawn(self.message())
        await asyncio.sleep(max(0.0, end - time.monotonic()))


# --- watching the stack -------------------------------------------------------------------------


def _pending(since: dt.datetime, watch: set[int]) -> tuple[int, dt.datetime | None, int]:
    from django.db import close_old_connections
    from django.db.models import Min

    from tickets.models import Message

    close_old_connections()
    waiting = Message.objects.filter(
        triage_status=Message.Triage.PENDING, direction=Message.Direction.INBOUND, created_at__gte=since
    )
    figures = waiting.aggregate(oldest=Min("created_at"))
    watched = (
        Message.objects.filter(pk__in=watch, triage_status=Message.Triage.PENDING).count() if watch else 0
    )
    return waiting.count(), figures["oldest"], watched


async def sample(scenario: Scenario, stop: asyncio.Event) -> None:
    """Every second: this scenario's messages waiting for triage and the oldest one's arrival."""
    from django.db import connection

    while not stop.is_set():
        watch = (
            set().union(*(f.watch for f in scenario.faults if f.watch_done_at is None))
            if scenario.faults
            else set()
        )
        try:
            count, oldest, watched = await asyncio.to_thread(_pending, scenario.since, watch)
            scenario.samples.append((scenario.now(), count, oldest))
            if watch and watched == 0:
                for fault in scenario.faults:
                    if fault.watch and fault.watch_done_at is None:
                        fault.watch_done_at = scenario.now()
        except Exception:  # our own database is restarting: a gap in the samples
            scenario.sampler_errors += 1
            scenario.samples.append((scenario.now(), None, None))
            with contextlib.suppress(Exception):
                await asyncio.to_thread(connection.close)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1)


async def supervise(scenario: Scenario, stack: Stack, stop: asyncio.Event) -> None:
    """Start again a process of the stack that exits on its own, as systemd (Restart=always) would
    in production, so the checks still see whether anything was lost; the exit itself is a failure
    of the scenario."""
    commands = {
        name: Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")[:-1]
        for name, process in stack.processes.items()
    }
    while not stop.is_set():
        for name, process in list(stack.processes.items()):
            if name in scenario.killing or process.poll() is None:
                continue
            tail = (stack.log_dir / f"{name}.log").read_text(errors="replace").strip().splitlines()[-1:]
            scenario.crashes.append(
                f"{name} exited ({process.returncode}) at t={scenario.now():.0f} s: {tail[0][:160] if tail else ''}"
            )
            print(
                f"  t={scenario.now():5.0f}s  {name} EXITED on its own; starting it again (as systemd would)"
            )
            log = open(stack.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it
            stack.processes[name] = subprocess.Popen(
                commands[name], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1)


async def progress(scenario: Scenario, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=5)
        attempts = [a for item in scenario.items for a in item.attempts]
        failed = sum(1 for a in attempts if a.status == 0 or a.status >= 400)
        delivered = sum(1 for item in scenario.items if item.delivered)
        last = next((s for s in reversed(scenario.samples) if s[1] is not None), None)
        print(
            f"  t={scenario.now():5.0f}s  messages {len(scenario.items)}, delivered {delivered}, "
            f"failed attempts {failed}, waiting for triage {last[1] if last else '?'}",
            flush=True,
        )


def _broker_unacked(url: str) -> dict[str, int]:
    """Delivery tag -> message id of the triage tasks a worker holds unacknowledged (kombu's
    Redis transport keeps them in the ``unacked`` hash until acked or the visibility timeout)."""
    import redis

    held: dict[str, int] = {}
    for tag, raw in redis.Redis.from_url(url).hgetall("unacked").items():
        with contextlib.suppress(ValueError, KeyError, IndexError, TypeError):
            message = json.loads(raw)[0]
            if message["headers"].get("task") != "tickets.tasks.message_triage":
                continue
            args = json.loads(__import__("base64").b64decode(message["body"]))[0]
            held[tag.decode()] = int(args[0])
    return held


def _lost_worker_jobs(stack: Stack) -> int:
    count = 0
    for name in ("worker1", "worker2"):
        path = stack.log_dir / f"{name}.log"
        if path.exists():
            count += path.read_text(errors="replace").count("Task handler raised error: WorkerLostError")
    return count


# --- the faults ---------------------------------------------------------------------------------


async def kill_pool_child(scenario: Scenario, stack: Stack) -> Fault:
    """kill -9 a pool process while it runs message_triage (found with ``inspect active``)."""
    from helpdesk.celery import app

    fault = Fault("kill -9 a pool child running message_triage", scenario.now())
    lost_before = _lost_worker_jobs(stack)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        active = await asyncio.to_thread(lambda: app.control.inspect(timeout=0.5).active() or {})
        running = [
            (worker, task)
            for worker, tasks in active.items()
            for task in tasks
            if task.get("name") == "tickets.tasks.message_triage" and task.get("worker_pid")
        ]
        if running:
            worker, task = random.choice(running)
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(task["worker_pid"]), signal.SIGKILL)
                fault.started = scenario.now()
                fault.started_wall = dt.datetime.now(dt.UTC)
                message_id = int(task["args"][0])
                fault.watch.add(message_id)
                fault.notes.append(
                    f"killed pid {task['worker_pid']} of {worker} in triage of message {message_id}"
                )
                for _ in range(10):
                    await asyncio.sleep(0.5)
                    if _lost_worker_jobs(stack) > lost_before:
                        break
                if _lost_worker_jobs(stack) > lost_before:
                    break  # the worker saw its job lost mid-run: the kill hit a running task
                fault.notes.append("(the task had finished before the kill landed: again)")
                fault.watch.discard(message_id)
        await asyncio.sleep(0.2)
    else:
        fault.notes.append("no message_triage caught running within 40 s")
    lost = _lost_worker_jobs(stack) - lost_before
    fault.notes.append(
        f"worker logs: {lost} job(s) lost to the kill (WorkerLostError), re-queued (acks late)"
    )
    fault.ended = scenario.now()
    fault.ended_wall = dt.datetime.now(dt.UTC)
    return fault


def _triage_ids(tasks: list[dict[str, Any]]) -> set[int]:
    ids = set()
    for task in tasks:
        task = task.get("request", task)  # ``scheduled`` wraps the request
        if task.get("name") == "tickets.tasks.message_triage" and task.get("args"):
            ids.add(int(task["args"][0]))
    return ids


async def kill_whole_worker(scenario: Scenario, stack: Stack, broker_url: str) -> Fault:
    """kill -9 a worker's main process and its pool while it runs message_triage, then start it
    again as a supervisor would."""
    from helpdesk.celery import app

    fault = Fault("kill -9 a whole worker (main process and pool), restarted 5 s later", scenario.now())
    process = stack.processes["worker1"]
    command = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")[:-1]
    scenario.killing.add("worker1")

    def holding() -> tuple[set[int], set[int]]:
        """(running, held in all) triage message ids of worker1: active, reserved, scheduled."""
        inspect = app.control.inspect(timeout=0.5)
        found: list[set[int]] = []
        for method in (inspect.active, inspect.reserved, inspect.scheduled):
            answer = method() or {}
            found.append(
                _triage_ids([t for node, ts in answer.items() if node.startswith("peak1@") for t in ts])
            )
        return found[0], found[0] | found[1] | found[2]

    deadline = time.monotonic() + 40
    running: set[int] = set()
    held: set[int] = set()
    while time.monotonic() < deadline and not running:
        running, held = await asyncio.to_thread(holding)
        if not running:
            await asyncio.sleep(0.2)
    fault.started = scenario.now()
    fault.started_wall = dt.datetime.now(dt.UTC)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    fault.notes.append(
        f"killed while running triage of {sorted(running) or 'nothing (none caught in 40 s)'}; "
        f"it held triage of messages {sorted(held)} (active, reserved, scheduled)"
    )
    await asyncio.sleep(5)
    log = open(stack.log_dir / "worker1.log", "ab")  # noqa: SIM115 - the process owns it
    stack.processes["worker1"] = subprocess.Popen(
        command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    scenario.killing.discard("worker1")
    # What the dead worker held stays in the broker's unacked hash: those tasks come back only
    # after the visibility timeout (1 h); the sweep is what triages their messages.
    await asyncio.sleep(5)
    unacked = set((await asyncio.to_thread(_broker_unacked, broker_url)).values())
    fault.watch = set(held)
    fault.notes.append(
        f"10 s later {len(held & unacked)} of them still unacked in the broker (stranded until the "
        f"visibility timeout); the restarted worker runs again"
    )
    fault.ended = scenario.now()
    fault.ended_wall = dt.datetime.now(dt.UTC)
    return fault


async def restart_redis(scenario: Scenario, redis_server: Redis, down_seconds: float = 8) -> Fault:
    """Redis stopped while a worker runs message_triage (the worker then holds an unacked
    task, as it nearly always does under load), started again empty ``down_seconds`` later."""
    from helpdesk.celery import app

    fault = Fault(
        f"Redis stopped during a triage, started again {down_seconds:.0f} s later (empty)", scenario.now()
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        active = await asyncio.to_thread(lambda: app.control.inspect(timeout=0.5).active() or {})
        running = sorted(_triage_ids([t for tasks in active.values() for t in tasks]))
        if running:
            fault.notes.append(f"stopped while triage of messages {running} ran")
            break
        await asyncio.sleep(0.2)
    fault.started = scenario.now()
    fault.started_wall = dt.datetime.now(dt.UTC)
    await asyncio.to_thread(redis_server.stop)
    await asyncio.sleep(down_seconds)
    await asyncio.to_thread(redis_server.start)
    fault.ended = scenario.now()
    fault.ended_wall = dt.datetime.now(dt.UTC)
    return fault


async def restart_postgres(scenario: Scenario, postgres: Postgres, mode: str, down: float = 0) -> Fault:
    name = f"pg_ctl stop -m {mode}, start {down:.0f} s later" if down else f"pg_ctl restart -m {mode}"
    fault = Fault(name, scenario.now())
    fault.started_wall = dt.datetime.now(dt.UTC)
    started = time.monotonic()
    if down:
        await asyncio.to_thread(postgres.crash, down)
    else:
        await asyncio.to_thread(postgres.restart, mode)
    fault.notes.append(f"accepting connections again after {time.monotonic() - started:.1f} s")
    fault.ended = scenario.now()
    fault.ended_wall = dt.datetime.now(dt.UTC)
    return fault


# --- a scenario ---------------------------------------------------------------------------------


async def run_scenario(name: str, fixture: Any, stack: Stack, postgres: Postgres, redis_server: Redis,
                       broker_url: str, seed: int) -> Scenario:  # fmt: skip
    from django.utils import timezone

    await warm_up(fixture, stack.port, messages=8)
    scenario = Scenario(name, t0=time.monotonic(), since=timezone.now())
    stop_sampling, stop_progress = asyncio.Event(), asyncio.Event()
    sampler = asyncio.create_task(sample(scenario, stop_sampling))
    reporter = asyncio.create_task(progress(scenario, stop_progress))
    supervisor = asyncio.create_task(supervise(scenario, stack, stop_progress))
    sender = Sender(fixture, f"http://127.0.0.1:{stack.port}", scenario, seed)
    traffic = asyncio.create_task(sender.steady(BEFORE_SECONDS + 70))

    async def inject(after: float, fault: Any) -> None:
        await asyncio.sleep(max(0.0, scenario.t0 + after - time.monotonic()))
        print(f"  t={scenario.now():5.0f}s  fault: {name}…", flush=True)
        done = await fault
        scenario.faults.append(done)
        print(f"  t={scenario.now():5.0f}s  {done.name}: {'; '.join(done.notes) or 'done'}", flush=True)

    if name == "worker-kill":
        await inject(BEFORE_SECONDS, kill_pool_child(scenario, stack))
        await inject(scenario.now() + 5, kill_pool_child(scenario, stack))
        await inject(
            max(scenario.now() + 5, BEFORE_SECONDS + 30), kill_whole_worker(scenario, stack, broker_url)
        )
    elif name == "redis-restart":
        await inject(BEFORE_SECONDS, restart_redis(scenario, redis_server))
    elif name == "postgres-restart":
        await inject(BEFORE_SECONDS, restart_postgres(scenario, postgres, "fast"))
        await inject(BEFORE_SECONDS + 20, restart_postgres(scenario, postgres, "immediate"))
        # The restarts take well under a second; a crash with the server down a while shows
        # what requests meeting it get (503 and a retry).
        await inject(BEFORE_SECONDS + 40, restart_postgres(scenario, postgres, "immediate", down=6))
    await traffic
    print(f"  t={scenario.now():5.0f}s  traffic stopped; waiting for the senders' retries and the backlog…")
    if sender.tasks:
        await asyncio.wait(set(sender.tasks), timeout=120)
    await sender.http.aclose()
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        if scenario.samples and scenario.samples[-1][1] == 0:
            break
    stop_sampling.set()
    stop_progress.set()
    await asyncio.gather(sampler, reporter, supervisor)
    for fault in scenario.faults:
        if fault.name.startswith("kill -9 a whole worker") and fault.watch:
            # Triaged while their first task still sits unacked in the broker: the sweep did it.
            unacked = set((await asyncio.to_thread(_broker_unacked, broker_url)).values())
            fault.notes.append(
                f"after the drain, {len(fault.watch & unacked)} of the messages it held are triaged while "
                f"their first task is still unacked in the broker: beat's triage_pending_requeue queued them again"
            )
    return scenario


@dataclass
class Checks:
    sent: int = 0
    delivered: int = 0
    not_delivered: list[str] = field(default_factory=list)  # the sender gave up
    lost: list[str] = field(default_factory=list)  # accepted, not stored
    duplicated: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    failed_triage: int = 0
    duplicate_events: list[str] = field(default_factory=list)
    duplicate_outbound: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    bad_statuses: Counter[str] = field(default_factory=Counter)  # 500s, 4xx: failures whatever follows
    retried_then_ok: int = 0
    dead_processes: list[str] = field(default_factory=list)
    recovery: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.not_delivered or self.lost or self.duplicated or self.pending or self.duplicate_events
                    or self.duplicate_outbound or self.bad_statuses or self.dead_processes)  # fmt: skip


def check(scenario: Scenario, stack: Stack) -> Checks:
    from django.db import close_old_connections
    from django.db.models import Count

    from tickets.models import Message, TicketEvent

    close_old_connections()
    result = Checks(sent=len(scenario.items))
    rows: dict[tuple[str, str], list[tuple[int, int | None, str]]] = defaultdict(list)
    by_channel: dict[str, list[str]] = defaultdict(list)
    for item in scenario.items:
        by_channel[item.channel].append(item.external_id)
    for channel, ids in by_channel.items():
        for external_id, pk, ticket_id, status in Message.objects.filter(
            channel=channel, external_id__in=ids, direction=Message.Direction.INBOUND
        ).values_list("external_id", "pk", "ticket_id", "triage_status"):
            rows[(channel, external_id)].append((pk, ticket_id, status))
    tickets: set[int] = set()
    for item in scenario.items:
        found = rows.get((item.channel, item.external_id), [])
        label = f"{item.channel} {item.external_id}"
        if item.delivered:
            result.delivered += 1
        if not found:
            (result.lost if item.delivered else result.not_delivered).append(label)
            continue
        if not item.delivered:
            result.not_delivered.append(label)  # stored though never answered with success
        if len(found) > 1:
            result.duplicated.append(label)
        for _pk, ticket_id, status in found:
            if status == Message.Triage.PENDING:
                result.pending.append(label)
            elif status == Message.Triage.FAILED:
                result.failed_triage += 1
            if ticket_id is not None:
                tickets.add(ticket_id)
        for position, attempt in enumerate(item.attempts):
            key = "refused/timed out" if attempt.status == 0 else str(attempt.status)
            result.statuses[key] += 1
            if attempt.status >= 400 and attempt.status not in RETRYABLE:
                result.bad_statuses[f"{key} ({item.channel})"] += 1
            if attempt.status in RETRYABLE and position == len(item.attempts) - 1:
                result.bad_statuses[f"{key} never retried ({item.channel})"] += 1
        if any(a.status == 0 or a.status >= 500 for a in item.attempts) and item.delivered:
            result.retried_then_ok += 1
    ticket_ids = sorted(tickets)
    for start in range(0, len(ticket_ids), 1000):
        chunk = ticket_ids[start : start + 1000]
        for ticket_id, kind, count in (
            TicketEvent.objects.filter(ticket_id__in=chunk, kind__in=ONCE_PER_TICKET)
            .values_list("ticket_id", "kind")
            .annotate(n=Count("id"))
            .values_list("ticket_id", "kind", "n")
        ):
            if count > 1:
                result.duplicate_events.append(f"ticket {ticket_id}: {count}× {kind}")
        bodies: Counter[tuple[int, str]] = Counter()
        for ticket_id, body in Message.objects.filter(
            ticket_id__in=chunk, direction=Message.Direction.OUTBOUND
        ).values_list("ticket_id", "body_text"):
            bodies[(ticket_id, hashlib.sha1(body.encode()).hexdigest())] += 1
        result.duplicate_outbound += [
            f"ticket {t}: {n} outbound messages with one body" for (t, _), n in bodies.items() if n > 1
        ]
    result.dead_processes = list(scenario.crashes)
    for name, process in stack.processes.items():
        if process.poll() is not None:
            result.dead_processes.append(f"{name} (exit {process.returncode})")
    for index, fault in enumerate(scenario.faults):
        following = scenario.faults[index + 1].started if index + 1 < len(scenario.faults) else float("inf")
        result.recovery.append(_recovery(scenario, fault, until=following))
    return result


def _recovery(scenario: Scenario, fault: Fault, until: float) -> dict[str, Any]:
    """From the fault's start: the failed inbound attempts it caused, when inbound succeeded
    again, and when everything that arrived before the fault ended was triaged."""
    attempts = sorted((a for item in scenario.items for a in item.attempts if a.at + a.elapsed >= fault.started),
                      key=lambda a: a.at)  # fmt: skip
    failures = [
        a
        for a in attempts
        if (a.status == 0 or a.status >= 500) and a.at <= fault.ended + 60 and a.at < until
    ]
    http_back = None
    if failures:
        last_failure = max(a.at + a.elapsed for a in failures)
        ok_after = [a for a in attempts if 200 <= a.status < 400 and a.at >= last_failure]
        http_back = (ok_after[0].at + ok_after[0].elapsed - fault.started) if ok_after else None
    triaged_at = None
    cutoff = fault.ended_wall
    for at, count, oldest in scenario.samples:
        if at < fault.ended or count is None:
            continue
        if count == 0 or (oldest is not None and cutoff is not None and oldest > cutoff):
            triaged_at = at - fault.started
            break
    return {
        "fault": fault.name,
        "at": fault.started,
        "lasted": fault.ended - fault.started,
        "failed_attempts": Counter("refused/timed out" if a.status == 0 else str(a.status) for a in failures),
        "inbound_back_after": http_back,
        "triaged_after": triaged_at,
        "watched": sorted(fault.watch),
        "watched_done_after": (fault.watch_done_at - fault.started) if fault.watch_done_at else None,
        "notes": fault.notes,
    }


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def write_report(path: Path, command: str, scenario: Scenario, result: Checks, machine: str) -> str:
    lines = [
        f"# Process faults: {scenario.name} — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`{command}` on {machine}. The stack of `bench/peak.py` (daphne, two Celery workers of "
        f"concurrency 2, beat with the installed schedule) on its own PostgreSQL (:{PG_PORT}) and Redis "
        f"(:{REDIS_PORT}, no persistence); TRIAGE_CLAIM_SECONDS={TRIAGE_CLAIM_SECONDS}, "
        f"TRIAGE_REQUEUE_AFTER_SECONDS={TRIAGE_REQUEUE_AFTER_SECONDS} (beat's sweep every 60 s). "
        f"Steady inbound at {RATE}/s from every channel in turn ({', '.join(CHANNELS)}), "
        f"{REDELIVER_SHARE:.0%} of platform webhooks delivered twice; the sender retries refused "
        f"connections and 5xx with backoff (up to {SENDER_ATTEMPTS} attempts).",
        "",
        f"**Result: {'PASS — nothing lost or duplicated' if result.ok else 'FAIL'}**",
        "",
        "| check | figure |",
        "|---|---|",
        f"| messages sent / delivered (2xx/3xx answer) | {result.sent} / {result.delivered} |",
        f"| sender gave up | {len(result.not_delivered)} |",
        f"| accepted but not stored (lost) | {len(result.lost)} |",
        f"| stored more than once (duplicated) | {len(result.duplicated)} |",
        f"| still waiting for triage | {len(result.pending)} |",
        f"| triaged with a failed step (status failed, not pending) | {result.failed_triage} |",
        f"| once-only ticket events twice ({', '.join(ONCE_PER_TICKET)}) | {len(result.duplicate_events)} |",
        f"| outbound message twice on a ticket | {len(result.duplicate_outbound)} |",
        f"| HTTP statuses of all attempts | {', '.join(f'{k}: {v}' for k, v in sorted(result.statuses.items()))} |",
        f"| 500s, 4xx, or a retryable failure never retried | {dict(result.bad_statuses) or 'none'} |",
        f"| messages refused at first then delivered on a retry | {result.retried_then_ok} |",
        f"| stack processes that exited on their own (restarted as systemd would) | {', '.join(result.dead_processes) or 'none'} |",
        "",
        "## Faults and recovery",
        "",
        "| fault | at | lasted | failed inbound attempts | inbound succeeds again | all that arrived before its end triaged | messages it hit, triaged after |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in result.recovery:
        failed = ", ".join(f"{k}: {v}" for k, v in r["failed_attempts"].items()) or "none"
        watched = f"{len(r['watched'])}: {_seconds(r['watched_done_after'])}" if r["watched"] else "—"
        lines.append(
            f"| {r['fault']} | t={r['at']:.0f} s | {r['lasted']:.1f} s | {failed} | "
            f"{_seconds(r['inbound_back_after'])} | {_seconds(r['triaged_after'])} | {watched} |"
        )
    lines += ["", "Notes:", ""]
    for r in result.recovery:
        for note in r["notes"]:
            lines.append(f"- {r['fault']}: {note}")
    for label, values in (("lost", result.lost), ("duplicated", result.duplicated), ("pending", result.pending),
                          ("not delivered", result.not_delivered), ("duplicate events", result.duplicate_events),
                          ("duplicate outbound", result.duplicate_outbound)):  # fmt: skip
        if values:
            lines.append(f"- {label}: {', '.join(values[:20])}{' …' if len(values) > 20 else ''}")
    waits = [s for s in scenario.samples if s[1] is not None]
    lines += [
        "",
        f"Triage backlog: at most {max((s[1] for s in waits), default=0)} messages waiting; the sampler "
        f"missed {scenario.sampler_errors} one-second samples (our database was restarting).",
        "",
    ]
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=["worker-kill", "redis-restart", "postgres-restart", "all"],
                        default="all")  # fmt: skip
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "faults")
    parser.add_argument("--keep-servers", action="store_true", help="leave our PostgreSQL running at the end")
    args = parser.parse_args()
    names = (
        ["worker-kill", "redis-restart", "postgres-restart"] if args.scenario == "all" else [args.scenario]
    )

    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    broker_url = f"redis://127.0.0.1:{REDIS_PORT}/1"
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": broker_url,
            "TRIAGE_CLAIM_SECONDS": str(TRIAGE_CLAIM_SECONDS),
            "TRIAGE_REQUEUE_AFTER_SECONDS": str(TRIAGE_REQUEUE_AFTER_SECONDS),
        }
    )
    configure_environment(VAR_DIR)
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    machine = f"{cores} CPU cores (nproc), {memory} GB RAM (free -g)"
    command = " ".join([".venv/bin/python bench/faults/processes.py", *sys.argv[1:]])

    postgres = Postgres(PG_DIR, PG_PORT)
    redis_server = Redis(REDIS_PORT, VAR_DIR / "logs" / "redis.log")
    print(f"our PostgreSQL on :{PG_PORT} ({PG_DIR}) and Redis on :{REDIS_PORT}…", flush=True)
    postgres.start()
    redis_server.start()
    failures = []
    try:
        if postgres.ensure_database(DATABASE):
            print("preparing the database (migrate, schedule, triage models, seed)…", flush=True)
            prepare_database(seed_scale=1)
        else:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=REPO, check=True
            )
            subprocess.run([sys.executable, "manage.py", "install_schedule"], cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        import logging

        import django

        django.setup()
        logging.getLogger("httpx").setLevel(logging.WARNING)
        fixture = prepare_fixture(agents=1)
        from django.db import connection

        connection.close()
        for index, name in enumerate(names):
            stack = Stack(VAR_DIR / "logs" / name, free_port())
            print(f"\n== {name}: starting daphne on :{stack.port}, two workers and beat (logs in {stack.log_dir})…",
                  flush=True)  # fmt: skip
            stack.start()
            started = time.monotonic()
            try:
                stack.wait_healthy()
                scenario = asyncio.run(
                    run_scenario(name, fixture, stack, postgres, redis_server, broker_url, args.seed + index)
                )
                result = check(scenario, stack)
            finally:
                stack.stop()
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
            path = args.out / f"{name}-{stamp}.md"
            print(write_report(path, command, scenario, result, machine))
            print(f"({name}: {time.monotonic() - started:.0f} s wall; report in {path})")
            if not result.ok:
                failures.append(name)
    finally:
        redis_server.stop()
        if not args.keep_servers:
            postgres.stop()
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        sys.exit(1)
    print("all scenarios passed: nothing lost or duplicated")


if __name__ == "__main__":
    main()
