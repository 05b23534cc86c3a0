"""Import .eml files, maildirs and mbox files through the same pipeline as IMAP."""

from __future__ import annotations

import mailbox as mailboxes
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tickets.models import Mailbox
from tickets.services import email_ingest


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) for every message under ``path``, whatever the container."""
    if path.is_dir() and _is_maildir(path):
        maildir = mailboxes.Maildir(str(path), factory=None, create=False)
        for key in sorted(maildir.iterkeys()):
            yield f"{path}:{key}", maildir.get_bytes(key)
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_dir() or child.suffix.lower() in {".eml", ".mbox", ".mbx"} or _is_mbox(child):
                yield from messages_in(child)
    elif _is_mbox(path):
        mbox = mailboxes.mbox(str(path), factory=None, create=False)
        for index, key in enumerate(mbox.iterkeys()):
            yield f"{path}#{index + 1}", mbox.get_bytes(key)
    else:
        yield str(path), path.read_bytes()


class Command(BaseCommand):
    help = (
        "Import e-mail from .eml files, maildirs and mbox files into a mailbox's store, exactly as if "
        "it had arrived over IMAP. Running it again imports nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--mailbox", required=True, help="Address of the mailbox the mail was sent to.")

    def handle(self, *args: Any, paths: list[Path], mailbox: str, **options: Any) -> None:
        target = Mailbox.objects.select_related("store").filter(address__iexact=mailbox).first()
        if target is None:
            raise CommandError(f"No mailbox {mailbox!r}. Create it in admin (Tickets › Mailboxes) first.")
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        counts: Counter[str] = Counter()
        failures: list[tuple[str, str]] = []
        progress = tqdm(unit="messages", disable=options["verbosity"] == 0, dynamic_ncols=True)
        for path in paths:
            for where, raw in messages_in(path):
                progress.update()
                try:
                    result = email_ingest(raw=raw, mailbox=target)
                except Exception as error:  # one bad message never stops the import
                    failures.append((where, f"{type(error).__name__}: {error}"))
                    continue
                if result.unprocessable:
                    failures.append((where, result.message.parse_error))
                elif result.duplicate:
                    counts["duplicates"] += 1
                elif result.message.is_auto_submitted:
                    counts["auto-replies and bounces"] += 1
                else:
                    counts["imported"] += 1
        progress.close()
        self.stdout.write(
            f"Imported {counts['imported']}, duplicates {counts['duplicates']}, "
            f"auto-replies and bounces recognised {counts['auto-replies and bounces']}, failed {len(failures)}."
        )
        for where, reason in failures:
            self.stdout.write(f"  failed: {where}: {reason}")
