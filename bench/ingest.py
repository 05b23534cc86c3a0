"""E-mail ingestion throughput: raw MIME in, committed message (threaded, ticket opened) out.

Builds realistic messages from the demo corpus (twelve languages, their usual charsets and
transfer encodings, a third of them replies threaded by In-Reply-To, some with attachments),
then feeds them one by one to ``email_ingest`` exactly as the webhook and IMAP do, and
redelivers them all to time the duplicate path. Each run uses fresh Message-IDs, so it can be
repeated on the same database. Not a test: timings depend on the machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_10k SECRET_KEY=<50+ chars> DEBUG=false \\
        ALLOWED_HOSTS=localhost .venv/bin/python bench/ingest.py --messages 2000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from customers.models import Platform, Store  # noqa: E402
from helpdesk.demo import corpus  # noqa: E402
from tickets.models import Mailbox  # noqa: E402
from tickets.services import email_ingest  # noqa: E402

# The charset each language's mail most often arrives in, as in real inboxes.
CHARSETS = {"zh": "gb18030", "ja": "iso-2022-jp", "ko": "euc-kr", "de": "iso-8859-1", "fr": "windows-1252"}
REPLY_SHARE = 0.3
ATTACHMENT_SHARE = 0.1


def bench_mailbox() -> Mailbox:
    store, _ = Store.objects.get_or_create(
        platform=Platform.EMAIL,
        external_id="bench-ingest",
        defaults={"name": "Ingestion benchmark", "currency": "EUR", "default_language": "en"},
    )
    mailbox, _ = Mailbox.objects.get_or_create(
        address="bench-ingest@helpdesk.example", defaults={"store": store}
    )
    return mailbox


def build_messages(count: int, run: str, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    sent: list[tuple[str, str, str]] = []  # (message id, sender, subject) a reply can answer
    messages = []
    for index in range(count):
        language = rng.choice(corpus.LANGUAGES)
        intent = rng.choice(list(corpus.CUSTOMER_MESSAGES[language]))
        subject, body = rng.choice(corpus.CUSTOMER_MESSAGES[language][intent])
        body = body.format(
            name="Alex", order=f"#{100000 + index}", tracking="LX123456785CN", product="lamp", days=9
        )
        message = EmailMessage()
        message_id = make_msgid(idstring=f"{run}.{index}", domain="customer.example")
        if sent and rng.random() < REPLY_SHARE:
            parent_id, sender, parent_subject = rng.choice(sent)
            message["Subject"] = f"Re: {parent_subject}"
            message["In-Reply-To"] = parent_id
            message["References"] = parent_id
        else:
            sender = f"customer.{run}.{index}@customer.example"
            message["Subject"] = subject
            sent.append((message_id, sender, subject))
        message["From"] = f"Alex Example <{sender}>"
        message["To"] = "bench-ingest@helpdesk.example"
        message["Date"] = format_datetime(timezone.now())
        message["Message-ID"] = message_id
        charset = CHARSETS.get(language, "utf-8")
        try:
            body.encode(charset)
        except UnicodeEncodeError:
            charset = "utf-8"
        message.set_content(body, charset=charset)
        message.add_alternative(f"<p>{body}</p>", subtype="html", charset="utf-8")
        if rng.random() < ATTACHMENT_SHARE:
            message.add_attachment(
                rng.randbytes(40_000), maintype="image", subtype="jpeg", filename="photo.jpg"
            )
        messages.append(message.as_bytes())
    return messages


def ingest_all(messages: list[bytes], mailbox: Mailbox, label: str) -> list[float]:
    timings = []
    for raw in tqdm(messages, desc=label, unit="msg"):
        started = time.perf_counter()
        email_ingest(raw=raw, mailbox=mailbox)
        timings.append(time.perf_counter() - started)
    return timings


def report(label: str, timings: list[float]) -> None:
    total = sum(timings)
    per_message_ms = sorted(t * 1000 for t in timings)
    p95 = statistics.quantiles(per_message_ms, n=20)[-1]
    print(
        f"{label:<12} {len(timings) / total:>8.1f} msg/s   "
        f"median {statistics.median(per_message_ms):6.1f} ms   p95 {p95:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    mailbox = bench_mailbox()
    messages = build_messages(args.messages, run, args.seed)
    size = sum(len(raw) for raw in messages) / len(messages)
    print(f"{len(messages)} messages (mean {size / 1024:.1f} KiB) on {connection.vendor}, run {run}")
    first = ingest_all(messages, mailbox, "new")
    again = ingest_all(messages, mailbox, "redelivered")
    report("new", first)
    report("redelivered", again)


if __name__ == "__main__":
    main()
