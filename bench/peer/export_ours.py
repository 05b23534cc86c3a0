"""Write the tickets of our seeded database as one JSON-lines corpus, the input of load_theirs.py.

Runs in the project's own venv against the database seeded with ``manage.py seed_demo --scale N``
(a fixed seed, so the corpus is the same on every machine). One line per ticket, in id order:
subject, customer e-mail and name, created time, status, priority (1 = highest) and every
message (direction, text, time). django-helpdesk then receives exactly these texts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_peer_ours ... \\
        .venv/bin/python bench/peer/export_ours.py --out bench/peer/var/tickets-10000.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from django.db.models import Prefetch  # noqa: E402

from tickets.models import Message, Ticket  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    messages = Message.objects.only("ticket_id", "direction", "body_text", "created_at").order_by(
        "created_at", "id"
    )
    tickets = (
        Ticket.objects.select_related("customer")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by("id")
    )
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for ticket in tickets.iterator(chunk_size=1000):
            row = {
                "subject": ticket.subject,
                "customer_email": ticket.customer.email or f"customer{ticket.customer_id}@example.com",
                "customer_name": ticket.customer.display_name,
                "created": ticket.created_at.isoformat(),
                "status": ticket.status,
                "priority": ticket.priority,
                "messages": [
                    {"direction": m.direction, "body": m.body_text, "at": m.created_at.isoformat()}
                    for m in ticket.messages.all()
                ],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} tickets written to {args.out}")


if __name__ == "__main__":
    main()
