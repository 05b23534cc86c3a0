"""Side-by-side benchmark of our helpdesk and django-helpdesk (PyPI) on the same tickets.

One command; it starts no server. For each system it runs this same file as a worker in a
subprocess with that system's own venv and settings (ours: .venv + helpdesk.settings.base;
theirs: bench/peer/.venv + bench/peer/theirs/peerproj.settings), drives the views with Django's
test client (force_login as "manager", a staff user in both), and prints one JSON line. The
parent then writes a Markdown table with both figures and the ratio theirs / ours to
bench/peer/results-<scale>.md. See README.md for what is measured and the fairness notes.

    . your-env.sh   # DATABASE_URL=...hd_peer_ours, SECRET_KEY, PLATFORM_CREDENTIALS_KEY, ...
    .venv/bin/python bench/peer/run.py --scale 10000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = {"ours": ROOT / ".venv" / "bin" / "python", "theirs": HERE / ".venv" / "bin" / "python"}
HOST = "localhost"


# ---------------------------------------------------------------- parent: corpus, workers, table


def write_emails(corpus: Path, directory: Path, count: int) -> list[Path]:
    """The same raw messages for both: the first customer message of the last `count` tickets."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.eml"):
        old.unlink()
    rows = corpus.read_text(encoding="utf-8").splitlines()[-count:]
    run = uuid.uuid4().hex[:8]
    paths = []
    for index, line in enumerate(rows):
        row = json.loads(line)
        body = row["messages"][0]["body"] if row["messages"] else "(empty)"
        message = EmailMessage()
        message["Subject"] = row["subject"] or "(no subject)"
        message["From"] = f"{row['customer_name'] or 'Customer'} <bench.{run}.{index}@customer.example>"
        message["To"] = "support@helpdesk.example"
        message["Date"] = format_datetime(time_now())
        message["Message-ID"] = make_msgid(idstring=f"{run}.{index}", domain="customer.example")
        message.set_content(body, charset="utf-8")
        message.add_alternative(f"<p>{body}</p>", subtype="html", charset="utf-8")
        path = directory / f"{index:05d}.eml"
        path.write_bytes(message.as_bytes())
        paths.append(path)
    return paths


def time_now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def run_worker(system: str, args: argparse.Namespace, eml_dir: Path) -> dict[str, Any]:
    command = [
        str(PYTHON[system]),
        str(Path(__file__).resolve()),
        "--worker",
        system,
        "--requests",
        str(args.requests),
        "--details",
        str(args.details),
        "--creates",
        str(args.creates),
        "--eml-dir",
        str(eml_dir),
    ]
    env = dict(os.environ)
    if system == "theirs":
        env["DJANGO_SETTINGS_MODULE"] = "peerproj.settings"
    else:
        env["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings.base"
    print(f"[{system}] {' '.join(command[1:])}", flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-6000:])
        raise SystemExit(f"{system} worker failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


ROWS = [
    # key, label, unit, lower is better
    ("tickets", "Tickets in the database", "", None),
    ("list_ms", "Ticket list page, median", "ms", True),
    ("list_queries", "Ticket list page, SQL queries", "", True),
    ("detail_ms", "Ticket detail page, median", "ms", True),
    ("detail_queries", "Ticket detail page, SQL queries (median)", "", True),
    ("create_per_s", "Ticket creation through the API", "tickets/s", False),
    ("create_queries", "Ticket creation, SQL queries per ticket (median)", "", True),
    ("ingest_per_s", "E-mail ingestion, new messages", "msg/s", False),
    ("ingest_ms", "E-mail ingestion, median per message", "ms", True),
]


def table(ours: dict[str, Any], theirs: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"# django-helpdesk {theirs['version']} vs ours, {ours['tickets']} tickets",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.requests} list requests, "
        f"{args.details} detail pages, {args.creates} API creations, {ours['emails']} e-mails per system. "
        "Ratio = theirs / ours (for times and queries, > 1 means ours is faster / leaner; "
        "for throughputs, < 1 means ours is faster).",
        "",
        "| Measure | Ours | django-helpdesk | Ratio theirs/ours |",
        "|---|---:|---:|---:|",
    ]
    for key, label, unit, _lower in ROWS:
        a, b = ours.get(key), theirs.get(key)
        ratio = f"{b / a:.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and a else "n/a"
        suffix = f" {unit}" if unit else ""
        lines.append(f"| {label} | {fmt(a)}{suffix} | {fmt(b)}{suffix} | {ratio} |")
    lines += ["", "Notes:", ""]
    lines += [f"- ours: {note}" for note in ours["notes"]]
    lines += [f"- django-helpdesk: {note}" for note in theirs["notes"]]
    return "\n".join(lines) + "\n"


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


