"""Holiday peak: the production stack on this machine under a peak day's inbound, in rising stages.

Starts the stack itself on its own PostgreSQL database and Redis (migrate, schedule, triage
models, a small demo seed, then daphne on a free port, two Celery workers and beat, as the
README's deployment section runs them), then replays inbound traffic in stages of rising rate
(``--normal-rate`` messages/s times each of ``--multipliers``): e-mail (raw MIME webhook),
platform webhooks of every family (signed as each platform signs), the contact form (CSRF
and the anti-bot token, each customer from their own address), tracking webhooks, the returns
portal and contact pages, the inbox page and API reads. Meanwhile ``--agents`` websocket
clients hold ``/ws/inbox/`` open as the demo agents and manager; each message's time from the
start of its inbound request to its ticket's row event arriving in an agent's inbox is recorded
(every message opens a ticket: each comes from a new customer).

At the end, after the triage backlog drains, every message sent is looked up in the database by
its external id: none found is lost, more than one is duplicated. A share of platform webhooks
is delivered twice, as platforms retry, so a duplicate would show. Writes
docs/peak/peak-<date>.md and .png. Not a test: figures depend on the machine.

    .venv/bin/python bench/peak.py --multipliers 1 3 5 --stage-seconds 60 --agents 10

``--server uvicorn`` runs uvicorn instead of daphne; ``--web-processes N`` runs N web processes
(uvicorn ``--workers N``, or N daphne processes on consecutive ports, the requests and websocket
clients spread across them; events cross processes through the Redis channel layer).

Defaults: database hd_peak, Redis db 5 (cache, channel layer) and db 4 (broker), var/peak/ for
the triage models, logs and static files (the first run trains the models: a few minutes);
every setting can be overridden in the environment (e.g. DB_CONN_MAX_AGE=0). A rerun on the
same database may pass --skip-prepare.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))


def _credentials_key(var_dir: Path) -> str:
    """One Fernet key per bench var dir, kept so a rerun reads the credentials it stored."""
    path = var_dir / "platform-credentials.key"
    if not path.exists():
        from cryptography.fernet import Fernet

        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
    return path.read_text().strip()


def configure_environment(var_dir: Path) -> None:
    """Production settings (DEBUG off, PostgreSQL, Redis) for this process and the stack it starts."""
    env = os.environ
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hd_peak")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
    env.setdefault("VAR_DIR", str(var_dir))
    env.setdefault("SECRET_KEY", "peak-bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    env.setdefault("PLATFORM_CREDENTIALS_KEY", _credentials_key(var_dir))
    env.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    env["DEBUG"] = "false"
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # Plain HTTP on the loopback: no TLS terminator in front of daphne here.
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SESSION_COOKIE_SECURE", "false")
    env.setdefault("CSRF_COOKIE_SECURE", "false")
    env.setdefault("PYTHONUNBUFFERED", "1")


# --- traffic ----------------------------------------------------------------------------------

# Share of inbound messages per channel on a peak day (marketplaces dominate, then e-mail).
CHANNEL_MIX = {
    "email": 25,
    "contact": 8,
    "amazon": 20,
    "ebay": 12,
    "shopify": 10,
    "magento": 5,
    "shopee": 12,
    "aliexpress": 8,
}
# Other requests per inbound message.
TRACKING_PER_MESSAGE = 0.6
PORTAL_PER_MESSAGE = 0.2
INBOX_PAGE_PER_MESSAGE = 0.3
API_READ_PER_MESSAGE = 0.3
REDELIVER_SHARE = 0.05  # platform webhooks delivered a second time, as platforms retry
PLATFORM_SECRET = "peak-webhook-secret-0123456789"
ACCOUNTS = {
    "amazon": "PEAKA1PA6795UK",
    "ebay": "peak_lumen_home",
    "shopify": "peak-lumen.myshopify.com",
    "magento": "peak.shop.example.fr",
    "shopee": "9640619651",
    "aliexpress": "cnpeak0000001",
}
MAX_IN_FLIGHT = 256  # a client past this many open requests waits (and says so in the report)


@dataclass
class Sent:
    channel: str
    external_id: str
    started: float  # monotonic, when the request began
    stage: int
    status: int = 0
    ticket_id: int | None = None


@dataclass
class Request:
    kind: str
    stage: int
    started: float
    elapsed: float
    status: int


@dataclass
class Run:
    t0: float = 0.0
    sent: list[Sent] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    # ticket id -> per agent client, the first arrival (monotonic) of its row event
    seen: dict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    backlog: list[tuple[float, int, int]] = field(default_factory=list)  # (t, pending triage, stored)
    connections: list[tuple[float, int, int]] = field(default_factory=list)  # (t, ours, whole server)
    stages: list[tuple[int, float, float, float]] = field(default_factory=list)  # (index, rate, start, end)
    waited_for_slot: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports (N daphne processes)."""
    for _ in range(100):
        first = free_port()
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return first
        except (OSError, OverflowError):
            continue
    raise SystemExit(f"no {count} consecutive free ports")


# --- the stack --------------------------------------------------------------------------------


