"""IMAP polling against a local IMAP server: nothing skipped, nothing fetched twice, never stuck."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.utils import timezone

from tests.tickets.imap_server import ImapServer
from tests.tickets.mail import raw_email
from tickets.ingest.imap import encode_folder, imap_date, parse_fetch
from tickets.models import Mailbox, Message, Ticket
from tickets.services.mailboxes import PollResult, mailbox_poll
from tickets.tasks import mailbox_poll as mailbox_poll_task
from tickets.tasks import mailboxes_poll_due

BROKEN = b"\x00\x01\x02 not mail at all \xff"


def customer_mail(n: int, **overrides) -> bytes:
    """A distinct customer's first message (its own sender and subject, so its own ticket)."""
    values = {
        "message_id": f"<question-{n}@mail.example.de>",
        "sender": f"Kunde {n} <kunde{n}@example.de>",
        "subject": f"Bestellung 30{n:02d}: wo ist mein Paket?",
    }
    values.update(overrides)
    return raw_email(**values)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def imap():
    server = ImapServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_timeouts(settings):
    settings.IMAP_TIMEOUT_SECONDS = 5


@pytest.fixture
def mailbox(store_eu, imap):
    return Mailbox.objects.create(
        store=store_eu,
        address="support@lumio.example",
        imap_host="127.0.0.1",
        imap_port=imap.port,
        imap_ssl=False,
        imap_user=imap.user,
        imap_password=imap.password,
    )


def poll(mailbox: Mailbox) -> PollResult:
    mailbox.refresh_from_db()
    result = mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    return result


def stored_ids() -> list[str]:
    return sorted(Message.objects.values_list("external_id", flat=True))


# --- position: backfill, new mail, UIDVALIDITY --------------------------------------------


@pytest.mark.django_db
def test_the_first_poll_backfills_recent_mail_read_only_and_leaves_older_mail(mailbox, imap):
    imap.add(customer_mail(1), received=days_ago(60))
    imap.add(customer_mail(2), received=days_ago(10))
    imap.add(customer_mail(3), received=days_ago(1))

    result = poll(mailbox)

    assert (result.backfill, result.fetched, result.stored, result.error) == (True, 2, 2, "")
    assert stored_ids() == ["<question-2@mail.example.de>", "<question-3@mail.example.de>"]
    assert Ticket.objects.count() == 2
    assert mailbox.imap_uidvalidity == 1700000000
    assert mailbox.imap_last_uid == 3
    assert mailbox.last_polled_at is not None
    assert mailbox.imap_lease_until is None
    # Read-only: the folder is EXAMINEd and nothing is marked \Seen.
    assert any(command.startswith("EXAMINE") for command in imap.commands)
    assert imap.seen() == []


@pytest.mark.django_db
def test_a_second_poll_with_no_new_mail_fetches_nothing(mailbox, imap):
    imap.add(customer_mail(1))
    imap.add(customer_mail(2))
    poll(mailbox)

    result = poll(mailbox)

    # `UID 3:*` matches the last message (UID 2) on a real server; it must not come back.
    assert "UID SEARCH UID 3:*" in imap.commands
    assert (result.fetched, result.stored, result.duplicates, result.backfill) == (0, 0, 0, False)
    assert imap.fetched == [1, 2]


@pytest.mark.django_db
def test_new_mail_is_fetched_once(mailbox, imap):
    imap.add(customer_mail(1))
    poll(mailbox)
    imap.add(customer_mail(2))

    first = poll(mailbox)
    second = poll(mailbox)

    assert (first.fetched, first.stored) == (1, 1)
    assert second.fetched == 0
    assert imap.fetched == [1, 2]
    assert mailbox.imap_last_uid == 2
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_mail_moved_in_later_with_an_old_date_is_still_fetched(mailbox, imap):
    imap.add(customer_mail(1))
    poll(mailbox)

    imap.add(customer_mail(2), received=days_ago(400))  # e.g. dragged in from an archive folder
    result = poll(mailbox)

    assert result.stored == 1
    assert "<question-2@mail.example.de>" in stored_ids()


@pytest.mark.django_db
def test_without_backfill_only_mail_arriving_after_the_first_connection_is_fetched(mailbox, imap):
    mailbox.imap_backfill_days = 0
    mailbox.save(update_fields=["imap_backfill_days"])
    imap.add(customer_mail(1))

    first = poll(mailbox)
    imap.add(customer_mail(2))
    second = poll(mailbox)

    assert (first.backfill, first.fetched) == (True, 0)
    assert second.stored == 1
    assert stored_ids() == ["<question-2@mail.example.de>"]