# ---------------------------------------------------------------- worker helpers (either venv)


def timed_get(client: Any, path: str, requests: int) -> tuple[float, int]:
    """Median milliseconds of `requests` GETs after one warm-up, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as captured:
        client.get(path, HTTP_HOST=HOST)
    queries = len(captured)  # now: the next request resets connection.queries
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST=HOST)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), queries


def detail_pages(client: Any, paths: list[str]) -> tuple[float, float]:
    """Median over distinct tickets (each warmed once) of time and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], []
    for path in paths:
        client.get(path, HTTP_HOST=HOST)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST=HOST)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        queries.append(len(captured))
    return statistics.median(timings), statistics.median(queries)


def creations(client: Any, path: str, payloads: list[dict[str, Any]]) -> tuple[float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = []
    started = time.perf_counter()
    for payload in payloads:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, data=payload, content_type="application/json", HTTP_HOST=HOST)
        assert response.status_code == 201, (path, response.status_code, response.content[:500])
        queries.append(len(captured))
    elapsed = time.perf_counter() - started
    return len(payloads) / elapsed, statistics.median(queries)


def sample_indices(total: int, count: int) -> list[int]:
    step = max(total // count, 1)
    return [i * step for i in range(count) if i * step < total]


def create_texts(count: int) -> list[tuple[str, str, str]]:
    return [
        (
            f"Where is my order #{700000 + i}?",
            f"Hello, I ordered on the 3rd and the tracking has not moved for nine days. Order #{700000 + i}. "
            "Can you check with the carrier? Thanks, Alex",
            f"bench.create.{uuid.uuid4().hex[:10]}@customer.example",
        )
        for i in range(count)
    ]


def ingest(paths: list[Path], feed: Any) -> tuple[float, float]:
    timings = []
    for path in paths:
        raw = path.read_bytes()
        started = time.perf_counter()
        feed(raw)
        timings.append(time.perf_counter() - started)
    return len(timings) / sum(timings), statistics.median(timings) * 1000


# ---------------------------------------------------------------- workers


def worker_ours(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from customers.models import Platform, Store
    from tickets.models import Mailbox, Ticket
    from tickets.services import email_ingest

    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    tickets = Ticket.objects.count()
    result: dict[str, Any] = {"tickets": tickets, "version": "main"}
    result["list_ms"], result["list_queries"] = timed_get(client, "/inbox/", args.requests)
    ids = list(Ticket.objects.order_by("id").values_list("id", flat=True))
    paths = [f"/inbox/{ids[i]}/" for i in sample_indices(len(ids), args.details)]
    result["detail_ms"], result["detail_queries"] = detail_pages(client, paths)
    store = (
        Store.objects.filter(platform=Platform.EMAIL).order_by("id").first()
        or Store.objects.order_by("id").first()
    )
    assert store is not None
    payloads = [
        {"store": store.pk, "customer_email": email, "subject": subject, "body": body}
        for subject, body, email in create_texts(args.creates)
    ]
    result["create_per_s"], result["create_queries"] = creations(client, "/api/v1/tickets/", payloads)
    mailbox, _ = Mailbox.objects.get_or_create(address="support@helpdesk.example", defaults={"store": store})
    emails = sorted(Path(args.eml_dir).glob("*.eml"))
    result["ingest_per_s"], result["ingest_ms"] = ingest(
        emails, lambda raw: email_ingest(raw=raw, mailbox=mailbox)
    )
    result["emails"] = len(emails)
    result["notes"] = [
        "list = /inbox/ (server-rendered, 50 rows, default view of the manager: all stores, sorted by priority).",
        "detail = /inbox/<id>/ (conversation, customer, order/parcel panel, SLA, suggestions).",
        "create = POST /api/v1/tickets/ (message_ingest: customer match, threading, SLA, routing, triage hooks).",
        "ingest = tickets.services.ingestion.email_ingest(raw bytes, mailbox).",
    ]
    return result


def worker_theirs(args: argparse.Namespace) -> dict[str, Any]:
    import logging

    sys.path.insert(0, str(HERE / "theirs"))
    import django

    django.setup()
    from importlib.metadata import version

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import encoding
    from helpdesk.email import extract_email_metadata  # django-helpdesk (bench/peer/.venv)

    from helpdesk.models import Queue, Ticket  # type: ignore[attr-defined]  # theirs, not our helpdesk

    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    tickets = Ticket.objects.count()
    result: dict[str, Any] = {"tickets": tickets, "version": version("django-helpdesk")}
    page = client.get("/tickets/", HTTP_HOST=HOST)
    assert page.status_code == 200, page.status_code
    match = re.search(r"datatables_ticket_list/([A-Za-z0-9+/=_-]+)", page.content.decode())
    assert match, "no datatables URL in the ticket list page"
    rows_path = f"/datatables_ticket_list/{match.group(1)}?draw=1&start=0&length=50"
    shell_ms, shell_queries = timed_get(client, "/tickets/", args.requests)
    rows_ms, rows_queries = timed_get(client, rows_path, args.requests)
    result["list_ms"], result["list_queries"] = shell_ms + rows_ms, shell_queries + rows_queries
    ids = list(Ticket.objects.order_by("id").values_list("id", flat=True))
    paths = [f"/tickets/{ids[i]}/" for i in sample_indices(len(ids), args.details)]
    result["detail_ms"], result["detail_queries"] = detail_pages(client, paths)
    queue = Queue.objects.get(slug="support")
    payloads = [
        {"queue": queue.pk, "title": subject, "description": body, "submitter_email": email, "priority": 3}
        for subject, body, email in create_texts(args.creates)
    ]
    result["create_per_s"], result["create_queries"] = creations(client, "/api/tickets/", payloads)
    logger = logging.getLogger("peer.ingest")
    emails = sorted(Path(args.eml_dir).glob("*.eml"))
    result["ingest_per_s"], result["ingest_ms"] = ingest(
        emails,
        lambda raw: extract_email_metadata(
            message=encoding.force_str(raw, errors="replace"), queue=queue, logger=logger
        ),
    )
    result["emails"] = len(emails)
    result["notes"] = [
        f"list = /tickets/ shell ({shell_ms:.1f} ms, {shell_queries} queries) + its datatables JSON "
        f"with length=50 to match our 50 rows ({rows_ms:.1f} ms, {rows_queries} queries): the browser "
        "needs both; summed.",
        "detail = /tickets/<id>/ for the same corpus tickets (k-th ticket in load order on both sides).",
        "create = POST /api/tickets/ (DRF TicketSerializer -> TicketForm.save: ticket, follow-up, e-mails "
        "to submitter/queue via locmem backend).",
        "ingest = helpdesk.email.extract_email_metadata(str, queue, logger), what its IMAP/POP3/local "
        "sync calls per message.",
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=10_000, help="Names the corpus and the results file.")
    parser.add_argument("--requests", type=int, default=30, help="GETs of the list page (median).")
    parser.add_argument("--details", type=int, default=30, help="Distinct tickets whose page is timed.")
    parser.add_argument("--creates", type=int, default=100, help="Tickets created through each API.")
    parser.add_argument("--emails", type=int, default=200, help="Raw e-mails ingested by each system.")
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--worker", choices=["ours", "theirs"], default=None, help=argparse.SUPPRESS)
    parser.add_argument("--eml-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = worker_ours(args) if args.worker == "ours" else worker_theirs(args)
        print(json.dumps(result))
        return
    corpus = args.corpus or HERE / "var" / f"tickets-{args.scale}.jsonl"
    eml_dir = HERE / "var" / "eml"
    write_emails(corpus, eml_dir, args.emails)
    results = {system: run_worker(system, args, eml_dir) for system in ("ours", "theirs")}
    markdown = table(results["ours"], results["theirs"], args)
    out = HERE / f"results-{args.scale}.md"
    out.write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
