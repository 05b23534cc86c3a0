from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from customers.models import Store
from tickets.demo.reference import DEMO_PASSWORD, USERS
from tickets.models import Mailbox


class Command(BaseCommand):
    help = "Print the URL and the demo logins (after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u[0] for u in USERS])
            .values_list("username", flat=True)
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"  Helpdesk:  {url}"))
        self.stdout.write(f"  Admin:     {url}admin/")
        self.stdout.write(f"  Health:    {url}healthz")
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, teams, languages, _, _ in USERS:
            if username in existing:
                where = ", ".join(teams) or "every store"
                self.stdout.write(
                    f"    {username:<12} {role:<10} {first} {last}: {where}; speaks {'/'.join(languages)}"
                )
        mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
        if mailbox is not None:
            self.stdout.write(f"  Send it an e-mail ({mailbox.address}), as an inbound-mail provider would:")
            self.stdout.write(
                f"    curl -H 'Content-Type: message/rfc822' --data-binary @message.eml "
                f"{url}inbound/email/{mailbox.inbound_token}/"
            )
        store = Store.objects.filter(is_active=True).order_by("pk").first()
        if store is not None:
            self.stdout.write(f"  {store.name}'s contact form: {url}contact/{store.inbound_key}/")
            self.stdout.write(f"  and its chat widget, to try: {url}contact/{store.inbound_key}/chat-demo/")
        self.stdout.write("  Press Ctrl-C to stop web, worker and beat.\n")