@pytest.mark.django_db
def test_a_uidvalidity_change_backfills_again_without_duplicates(mailbox, imap):
    imap.add(customer_mail(1))
    imap.add(customer_mail(2))
    imap.add(customer_mail(3))
    imap.expunge(1)
    poll(mailbox)

    imap.renumber(1800000000)  # the provider rebuilt the folder: UIDs 1, 2 now
    imap.add(customer_mail(4))
    result = poll(mailbox)

    assert result.backfill
    assert (result.fetched, result.duplicates, result.stored) == (3, 2, 1)
    assert mailbox.imap_uidvalidity == 1800000000
    assert mailbox.imap_last_uid == 3
    assert Message.objects.count() == 3
    assert Ticket.objects.count() == 3


@pytest.mark.django_db
def test_changing_the_folder_starts_over_in_the_new_folder(mailbox, imap):
    imap.add(customer_mail(1))
    poll(mailbox)
    imap.add(customer_mail(2), folder="收件箱")  # same UIDVALIDITY as INBOX would not matter either

    mailbox.imap_folder = "收件箱"
    mailbox.save(update_fields=["imap_folder"])
    result = poll(mailbox)

    assert (result.backfill, result.stored) == (True, 1)
    assert mailbox.imap_source.endswith("/收件箱")


@pytest.mark.django_db
def test_a_big_backfill_is_spread_over_several_polls(mailbox, imap, settings):
    settings.IMAP_MAX_MESSAGES_PER_POLL = 2
    for n in range(1, 6):
        imap.add(customer_mail(n))

    results = [poll(mailbox) for _ in range(3)]

    assert [result.stored for result in results] == [2, 2, 1]
    assert [result.more for result in results] == [True, True, False]
    assert Message.objects.count() == 5
    assert imap.fetched == [1, 2, 3, 4, 5]


# --- failures: nothing lost, nothing duplicated, never stuck --------------------------------


@pytest.mark.django_db
def test_a_connection_dropped_mid_fetch_resumes_after_the_last_stored_message(mailbox, imap, settings):
    settings.IMAP_FETCH_BATCH = 2
    for n in range(1, 6):
        imap.add(customer_mail(n))
    imap.drop_during_fetch(after=3)  # batch 1-2 arrives, then 3 and half of 4, then the line dies

    broken = poll(mailbox)

    assert "closed the connection" in broken.error
    assert mailbox.last_error == broken.error
    assert mailbox.imap_failures == 1
    assert mailbox.imap_last_uid == 2
    assert mailbox.imap_lease_until is None
    assert Message.objects.count() == 2

    resumed = poll(mailbox)

    assert (resumed.error, resumed.fetched, resumed.stored, resumed.duplicates) == ("", 3, 3, 0)
    assert stored_ids() == [f"<question-{n}@mail.example.de>" for n in range(1, 6)]
    assert (mailbox.imap_failures, mailbox.last_error, mailbox.imap_last_uid) == (0, "", 5)


@pytest.mark.django_db
def test_a_wrong_password_is_recorded_and_the_next_good_poll_catches_up(mailbox, imap):
    imap.add(customer_mail(1))
    imap.add(customer_mail(2))
    mailbox.imap_password = "wrong"
    mailbox.save(update_fields=["imap_password"])

    first = poll(mailbox)
    second = poll(mailbox)

    assert "refused the login for 'support@lumio.example'" in first.error
    assert "AUTHENTICATIONFAILED" in mailbox.last_error
    assert mailbox.imap_failures == 2
    assert mailbox.imap_uidvalidity is None
    # Backing off: 60 s after one failure, 120 s after two.
    assert mailbox.imap_next_poll_at - mailbox.last_polled_at == dt.timedelta(seconds=120)
    assert second.fetched == 0
    assert Message.objects.count() == 0

    mailbox.imap_password = imap.password
    mailbox.save(update_fields=["imap_password"])
    fixed = poll(mailbox)

    assert (fixed.error, fixed.stored) == ("", 2)
    assert (mailbox.last_error, mailbox.imap_failures) == ("", 0)
    assert mailbox.imap_next_poll_at - mailbox.last_polled_at == dt.timedelta(seconds=60)