class Stack:
    """daphne (or uvicorn), two Celery workers and beat, each in its own session so one TERM stops
    its children.

    ``web_processes`` > 1: with daphne, that many daphne processes on consecutive ports from
    ``port`` (``ports``; the load generator spreads requests and websocket clients across them);
    with uvicorn, one ``--workers N`` master on ``port`` (its workers share the socket)."""

    def __init__(
        self, log_dir: Path, port: int, server: str = "daphne", web_processes: int = 1, worker_nice: int = 0
    ) -> None:
        self.log_dir = log_dir
        self.port = port
        self.server = server
        self.web_processes = web_processes
        self.worker_nice = worker_nice
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def ports(self) -> list[int]:
        """The ports clients may use: one per daphne process, uvicorn's one."""
        if self.server == "daphne":
            return [self.port + i for i in range(self.web_processes)]
        return [self.port]

    def web_commands(self) -> dict[str, list[str]]:
        venv = str(VENV_BIN)
        if self.server == "uvicorn":
            # Django's ASGI app has no lifespan; 127.0.0.1 (the load generator) may set X-Forwarded-For.
            return {
                "web": [f"{venv}/uvicorn", "--host", "127.0.0.1", "--port", str(self.port),
                        "--workers", str(self.web_processes), "--proxy-headers",
                        "--forwarded-allow-ips", "127.0.0.1", "--lifespan", "off", "--no-access-log",
                        "--log-level", "warning", "helpdesk.asgi:application"],
            }  # fmt: skip
        if self.server != "daphne":
            raise ValueError(f"unknown server {self.server!r}")
        return {
            ("web" if i == 0 else f"web{i + 1}"): [
                f"{venv}/daphne", "--bind", "127.0.0.1", "--port", str(port), "--proxy-headers",
                "helpdesk.asgi:application",
            ]
            for i, port in enumerate(self.ports)
        }  # fmt: skip

    def start(self) -> None:
        venv = str(VENV_BIN)
        # Workers at a lower priority leave the web processes the CPU they need to answer at once;
        # triage waits a little longer instead.
        nice = ["nice", "-n", str(self.worker_nice)] if self.worker_nice else []
        commands = {
            **self.web_commands(),
            "worker1": [*nice, f"{venv}/celery", "--app", "helpdesk", "worker", "--loglevel", "WARNING",
                        "--concurrency", "2", "--without-gossip", "--without-mingle", "-n", "peak1@%h"],
            "worker2": [*nice, f"{venv}/celery", "--app", "helpdesk", "worker", "--loglevel", "WARNING",
                        "--concurrency", "2", "--without-gossip", "--without-mingle", "-n", "peak2@%h"],
            "beat": [f"{venv}/celery", "--app", "helpdesk", "beat", "--loglevel", "WARNING",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile="],
        }  # fmt: skip
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name, command in commands.items():
            log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - the process owns it
            self.processes[name] = subprocess.Popen(
                command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_healthy(self, timeout: float = 180) -> dict[str, Any]:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        report: dict[str, Any] = {}
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise SystemExit(f"{name} exited:\n{tail}")
            try:
                reports = []
                for port in self.ports:  # every daphne process answers before the run starts
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                        reports.append(json.load(answer))
                report = reports[0]
                if all(r.get("worker", {}).get("ok") for r in reports):
                    return report
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            time.sleep(1)
        raise SystemExit(f"the stack did not become healthy: {report}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def prepare_database(seed_scale: int) -> None:
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["install_schedule"],
        ["nlp_train", "--if-missing"],
        ["seed_demo", "--scale", str(seed_scale), "-v", "0"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run([*manage, *command], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


@dataclass
class Fixture:
    platform_keys: dict[str, str]
    mailbox_token: str
    mailbox_address: str
    contact_key: str
    tracking_key: str
    api_token: str
    agent_cookies: list[tuple[str, str]]  # (username, session cookie value)
    session_cookie_name: str


def prepare_fixture(agents: int) -> Fixture:
    """Stores for every channel (covered by every team, so the agents' inboxes hear them), a
    mailbox, a tracking account, an API token and logged-in sessions for the agents."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.tracking import bench_store
    from customers.models import Platform, Store
    from helpdesk.api.services import api_token_create
    from tickets.models import Mailbox, Team

    stores = []
    keys = {}
    for platform, account in ACCOUNTS.items():
        store, _ = Store.objects.update_or_create(
            platform=platform,
            external_id=account,
            defaults={"name": f"Peak {platform}", "currency": "EUR", "default_language": "en",
                      "webhook_secret": PLATFORM_SECRET},
        )  # fmt: skip
        keys[platform] = store.inbound_key
        stores.append(store)
    mail_store, _ = Store.objects.get_or_create(
        platform=Platform.EMAIL,
        external_id="peak-mail",
        defaults={"name": "Peak e-mail", "currency": "EUR", "default_language": "en"},
    )
    stores.append(mail_store)
    mailbox, _ = Mailbox.objects.get_or_create(
        address="peak@helpdesk.example", defaults={"store": mail_store}
    )
    tracking_store = bench_store()
    stores.append(tracking_store)
    for team in Team.objects.all():
        team.stores.add(*stores)

    User = get_user_model()
    manager = User.objects.get(username="manager")
    token = api_token_create(user=manager, name=f"peak {uuid.uuid4().hex[:6]}", scopes=["tickets:read"])
    usernames = ["manager", "agent.li", "agent.chen", "agent.wang", "agent.lucia", "agent.sato", "lead.en"]
    cookies = []
    for index in range(agents):
        username = usernames[index % len(usernames)]
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies.append((username, client.cookies[settings.SESSION_COOKIE_NAME].value))
    return Fixture(
        platform_keys=keys,
        mailbox_token=mailbox.inbound_token,
        mailbox_address=mailbox.address,
        contact_key=mail_store.inbound_key,
        tracking_key=tracking_store.inbound_key,
        api_token=token.secret,
        agent_cookies=cookies,
        session_cookie_name=settings.SESSION_COOKIE_NAME,
    )


# --- message bodies ---------------------------------------------------------------------------


def customer_text(rng: random.Random, index: int) -> tuple[str, str, str]:
    from helpdesk.demo import corpus

    language = rng.choice(corpus.LANGUAGES)
    intent = rng.choice(list(corpus.CUSTOMER_MESSAGES[language]))
    subject, body = rng.choice(corpus.CUSTOMER_MESSAGES[language][intent])
    body = body.format(
        name="Alex", order=f"#{700000 + index}", tracking="LX123456785CN", product="lamp", days=9
    )
    return language, subject, body


def platform_payload(platform: str, uid: str, subject: str, body: str) -> tuple[dict[str, Any], str]:
    """(payload, external id) in the platform's documented shape (as tests/tickets/test_platform_webhooks.py)."""
    now = dt.datetime.now(dt.UTC)
    stamp = now.isoformat().replace("+00:00", "Z")
    payload: dict[str, Any]
    if platform == "amazon":
        payload = {
            "messageId": f"amzn-{uid}",
            "amazonOrderId": f"303-{uid[:7]}-{uid[7:14]}",
            "buyer": {"buyerId": f"AZ{uid}", "name": "Anna Schmidt", "email": f"{uid}@marketplace.amazon.de"},
            "subject": subject,
            "body": body,
            "sentAt": stamp,
        }
        return payload, payload["messageId"]
    if platform == "ebay":
        payload = {
            "conversationId": f"conv-{uid}",
            "conversationTitle": subject,
            "referenceId": f"12-{uid[:5]}-{uid[5:10]}",
            "referenceType": "ORDER",
            "message": {
                "messageId": f"ebay-{uid}",
                "senderUsername": f"buyer_{uid}",
                "recipientUsername": ACCOUNTS["ebay"],
                "subject": subject,
                "messageBody": body,
                "createdDate": stamp,
                "messageMedia": [],
            },
        }
        return payload, payload["message"]["messageId"]
    if platform == "shopify":
        payload = {
            "id": f"shop-{uid}",
            "conversation_id": f"shop-conv-{uid}",
            "customer": {"id": int(uid[:8], 16), "email": f"{uid}@mail.example.com", "first_name": "Bob",
                         "last_name": "Norman"},
            "subject": subject,
            "body": body,
            "created_at": stamp,
            "attachments": [],
        }  # fmt: skip
        return payload, payload["id"]
    if platform == "magento":
        payload = {
            "event": "contact_form.submitted",
            "message_id": f"mage-{uid}",
            "data": {"name": "Marie Dupont", "email": f"{uid}@example.fr", "comment": body,
                     "created_at": now.strftime("%Y-%m-%d %H:%M:%S")},
        }  # fmt: skip
        return payload, payload["message_id"]
    if platform == "shopee":
        message_id = str(int(uid[:15], 16))
        payload = {
            "shop_id": int(ACCOUNTS["shopee"]),
            "code": 10,
            "timestamp": int(now.timestamp()),
            "data": {
                "type": "message",
                "content": {
                    "message_id": message_id,
                    "conversation_id": f"9{message_id}",
                    "from_id": int(uid[:10], 16),
                    "from_user_name": f"buyer_{uid[:8]}",
                    "to_id": int(ACCOUNTS["shopee"]),
                    "message_type": "text",
                    "content": {"text": body},
                    "created_timestamp": int(now.timestamp()),
                },
            },
        }
        return payload, message_id
    if platform == "aliexpress":
        payload = {
            "seller_id": ACCOUNTS["aliexpress"],
            "data": {
                "channel_id": f"ch-{uid}",
                "msg_id": f"ae-{uid}",
                "sender_login_id": f"br{uid[:12]}",
                "sender_name": "Lucas M.",
                "content": body,
                "gmt_create": int(now.timestamp() * 1000),
            },
        }
        return payload, payload["data"]["msg_id"]
    raise ValueError(platform)


def platform_headers(platform: str, body: bytes) -> dict[str, str]:
    from tickets.ingest.platforms import sign_base64, sign_helpdesk

    headers = {"Content-Type": "application/json"}
    if platform == "shopify":
        headers.update(
            {
                "X-Shopify-Topic": "customer_messages/create",
                "X-Shopify-Shop-Domain": ACCOUNTS["shopify"],
                "X-Shopify-Hmac-Sha256": sign_base64(PLATFORM_SECRET, body),
            }
        )
    else:
        headers["X-Helpdesk-Signature"] = sign_helpdesk(PLATFORM_SECRET, body)
    return headers


def email_raw(uid: str, to: str, subject: str, body: str) -> tuple[bytes, str]:
    message = EmailMessage()
    message_id = make_msgid(idstring=f"peak.{uid}", domain="customer.example")
    message["Subject"] = subject
    message["From"] = f"Alex Example <customer.{uid}@customer.example>"
    message["To"] = to
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes(), message_id


# --- the load ---------------------------------------------------------------------------------


@dataclass
class ContactSubmission:
    """One customer's contact-form post, sent from their own address (daphne and uvicorn run
    behind --proxy-headers), shown a minute ago so the form's too-fast trap lets it through, and
    named by its nonce: a retry posts the same submission, so the same external id."""

    url: str
    address: str
    external_id: str
    fields: dict[str, str]

    def post(self, page: Any, base: str) -> tuple[dict[str, str], dict[str, str]]:
        """The form data and headers of the post that follows ``page``, the form as loaded."""
        text = page.text if page is not None else ""
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        cookie = page.cookies.get("csrftoken", "") if page is not None else ""
        form = {"csrfmiddlewaretoken": match.group(1) if match else "", **self.fields}
        headers = {
            "X-Forwarded-For": self.address,
            "Referer": f"{base}{self.url}",
            "Cookie": f"csrftoken={cookie}",
        }
        return form, headers


def contact_submission(
    rng: random.Random, contact_key: str, uid: str, subject: str, body: str
) -> ContactSubmission:
    from django.core import signing

    from tickets.public_forms import FORM_SALT
    from tickets.services.contact import contact_external_id

    nonce = uuid.uuid4().hex
    return ContactSubmission(
        url=f"/contact/{contact_key}/",
        address=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        external_id=contact_external_id(nonce),
        fields={
            "name": "Alex Example",
            "email": f"customer.{uid}@customer.example",
            "subject": subject[:200],
            "message": body,
            "token": signing.dumps({"n": nonce, "t": time.time() - 60}, salt=FORM_SALT),
            "fax_number": "",
        },
    )


class Load:
    def __init__(
        self, fixture: Fixture, base: str, run: Run, seed: int, bases: list[str] | None = None
    ) -> None:
        import httpx

        self.fixture = fixture
        self.base = base
        self.run = run
        self.rng = random.Random(seed)
        # One client per web process (N daphne processes on N ports); requests go round-robin.
        self.clients = [
            httpx.AsyncClient(
                base_url=b,
                timeout=30,
                limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=64),
            )
            for b in (bases or [base])
        ]
        self.http = self.clients[0]
        self.next_client = itertools.cycle(self.clients)
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.tasks: set[asyncio.Task[None]] = set()
        self.counter = 0
        self.tracking_numbers: list[str] = []

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def timed(self, kind: str, stage: int, method: str, url: str, **kwargs: Any) -> Any:
        if self.slots.locked():
            self.run.waited_for_slot += 1
        async with self.slots:
            started = time.monotonic()
            try:
                response = await next(self.next_client).request(method, url, **kwargs)
                status = response.status_code
            except Exception as error:  # a refused or timed-out connection is an error of the run
                response, status = None, 0
                self.run.errors[f"{kind}: {type(error).__name__}"] += 1
            elapsed = time.monotonic() - started
        self.run.requests.append(Request(kind, stage, started, elapsed, status))
        if status >= 400 or (method == "GET" and status != 200):
            self.run.errors[f"{kind}: HTTP {status}"] += 1
        return response, started

    async def inbound(self, stage: int) -> None:
        self.counter += 1
        index = self.counter
        channel = self.rng.choices(list(CHANNEL_MIX), weights=list(CHANNEL_MIX.values()))[0]
        uid = uuid.uuid4().hex
        _language, subject, body = customer_text(self.rng, index)
        if channel == "email":
            raw, external_id = email_raw(uid, self.fixture.mailbox_address, subject, body)
            sent = Sent("email", external_id, 0.0, stage)
            response, sent.started = await self.timed(
                "inbound e-mail", stage, "POST", f"/inbound/email/{self.fixture.mailbox_token}/",
                content=raw, headers={"Content-Type": "message/rfc822"},
            )  # fmt: skip
        elif channel == "contact":
            sent, response = await self.contact(stage, uid, subject, body)
        else:
            payload, external_id = platform_payload(channel, uid, subject, body)
            data = json.dumps(payload, ensure_ascii=False).encode()
            url = f"/inbound/{channel}/{self.fixture.platform_keys[channel]}/"
            sent = Sent(channel, external_id, 0.0, stage)
            response, sent.started = await self.timed(
                f"webhook {channel}",
                stage,
                "POST",
                url,
                content=data,
                headers=platform_headers(channel, data),
            )
            if self.rng.random() < REDELIVER_SHARE:
                self.spawn(self.redeliver(stage, channel, url, data))
        sent.status = response.status_code if response is not None else 0
        self.run.sent.append(sent)

    async def redeliver(self, stage: int, channel: str, url: str, data: bytes) -> None:
        await asyncio.sleep(self.rng.uniform(0.5, 3))
        await self.timed(f"redelivery {channel}", stage, "POST", url, content=data,
                         headers=platform_headers(channel, data))  # fmt: skip

    async def contact(self, stage: int, uid: str, subject: str, body: str) -> tuple[Sent, Any]:
        """A customer loads the form (its CSRF cookie), types for a while, sends it."""
        submission = contact_submission(self.rng, self.fixture.contact_key, uid, subject, body)
        page, _ = await self.timed(
            "contact page", stage, "GET", submission.url, headers={"X-Forwarded-For": submission.address}
        )
        sent = Sent("web_form", submission.external_id, 0.0, stage)
        form, headers = submission.post(page, self.base)
        response, sent.started = await self.timed(
            "contact form", stage, "POST", submission.url, data=form, headers=headers
        )
        if response is not None and response.status_code == 302:
            response.status_code = 202  # sent: the form redirects to its confirmation
        return sent, response

    async def tracking(self, stage: int) -> None:
        from bench.tracking import SECRET, aftership_body, scan_times
        from logistics.webhooks import aftership_signature

        if not self.tracking_numbers or self.rng.random() < 0.3:
            self.tracking_numbers.append(f"LP{uuid.uuid4().int % 10**9:09d}CN")
        number = self.rng.choice(self.tracking_numbers[-500:])
        upto = self.rng.randint(1, 7)
        data = aftership_body(number, scan_times(len(self.tracking_numbers)), upto)
        await self.timed(
            "tracking webhook", stage, "POST", f"/webhooks/tracking/aftership/{self.fixture.tracking_key}/",
            content=data,
            headers={"Content-Type": "application/json", "aftership-hmac-sha256": aftership_signature(SECRET, data)},
        )  # fmt: skip

    async def portal(self, stage: int) -> None:
        await self.timed("returns portal page", stage, "GET", "/returns/portal/",
                         headers={"X-Forwarded-For": f"10.9.{self.rng.randrange(256)}.7"})  # fmt: skip

    async def inbox_page(self, stage: int) -> None:
        _user, cookie = self.rng.choice(self.fixture.agent_cookies)
        await self.timed("inbox page", stage, "GET", "/inbox/?view=open",
                         headers={"Cookie": f"{self.fixture.session_cookie_name}={cookie}"})  # fmt: skip

    async def api_read(self, stage: int) -> None:
        path = self.rng.choice(
            ["/api/v1/tickets/", "/api/v1/tickets/?status=open", "/api/v1/tickets/?ordering=-created_at"]
        )
        await self.timed(
            "API read", stage, "GET", path, headers={"Authorization": f"Bearer {self.fixture.api_token}"}
        )

    async def stage(self, index: int, rate: float, seconds: float) -> None:
        """Open loop: Poisson arrivals at ``rate`` inbound messages/s, the other traffic in proportion."""
        kinds = [
            (self.inbound, rate),
            (self.tracking, rate * TRACKING_PER_MESSAGE),
            (self.portal, rate * PORTAL_PER_MESSAGE),
            (self.inbox_page, rate * INBOX_PAGE_PER_MESSAGE),
            (self.api_read, rate * API_READ_PER_MESSAGE),
        ]
        total = sum(share for _, share in kinds)
        start = time.monotonic()
        end = start + seconds
        self.run.stages.append((index, rate, start - self.run.t0, end - self.run.t0))
        at = start
        while True:
            at += self.rng.expovariate(total)
            if at >= end:
                break
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            pick = self.rng.random() * total
            for action, share in kinds:
                pick -= share
                if pick <= 0:
                    self.spawn(action(index))
                    break
        await asyncio.sleep(max(0.0, end - time.monotonic()))


# --- the agents' inboxes ----------------------------------------------------------------------


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One websocket frame from the server (unmasked, RFC 6455): (opcode, payload)."""
    head = await reader.readexactly(2)
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(await reader.readexactly(2), "big")
    elif length == 127:
        length = int.from_bytes(await reader.readexactly(8), "big")
    mask = await reader.readexactly(4) if head[1] & 0x80 else b""
    payload = await reader.readexactly(length)
    if mask:
        payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return opcode, payload


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (short payloads only: pongs and the close)."""
    mask = os.urandom(4)
    return (
        bytes([0x80 | opcode, 0x80 | len(payload)])
        + mask
        + bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    )


async def agent_client(index: int, port: int, cookie_name: str, cookie: str, run: Run, ready: asyncio.Event,
                       stop: asyncio.Event) -> None:  # fmt: skip
    """One agent's inbox: /ws/inbox/ with the agent's session, recording when each ticket's row
    event arrives (the inbox inserts the row on ``ticket.changed``). A plain RFC 6455 client on
    asyncio streams: autobahn's asyncio flavour cannot load next to channels' Twisted."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /ws/inbox/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n"
            f"Cookie: {cookie_name}={cookie}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    answer = await reader.readuntil(b"\r\n\r\n")
    status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    if " 101 " not in status_line:
        run.errors[f"websocket refused: {status_line}"] += 1
        ready.set()
        writer.close()
        return
    ready.set()

    async def listen() -> None:
        while True:
            opcode, payload = await read_frame(reader)
            arrived = time.monotonic()
            if opcode == 0x8:  # close
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                if not stop.is_set():
                    run.errors[f"websocket closed early (code {code})"] += 1
                return
            if opcode == 0x9:  # ping
                writer.write(client_frame(0xA, payload[:125]))
                continue
            if opcode != 0x1:
                continue
            try:
                event = json.loads(payload)
            except ValueError:
                continue
            if event.get("kind") == "ticket.changed" and event.get("change") in {"created", "message"}:
                run.seen[int(event["ticket"])].setdefault(index, arrived)

    listener = asyncio.create_task(listen())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([listener, stopping], return_when=asyncio.FIRST_COMPLETED)
    if listener.done() and listener.exception() is not None and not stop.is_set():
        run.errors[f"websocket lost: {type(listener.exception()).__name__}"] += 1
    listener.cancel()
    stopping.cancel()
    with contextlib.suppress(ConnectionError):
        writer.write(client_frame(0x8, (1000).to_bytes(2, "big")))
        await writer.drain()
    writer.close()


async def sample_backlog(run: Run, stop: asyncio.Event, since: dt.datetime) -> None:
    """Every second: this run's messages waiting for triage, its inbound messages stored, and the
    database connections open."""
    from tickets.models import Message

    def count() -> tuple[int, int, int, int]:
        from django.db import close_old_connections, connection

        close_old_connections()
        pending = Message.objects.filter(triage_status=Message.Triage.PENDING, created_at__gte=since).count()
        stored = Message.objects.filter(direction=Message.Direction.INBOUND, created_at__gte=since).count()
        with connection.cursor() as cursor:  # PostgreSQL's max_connections is for the whole server
            cursor.execute(
                "SELECT count(*) FILTER (WHERE datname = current_database()), count(*) FROM pg_stat_activity"
            )
            ours, everyone = cursor.fetchone()
        return pending, stored, ours, everyone

    while not stop.is_set():
        pending, stored, ours, everyone = await asyncio.to_thread(count)
        now = time.monotonic() - run.t0
        run.backlog.append((now, pending, stored))
        run.connections.append((now, ours, everyone))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1)


async def warm_up(fixture: Fixture, port: int, messages: int = 12, timeout: float = 300,
                  ports: list[int] | None = None) -> None:  # fmt: skip
    """A few messages first, not counted: each worker process loads the triage models on its
    first message (tens of seconds), which is start-up, not the peak."""
    from django.utils import timezone

    from tickets.models import Message

    since = timezone.now()
    print(f"warming up: {messages} messages, waiting for their triage…", flush=True)
    scratch = Run(t0=time.monotonic())
    bases = [f"http://127.0.0.1:{p}" for p in ports or [port]]
    load = Load(fixture, bases[0], scratch, seed=0, bases=bases)
    await asyncio.gather(*(load.inbound(-1) for _ in range(messages)))
    await load.aclose()
    deadline = time.monotonic() + timeout

    def pending() -> int:
        from django.db import close_old_connections

        close_old_connections()
        return Message.objects.filter(triage_status=Message.Triage.PENDING, created_at__gte=since).count()

    while time.monotonic() < deadline and await asyncio.to_thread(pending) > 0:
        await asyncio.sleep(1)
    print(f"warm in {time.monotonic() - scratch.t0:.0f} s; warm-up errors: {dict(scratch.errors) or 'none'}")


async def scenario(fixture: Fixture, port: int, rates: list[float], seconds: float, seed: int,
                   drain_seconds: float, ports: list[int] | None = None) -> Run:  # fmt: skip
    from django.utils import timezone

    ports = ports or [port]
    run = Run(t0=time.monotonic())
    await warm_up(fixture, port, ports=ports)
    run.t0 = time.monotonic()
    stop_agents, stop_sampling = asyncio.Event(), asyncio.Event()
    readies = [asyncio.Event() for _ in fixture.agent_cookies]
    agents = [
        asyncio.create_task(
            agent_client(
                i, ports[i % len(ports)], fixture.session_cookie_name, cookie, run, readies[i], stop_agents
            )
        )
        for i, (_user, cookie) in enumerate(fixture.agent_cookies)
    ]
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), timeout=30)
    sampler = asyncio.create_task(sample_backlog(run, stop_sampling, timezone.now()))
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    load = Load(fixture, bases[0], run, seed, bases=bases)
    for index, rate in enumerate(rates):
        print(f"stage {index + 1}: {rate:.2f} messages/s for {seconds:.0f} s", flush=True)
        await load.stage(index, rate, seconds)
    if load.tasks:
        await asyncio.wait(set(load.tasks), timeout=60)
    # Drain: triage and the last events, until the backlog is empty (or the drain time is up).
    deadline = time.monotonic() + drain_seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        if run.backlog and run.backlog[-1][1] == 0:
            break
    await asyncio.sleep(2)
    stop_agents.set()
    stop_sampling.set()
    await asyncio.gather(*agents, sampler, return_exceptions=True)
    await load.aclose()
    return run


# --- the figures ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def account_for_messages(run: Run) -> tuple[int, int, int]:
    """(lost though accepted, lost after an error answer, duplicated) by external id; fills
    each message's ticket id. A sender retries what was refused, never what was accepted."""
    from tickets.models import Message

    lost = refused = duplicated = 0
    by_channel: dict[str, list[Sent]] = defaultdict(list)
    for sent in run.sent:
        by_channel[sent.channel].append(sent)
    for channel, items in by_channel.items():
        rows: dict[str, list[int | None]] = defaultdict(list)
        ids = [item.external_id for item in items]
        for start in range(0, len(ids), 1000):
            for external_id, ticket_id in Message.objects.filter(
                channel=channel, external_id__in=ids[start : start + 1000]
            ).values_list("external_id", "ticket_id"):
                rows[external_id].append(ticket_id)
        for item in items:
            found = rows.get(item.external_id, [])
            if not found and 200 <= item.status < 400:
                lost += 1
            elif not found:
                refused += 1
            elif len(found) > 1:
                duplicated += 1
            if found:
                item.ticket_id = found[0]
    return lost, refused, duplicated


@dataclass
class StageFigures:
    index: int
    target: float
    sent_rate: float
    stored: int
    latencies: list[float]
    not_seen: int
    page_p95: float
    api_p95: float
    inbound_p95: float
    errors: int
    backlog_max: int
    backlog_end: int
    connections_max: tuple[int, int]


def stage_figures(run: Run, agents: int) -> list[StageFigures]:
    figures = []
    for index, rate, start, end in run.stages:
        sent = [s for s in run.sent if s.stage == index]
        latencies: list[float] = []
        not_seen = 0
        for item in sent:
            if item.ticket_id is None:
                continue
            arrivals = run.seen.get(item.ticket_id, {})
            latencies.extend(arrival - item.started for arrival in arrivals.values())
            not_seen += agents - len(arrivals)
        requests = [r for r in run.requests if r.stage == index]

        def p95(kinds: set[str], requests: list[Request] = requests) -> float:
            return percentile([r.elapsed for r in requests if r.kind in kinds], 0.95)

        inbound_kinds = {
            r.kind for r in requests if r.kind.startswith(("webhook", "inbound", "contact form"))
        }
        window = [b for b in run.backlog if start <= b[0] <= end]
        figures.append(
            StageFigures(
                index=index,
                target=rate,
                sent_rate=len(sent) / (end - start),
                stored=sum(1 for s in sent if s.ticket_id is not None),
                latencies=latencies,
                not_seen=not_seen,
                page_p95=p95({"inbox page", "returns portal page", "contact page"}),
                api_p95=p95({"API read"}),
                inbound_p95=p95(inbound_kinds),
                errors=sum(1 for r in requests if r.status == 0 or r.status >= 400),
                backlog_max=max((b[1] for b in window), default=0),
                backlog_end=window[-1][1] if window else 0,
                connections_max=(
                    max((c[1] for c in run.connections if start <= c[0] <= end), default=0),
                    max((c[2] for c in run.connections if start <= c[0] <= end), default=0),
                ),
            )
        )
    return figures


def plot(run: Run, figures: list[StageFigures], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_rate, ax_latency, ax_backlog) = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    window = 5  # seconds per point
    horizon = int(max((b[0] for b in run.backlog), default=1)) + 1
    sent_per_window = Counter(int((s.started - run.t0) // window) for s in run.sent)
    times = list(range(0, horizon, window))
    ax_rate.plot(
        times, [sent_per_window.get(t // window, 0) / window for t in times], label="sent", marker="."
    )
    stored = [(b[0], b[2]) for b in run.backlog]
    if len(stored) > window:
        sampled = stored[::window]
        ax_rate.plot(
            [t for t, _ in sampled[1:]],
            [(b - a) / max(t2 - t1, 1e-6) for (t1, a), (t2, b) in itertools.pairwise(sampled)],
            label="stored (rows/s)", marker=".",
        )  # fmt: skip
    for _index, rate, start, end in run.stages:
        ax_rate.hlines(rate, start, end, colors="grey", linestyles="dashed")
    ax_rate.set_ylabel(f"inbound messages/s ({window} s windows)")
    ax_rate.legend(loc="upper left")
    # p95 inbound-to-inbox per 5 s window (by when the request started)
    buckets: dict[int, list[float]] = defaultdict(list)
    for s in run.sent:
        if s.ticket_id is None:
            continue
        for arrival in run.seen.get(s.ticket_id, {}).values():
            buckets[int((s.started - run.t0) // 5) * 5].append(arrival - s.started)
    keys = sorted(buckets)
    ax_latency.plot(keys, [percentile(buckets[k], 0.95) for k in keys], marker=".", label="p95")
    ax_latency.plot(keys, [percentile(buckets[k], 0.5) for k in keys], marker=".", label="p50")
    ax_latency.axhline(2.0, color="red", linestyle="dotted", label="target 2 s")
    ax_latency.set_ylabel("inbound → inbox (s)")
    ax_latency.set_yscale("log")
    ax_latency.legend(loc="upper left")
    ax_backlog.plot([b[0] for b in run.backlog], [b[1] for b in run.backlog], color="tab:purple")
    ax_backlog.set_ylabel("triage backlog (messages)")
    ax_backlog.set_xlabel("seconds since start")
    for ax in (ax_rate, ax_latency, ax_backlog):
        for _index, _rate, start, end in run.stages:
            ax.axvspan(start, end, alpha=0.06 * (1 + _index % 2), color="grey")
    fig.suptitle("Holiday peak: rising inbound stages")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_report(path: Path, png: Path, args: argparse.Namespace, run: Run, figures: list[StageFigures],
                 accounted: tuple[int, int, int], health: dict[str, Any]) -> str:  # fmt: skip
    from django.db import connection

    lost, refused, duplicated = accounted
    lines = [
        f"# Holiday peak — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/peak.py --normal-rate {args.normal_rate} --multipliers {' '.join(map(str, args.multipliers))} "
        f"--stage-seconds {args.stage_seconds} --agents {args.agents} --server {args.server} "
        f"--web-processes {args.web_processes} --worker-nice {args.worker_nice}` on {os.cpu_count()} CPU cores: "
        f"{args.server} ({args.web_processes} web process{'es' if args.web_processes > 1 else ''}), "
        f"two Celery workers (concurrency 2 each{f', nice {args.worker_nice}' if args.worker_nice else ''}), beat, "
        f"{connection.vendor} ({connection.settings_dict['NAME']}, persistent connections "
        f"{connection.settings_dict['CONN_MAX_AGE']} s), Redis. Inbound mix: "
        + ", ".join(f"{channel} {share}%" for channel, share in CHANNEL_MIX.items())
        + f"; per message also {TRACKING_PER_MESSAGE} tracking webhooks, {PORTAL_PER_MESSAGE} portal pages, "
        f"{INBOX_PAGE_PER_MESSAGE} inbox pages, {API_READ_PER_MESSAGE} API reads; "
        f"{REDELIVER_SHARE:.0%} of platform webhooks redelivered.",
        "",
        "Latency: start of the inbound request → the ticket's `ticket.changed` event in an agent's "
        "`/ws/inbox/` (every agent client counted).",
        "",
        "| stage | target msg/s | sent msg/s | stored | p50 s | p95 s | p99 s | not in inbox | "
        "p95 inbound req s | p95 page s | p95 API s | errors | backlog max / end | DB conns max (ours/all) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    best = None
    for f in figures:
        p95 = percentile(f.latencies, 0.95)
        lines.append(
            f"| {f.index + 1} | {f.target:.2f} | {f.sent_rate:.2f} | {f.stored} | "
            f"{percentile(f.latencies, 0.5):.2f} | {p95:.2f} | {percentile(f.latencies, 0.99):.2f} | "
            f"{f.not_seen} | {f.inbound_p95:.2f} | {f.page_p95:.2f} | {f.api_p95:.2f} | {f.errors} | "
            f"{f.backlog_max} / {f.backlog_end} | {f.connections_max[0]} / {f.connections_max[1]} |"
        )
        if p95 < 2.0 and f.errors == 0 and f.not_seen == 0 and (best is None or f.sent_rate > best.sent_rate):
            best = f
    lines += [
        "",
        f"Messages sent: {len(run.sent)}; **lost: {lost}** (accepted, never stored), "
        f"**duplicated: {duplicated}**, refused and not stored: {refused} (answered with an error, "
        "which a platform retries and the contact form shows) — by external id in the database, "
        "after the triage backlog drained.",
        "Highest sustained rate with p95 < 2 s, no errors and every message in every inbox: "
        + (f"**{best.sent_rate:.2f} messages/s** (stage {best.index + 1})." if best else "**none**."),
        f"Requests that waited for one of the {MAX_IN_FLIGHT} client slots: {run.waited_for_slot}.",
        f"This run's messages still waiting for triage when the drain ended: "
        f"{run.backlog[-1][1] if run.backlog else 0}.",
        "",
        "Errors: " + (", ".join(f"{kind} ×{n}" for kind, n in run.errors.most_common()) or "none") + ".",
        "",
        f"Health before the run: database {health.get('database', {}).get('ok')}, channel layer "
        f"{health.get('channel_layer', {}).get('ok')}, broker {health.get('broker', {}).get('ok')}, "
        f"worker {health.get('worker', {}).get('ok')}.",
        "",
        f"![rate, p95 inbound-to-inbox and triage backlog]({png.name})",
        "",
    ]
    text = "\n".join(lines)
    path.write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--normal-rate", type=float, default=0.5,
                        help="a normal day's inbound messages/s in its busiest hour (default 0.5)")  # fmt: skip
    parser.add_argument("--multipliers", type=float, nargs="+", default=[1, 3, 5])
    parser.add_argument("--stage-seconds", type=float, default=60)
    parser.add_argument("--agents", type=int, default=10, help="websocket inbox clients")
    parser.add_argument("--seed-scale", type=int, default=300, help="demo tickets seeded first")
    parser.add_argument("--drain-seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--var-dir", type=Path, default=REPO / "var" / "peak")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "peak")
    parser.add_argument("--skip-prepare", action="store_true", help="the database is migrated and seeded")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne", help="the ASGI server")
    parser.add_argument("--web-processes", type=int, default=1,
                        help="uvicorn --workers N, or N daphne processes on consecutive ports")  # fmt: skip
    parser.add_argument("--worker-nice", type=int, default=0, help="run the Celery workers under nice -n N")
    parser.add_argument(
        "--label", default="", help="appended to the report's file names: peak-<date>-<label>"
    )
    args = parser.parse_args()

    configure_environment(args.var_dir.resolve())
    if not args.skip_prepare:
        print("preparing the database (migrate, schedule, triage models, seed)…", flush=True)
        prepare_database(args.seed_scale)

    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    fixture = prepare_fixture(args.agents)
    port = free_ports(args.web_processes) if args.server == "daphne" else free_port()
    stack = Stack(
        args.var_dir / "logs",
        port,
        server=args.server,
        web_processes=args.web_processes,
        worker_nice=args.worker_nice,
    )
    print(f"starting {args.server} ×{args.web_processes} on :{','.join(map(str, stack.ports))}, two workers "
          f"and beat (logs in {stack.log_dir})…", flush=True)  # fmt: skip
    stack.start()
    try:
        health = stack.wait_healthy()
        rates = [args.normal_rate * m for m in args.multipliers]
        run = asyncio.run(
            scenario(
                fixture, port, rates, args.stage_seconds, args.seed, args.drain_seconds, ports=stack.ports
            )
        )
    finally:
        stack.stop()
    accounted = account_for_messages(run)
    figures = stage_figures(run, len(fixture.agent_cookies))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d") + (f"-{args.label}" if args.label else "")
    png = args.out / f"peak-{stamp}.png"
    plot(run, figures, png)
    print(write_report(args.out / f"peak-{stamp}.md", png, args, run, figures, accounted, health))
    for f in figures:
        if f.latencies:
            print(
                f"stage {f.index + 1}: median {statistics.median(f.latencies):.3f} s over {len(f.latencies)}"
            )


if __name__ == "__main__":
    main()
