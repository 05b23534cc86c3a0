"""Load the JSON-lines corpus written by export_ours.py into django-helpdesk (bench/peer/theirs).

Runs in bench/peer/.venv. Creates one queue ("Support", slug "support"), one staff user
("manager", the same name our seed uses) and, per corpus line, one helpdesk Ticket (title =
subject, description = first customer message, submitter_email, created time, status,
priority) and one FollowUp per later message (public for customer and agent messages,
private for internal notes), with bulk_create in blocks, as our seed_demo does. Idempotent
only in the sense that it empties helpdesk's tickets first.

    bench/peer/.venv/bin/python bench/peer/load_theirs.py bench/peer/var/tickets-10000.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "theirs"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.db import transaction  # noqa: E402

from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

# Our statuses onto helpdesk's five (open, reopened, resolved, closed, duplicate).
STATUS = {
    "new": Ticket.OPEN_STATUS,
    "open": Ticket.OPEN_STATUS,
    "pending": Ticket.OPEN_STATUS,
    "on_hold": Ticket.OPEN_STATUS,
    "solved": Ticket.RESOLVED_STATUS,
    "closed": Ticket.CLOSED_STATUS,
}
BLOCK = 1000


def ensure_reference() -> tuple[Queue, object]:
    Site.objects.update_or_create(pk=1, defaults={"domain": "localhost", "name": "localhost"})
    queue, _ = Queue.objects.get_or_create(
        slug="support",
        defaults={
            "title": "Support",
            "email_address": "support@helpdesk.example",
            "allow_public_submission": True,
            "allow_email_submission": True,
        },
    )
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username="manager",
        defaults={"email": "manager@helpdesk.example", "is_staff": True, "is_superuser": True},
    )
    if created:
        user.set_password("manager")
        user.save()
    return queue, user


def load_block(rows: list[dict], queue: Queue, user: object) -> None:
    tickets = []
    for row in rows:
        first = row["messages"][0]["body"] if row["messages"] else ""
        priority = min(max(int(row.get("priority") or 3), 1), 5)
        tickets.append(
            Ticket(
                title=(row["subject"] or first[:60] or "(no subject)")[:200],
                queue=queue,
                submitter_email=row["customer_email"],
                status=STATUS.get(row["status"], Ticket.OPEN_STATUS),
                description=first,
                priority=priority,
                assigned_to=user if row["status"] not in ("new",) else None,
            )
        )
    Ticket.objects.bulk_create(tickets)
    followups = []
    for ticket, row in zip(tickets, rows, strict=True):
        ticket.created = dt.datetime.fromisoformat(row["created"])
        last = ticket.created
        for message in row["messages"][1:]:
            at = dt.datetime.fromisoformat(message["at"])
            last = max(last, at)
            followups.append(
                FollowUp(
                    ticket=ticket,
                    date=at,
                    title="Comment",
                    comment=message["body"],
                    public=message["direction"] != "internal",
                    user=user if message["direction"] != "inbound" else None,
                )
            )
        ticket.modified = last
    Ticket.objects.bulk_update(tickets, ["created", "modified"])
    FollowUp.objects.bulk_create(followups)  # bulk_create skips FollowUp.save(): no ticket re-save


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    started = time.monotonic()
    queue, user = ensure_reference()
    FollowUp.objects.all().delete()
    Ticket.objects.all().delete()
    rows: list[dict] = []
    count = 0
    with args.corpus.open(encoding="utf-8") as corpus:
        for line in corpus:
            rows.append(json.loads(line))
            if len(rows) == BLOCK:
                with transaction.atomic():
                    load_block(rows, queue, user)
                count += len(rows)
                rows = []
    if rows:
        with transaction.atomic():
            load_block(rows, queue, user)
        count += len(rows)
    print(
        f"{count} tickets, {FollowUp.objects.count()} follow-ups loaded in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