@pytest.mark.django_db
def test_an_unreachable_or_silent_server_is_recorded_not_raised(mailbox, imap, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        free_port = closed.getsockname()[1]
    mailbox.imap_port = free_port
    mailbox.save(update_fields=["imap_port"])

    refused = poll(mailbox)

    settings.IMAP_TIMEOUT_SECONDS = 0.3
    imap.silent = True
    mailbox.imap_port = imap.port
    mailbox.save(update_fields=["imap_port"])
    silent = poll(mailbox)

    assert f"127.0.0.1:{free_port} refused the connection" in refused.error
    assert "did not answer within 0.3 s while connecting" in silent.error
    assert mailbox.imap_failures == 2


@pytest.mark.django_db
def test_tls_against_a_plain_server_says_to_check_the_tls_setting(mailbox):
    mailbox.imap_ssl = True
    mailbox.save(update_fields=["imap_ssl"])

    result = poll(mailbox)

    assert "TLS" in result.error
    assert "IMAP over TLS" in result.error


def self_signed_certificate(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no public CA signed, as an in-house mail server has."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "imap.lumio.test")])
    now = dt.datetime.now(tz=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "imap.pem", folder / "imap.key"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(certfile), str(keyfile)


@pytest.mark.django_db
def test_over_tls_an_untrusted_certificate_is_refused_and_a_trusted_one_polls(
    mailbox, imap, tmp_path, monkeypatch
):
    certfile, keyfile = self_signed_certificate(tmp_path)
    imap.use_tls(certfile=certfile, keyfile=keyfile)
    imap.add(customer_mail(1))
    mailbox.imap_ssl = True
    mailbox.save(update_fields=["imap_ssl"])

    untrusted = poll(mailbox)
    monkeypatch.setenv("SSL_CERT_FILE", certfile)  # the operator trusts their own CA
    trusted = poll(mailbox)

    assert "presented a certificate that cannot be trusted" in untrusted.error
    assert (trusted.error, trusted.stored) == ("", 1)


@pytest.mark.django_db
def test_an_unknown_folder_is_a_clear_error(mailbox):
    mailbox.imap_folder = "Support Inbox"
    mailbox.save(update_fields=["imap_folder"])

    result = poll(mailbox)

    assert "cannot open folder 'Support Inbox'" in result.error
    assert "NONEXISTENT" in result.error


@pytest.mark.django_db
def test_a_malformed_message_is_stored_raw_and_the_ones_after_it_still_arrive(mailbox, imap):
    imap.add(customer_mail(1))
    imap.add(BROKEN)
    imap.add(customer_mail(3))

    result = poll(mailbox)

    assert (result.fetched, result.stored, result.unprocessable, result.error) == (3, 2, 1, "")
    kept = Message.objects.get(parse_error__gt="")
    assert bytes(kept.raw) == BROKEN
    assert kept.ticket is None
    assert Ticket.objects.count() == 2
    assert mailbox.imap_last_uid == 3


@pytest.mark.django_db
def test_auto_replies_and_bounces_are_stored_but_open_no_ticket(mailbox, imap):
    imap.add(
        customer_mail(
            1,
            sender="MAILER-DAEMON <mailer-daemon@mx.example>",
            subject="Undelivered Mail Returned to Sender",
            extra_headers={"Auto-Submitted": "auto-replied"},
        )
    )
    imap.add(customer_mail(2, subject="Out of office", extra_headers={"X-Autoreply": "yes"}))

    result = poll(mailbox)

    assert (result.auto_replies, result.stored) == (2, 0)
    assert Message.objects.filter(is_auto_submitted=True).count() == 2
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_servers_that_put_the_uid_after_the_body_or_send_no_uidnext_work_too(mailbox, imap):
    imap.uid_after_body = True
    imap.send_uidnext = False
    imap.add(customer_mail(1), received=days_ago(90))
    imap.add(customer_mail(2))

    first = poll(mailbox)
    imap.add(customer_mail(3))
    second = poll(mailbox)

    assert (first.stored, second.stored) == (1, 1)
    assert mailbox.imap_backfill_uid == 2
    assert stored_ids() == ["<question-2@mail.example.de>", "<question-3@mail.example.de>"]


# --- Celery, the schedule and the lock ------------------------------------------------------


@pytest.mark.django_db
def test_the_beat_task_polls_each_due_mailbox_once_through_celery(mailbox, imap, store_eu):
    Mailbox.objects.create(store=store_eu, address="webhook-only@lumio.example")
    Mailbox.objects.create(
        store=store_eu,
        address="paused@lumio.example",
        imap_host="127.0.0.1",
        imap_port=imap.port,
        is_active=False,
    )
    imap.add(customer_mail(1))

    queued = mailboxes_poll_due.delay().get()
    again = mailboxes_poll_due.delay().get()

    mailbox.refresh_from_db()
    assert (queued, again) == (1, 0)
    assert imap.logins == 1
    assert Message.objects.count() == 1
    assert mailbox.imap_next_poll_at == mailbox.last_polled_at + dt.timedelta(seconds=60)
    with time_machine.travel(mailbox.imap_next_poll_at + dt.timedelta(seconds=1)):
        assert mailboxes_poll_due.delay().get() == 1
    assert imap.logins == 2


@pytest.mark.django_db
def test_a_queued_poll_made_redundant_by_a_later_poll_does_nothing(mailbox, imap):
    queued_at = timezone.now()
    poll(mailbox)

    outcome = mailbox_poll_task.delay(mailbox.pk, queued_at=queued_at.isoformat()).get()

    assert outcome["skipped"] is True
    assert imap.logins == 1


@pytest.mark.django_db
def test_a_poll_while_another_worker_holds_the_mailbox_does_nothing_until_its_lease_expires(mailbox, imap):
    imap.add(customer_mail(1))
    held_until = timezone.now() + dt.timedelta(minutes=10)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_lease_until=held_until)  # a worker mid-poll

    busy = mailbox_poll_task.delay(mailbox.pk).get()

    assert busy["busy"] is True
    assert imap.logins == 0
    mailbox.refresh_from_db()
    assert mailbox.imap_lease_until == held_until
    # That worker died: its lease runs out and the next poll goes ahead.
    with time_machine.travel(held_until + dt.timedelta(seconds=1)):
        done = mailbox_poll_task.delay(mailbox.pk).get()
    assert (done["busy"], done["stored"]) == (False, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_workers_polling_at_once_never_fetch_the_same_mail_twice(mailbox, imap):
    for n in range(1, 6):
        imap.add(customer_mail(n))
    imap.hold_fetch = threading.Event()  # whoever gets the mailbox is mid-poll while the others try
    start = threading.Barrier(4)
    results: list[PollResult] = []

    def worker() -> None:
        start.wait()
        try:
            results.append(mailbox_poll(mailbox=Mailbox.objects.select_related("store").get(pk=mailbox.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(results) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    turned_away = list(results)
    imap.hold_fetch.set()
    for thread in threads:
        thread.join()

    assert [result.busy for result in turned_away] == [True, True, True]
    assert imap.logins == 1
    assert sum(result.stored for result in results) == 5
    assert imap.fetched == [1, 2, 3, 4, 5]
    assert Message.objects.count() == 5


# --- admin ----------------------------------------------------------------------------------


def run_action(client, action: str, mailboxes) -> str:
    response = client.post(
        "/admin/tickets/mailbox/",
        {"action": action, ACTION_CHECKBOX_NAME: [mailbox.pk for mailbox in mailboxes]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_manager_tests_the_connection_from_admin_and_reads_the_reason_when_it_fails(
    client, manager, mailbox, imap, store_eu
):
    imap.add(customer_mail(1))
    wrong = Mailbox.objects.create(
        store=store_eu,
        address="returns@lumio.example",
        imap_host="127.0.0.1",
        imap_port=imap.port,
        imap_ssl=False,
        imap_user="returns@lumio.example",
        imap_password="nope",
    )
    client.force_login(manager)

    page = run_action(client, "test_connection", [mailbox, wrong])

    assert "Connected: folder “INBOX” holds 1 messages" in page
    assert "refused the login for &#x27;returns@lumio.example&#x27;" in page
    assert Message.objects.count() == 0  # a test fetches nothing


@pytest.mark.django_db
def test_a_manager_polls_now_from_admin_and_sees_where_polling_stands(
    client, manager, mailbox, imap, django_capture_on_commit_callbacks
):
    imap.add(customer_mail(1))
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        page = run_action(client, "poll_now", [mailbox])
    change = client.get(f"/admin/tickets/mailbox/{mailbox.pk}/change/").content.decode()

    assert "Polls queued: 1" in page
    assert Message.objects.count() == 1
    assert "1700000000" in change  # UIDVALIDITY
    assert "Where polling stands" in change


# --- the client's small parts ---------------------------------------------------------------


def test_folder_names_are_sent_in_modified_utf7_and_quoted():
    assert encode_folder("INBOX") == '"INBOX"'
    assert encode_folder("台北") == '"&U,BTFw-"'  # RFC 3501's own example
    assert encode_folder('Support & "Returns"') == '"Support &- \\"Returns\\""'


def test_search_dates_use_english_month_names():
    assert imap_date(dt.date(2026, 3, 7)) == "07-Mar-2026"


def test_fetch_responses_are_read_by_uid_and_unsolicited_flag_updates_ignored():
    data = [
        (b"1 (UID 7 BODY[] {5}", b"hello"),
        b")",
        b"2 (FLAGS (\\Seen))",
        (b"3 (BODY[] {3}", b"bye"),
        b" UID 9)",
    ]

    assert parse_fetch(data) == {7: b"hello", 9: b"bye"}
