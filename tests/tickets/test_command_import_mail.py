"""`manage.py import_mail`: .eml, maildir and mbox through the same pipeline, idempotently."""

from __future__ import annotations

import mailbox as mailboxes
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.tickets.mail import raw_email
from tickets.models import Mailbox, Message, Ticket


@pytest.fixture
def mailbox(store_eu):
    return Mailbox.objects.create(store=store_eu, address="support@lumio.example")


def run(*paths) -> str:
    out = StringIO()
    call_command("import_mail", *map(str, paths), mailbox="support@lumio.example", verbosity=0, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_eml_maildir_and_mbox_are_imported_and_a_second_run_imports_nothing(mailbox, tmp_path):
    (tmp_path / "one.eml").write_bytes(raw_email(message_id="<eml-1@x.example>", subject="Parcel late"))
    maildir = mailboxes.Maildir(str(tmp_path / "maildir"), create=True)
    maildir.add(raw_email(message_id="<md-1@x.example>", sender="Paul <paul@example.fr>", subject="Colis"))
    mbox = mailboxes.mbox(str(tmp_path / "archive.mbox"), create=True)
    mbox.add(raw_email(message_id="<mb-1@x.example>", sender="Eva <eva@example.se>", subject="Paket"))
    mbox.add(
        raw_email(
            message_id="<mb-2@x.example>",
            sender="MAILER-DAEMON <mailer-daemon@mx.example>",
            subject="Undelivered Mail Returned to Sender",
            extra_headers={"Auto-Submitted": "auto-replied"},
        )
    )
    mbox.flush()
    (tmp_path / "broken.eml").write_bytes(b"\x00\x01\x02 not mail at all \xff")

    first = run(
        tmp_path / "one.eml", tmp_path / "maildir", tmp_path / "archive.mbox", tmp_path / "broken.eml"
    )
    second = run(tmp_path / "one.eml", tmp_path / "maildir", tmp_path / "archive.mbox")

    assert "Imported 3, duplicates 0, auto-replies and bounces recognised 1, failed 1." in first
    assert "broken.eml" in first
    assert "Imported 0, duplicates 4" in second
    assert Ticket.objects.count() == 3
    assert Message.objects.count() == 5


@pytest.mark.django_db
def test_an_unknown_mailbox_stops_the_command_with_a_clear_error(tmp_path):
    (tmp_path / "one.eml").write_bytes(raw_email())

    with pytest.raises(CommandError, match="No mailbox"):
        run(tmp_path / "one.eml")
