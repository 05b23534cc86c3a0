"""Polling IMAP mailboxes into the one ingestion pipeline (DESIGN.md flows 1 and 6).

Where a mailbox stands is kept on its row: the folder it belongs to (``imap_source``),
the folder's UIDVALIDITY, and ``imap_last_uid``, the highest UID whose message is
committed. Each message is stored and the position moved past it in one transaction,
so a poll that dies anywhere leaves a position after exactly the messages that were
stored; the next poll starts there, and Message-ID idempotency makes any overlap a
no-op. When the folder is new to us or the server renumbered it (UIDVALIDITY changed),
the position is reset: the recent past (``imap_backfill_days``) is fetched again and
whatever was already stored is recognised as a duplicate.

One worker at a time polls a mailbox: it holds a lease on the row
(``imap_lease_until``), claimed with a conditional update that only one worker can win,
renewed as it goes, and checked on every position write. A worker that dies leaves a
lease that simply expires.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import ApplicationError
from tickets.ingest.imap import ImapClient, ImapError, chunks
from tickets.models import Mailbox
from tickets.selectors import mailboxes_due_for_poll
from tickets.services.ingestion import IngestResult, email_ingest, message_store_unprocessable

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)  # renewed before every fetch, so only a dead worker's lease runs out
REQUEUE_AFTER = LEASE  # a queued poll that no worker picked up is queued again after this
MAX_BACKOFF_SECONDS = 3600


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0  # new messages on tickets
    duplicates: int = 0
    auto_replies: int = 0  # auto-replies and bounces: stored, no ticket opened
    unprocessable: int = 0  # kept raw with the reason, for a manager to look at
    backfill: bool = False  # the position was (re)set: first connection, new folder, or new UIDVALIDITY
    more: bool = False  # stopped at IMAP_MAX_MESSAGES_PER_POLL; the next poll goes on at once
    busy: bool = False  # another worker is polling this mailbox; nothing was done
    skipped: bool = False  # already polled since this poll was asked for; nothing was done
    error: str = ""


class LeaseLost(Exception):
    """Another worker took the mailbox over (this one was presumed dead): stop, write nothing."""


class _Lease:
    def __init__(self, mailbox_id: int, until: dt.datetime) -> None:
        self.mailbox_id = mailbox_id
        self.until = until

    @classmethod
    def claim(cls, mailbox_id: int) -> _Lease | None:
        now = timezone.now()
        until = now + LEASE
        claimed = (
            Mailbox.objects.filter(pk=mailbox_id)
            .filter(Q(imap_lease_until__isnull=True) | Q(imap_lease_until__lt=now))
            .update(imap_lease_until=until)
        )
        return cls(mailbox_id, until) if claimed == 1 else None

    def write(self, **fields: object) -> None:
        """Write polling state, only while this worker still holds the mailbox."""
        if not Mailbox.objects.filter(pk=self.mailbox_id, imap_lease_until=self.until).update(**fields):
            raise LeaseLost

    def renew(self) -> None:
        until = timezone.now() + LEASE
        self.write(imap_lease_until=until)
        self.until = until

    def release(self, **fields: object) -> None:
        self.write(imap_lease_until=None, **fields)


def mailbox_poll(*, mailbox: Mailbox, unless_polled_since: dt.datetime | None = None) -> PollResult:
    """Fetch what is new in the mailbox's IMAP folder and store it; never raises.

    A failure (network, login, server, database) is recorded on the mailbox
    (``last_error``, ``imap_failures``) with the position kept, and the next poll is
    put off with a growing delay. ``unless_polled_since``: do nothing if a poll
    finished after that moment (a queued poll that another poll made redundant).
    """
    lease = _Lease.claim(mailbox.pk)
    if lease is None:
        return PollResult(busy=True)
    result = PollResult()
    try:
        mailbox.refresh_from_db()  # the position as the previous holder left it
        if unless_polled_since is not None and (
            mailbox.last_polled_at is not None and mailbox.last_polled_at >= unless_polled_since
        ):
            lease.release()
            return PollResult(skipped=True)
        if not mailbox.imap_host:
            raise ImapError("The mailbox has no IMAP host: it receives mail through its webhook only.")
        _poll(mailbox, lease, result)
    except LeaseLost:
        logger.warning("mailbox %s: lease lost to another worker; stopping", mailbox.pk)
        return result
    except ImapError as error:
        result.error = str(error)
    except (
        Exception
    ) as error:  # a bug or the database: recorded, and the next poll starts from the same place
        logger.exception("mailbox %s: poll failed", mailbox.pk)
        result.error = f"{type(error).__name__}: {error}"
    _finish(mailbox, lease, result)
    return result


def mailbox_check_connection(*, mailbox: Mailbox) -> str:
    """Log in and open the folder read-only, fetching nothing; what was found, or ApplicationError."""
    if not mailbox.imap_host:
        raise ApplicationError(_("No IMAP host: this mailbox receives mail through its webhook only."))
    try:
        with _client(mailbox) as client:
            state = client.examine(mailbox.imap_folder)
    except ImapError as error:
        raise ApplicationError(str(error)) from error
    return _("Connected: folder “%(folder)s” holds %(count)d messages (UIDVALIDITY %(uidvalidity)d).") % {
        "folder": mailbox.imap_folder,
        "count": state.exists,
        "uidvalidity": state.uidvalidity,
    }


def mailbox_poll_now(*, mailbox: Mailbox) -> None:
    """Queue a poll at once (after commit), whatever the interval or the back-off after failures."""
    if not mailbox.imap_host:
        raise ApplicationError(_("No IMAP host: this mailbox receives mail through its webhook only."))
    if not mailbox.is_active:
        raise ApplicationError(_("The mailbox is not active."))
    from tickets.tasks import mailbox_poll as mailbox_poll_task

    mailbox_id = mailbox.pk
    transaction.on_commit(lambda: mailbox_poll_task.delay(mailbox_id), robust=True)


def mailboxes_claim_due(*, now: dt.datetime) -> list[int]:
    """Mailboxes whose next poll is due, each marked queued so the next tick does not queue it again.

    The poll itself sets the real next time when it finishes; if no worker picks the
    poll up, the mailbox is due again after ``REQUEUE_AFTER``.
    """
    claimed = []
    for pk, next_poll_at in mailboxes_due_for_poll(now=now).values_list("pk", "imap_next_poll_at"):
        if Mailbox.objects.filter(pk=pk, imap_next_poll_at=next_poll_at).update(
            imap_next_poll_at=now + REQUEUE_AFTER
        ):
            claimed.append(pk)
    return claimed


def imap_source(mailbox: Mailbox) -> str:
    """What a position belongs to: a change of account, server or folder starts over."""
    return f"{mailbox.imap_user}@{mailbox.imap_host}:{mailbox.imap_port}/{mailbox.imap_folder}"[:500]


# --- the poll -------------------------------------------------------------------------------


def _client(mailbox: Mailbox) -> ImapClient:
    return ImapClient(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        use_ssl=mailbox.imap_ssl,
        user=mailbox.imap_user,
        password=mailbox.imap_password,
        timeout=settings.IMAP_TIMEOUT_SECONDS,
    )


def _poll(mailbox: Mailbox, lease: _Lease, result: PollResult) -> None:
    with _client(mailbox) as client:
        state = client.examine(mailbox.imap_folder)
        source = imap_source(mailbox)
        if mailbox.imap_uidvalidity != state.uidvalidity or mailbox.imap_source != source:
            # New to us, or renumbered: UIDs up to `top` are old mail, fetched only if recent.
            top = state.uidnext - 1 if state.uidnext else client.highest_uid()
            days = mailbox.imap_backfill_days
            position = {
                "imap_source": source,
                "imap_uidvalidity": state.uidvalidity,
                "imap_last_uid": 0 if days else top,
                "imap_backfill_uid": top,
                "imap_backfill_since": timezone.now().date() - dt.timedelta(days=days) if days else None,
            }
            lease.write(**position)
            for field, value in position.items():
                setattr(mailbox, field, value)
            result.backfill = True
            logger.info("mailbox %s: position reset (UIDVALIDITY %s)", mailbox.pk, state.uidvalidity)

        if mailbox.imap_last_uid < mailbox.imap_backfill_uid:
            old = client.search(
                first=mailbox.imap_last_uid + 1,
                last=mailbox.imap_backfill_uid,
                since=mailbox.imap_backfill_since,
            )
            if not _store_all(client, mailbox, lease, old, result):
                return
            # Old mail outside the window is skipped on purpose: move past all of it.
            lease.write(imap_last_uid=mailbox.imap_backfill_uid)
            mailbox.imap_last_uid = mailbox.imap_backfill_uid

        _store_all(client, mailbox, lease, client.search(first=mailbox.imap_last_uid + 1), result)


def _store_all(
    client: ImapClient, mailbox: Mailbox, lease: _Lease, uids: list[int], result: PollResult
) -> bool:
    """Fetch and store ``uids`` in order, within this poll's budget; False if some are left."""
    budget = max(settings.IMAP_MAX_MESSAGES_PER_POLL - result.fetched, 0)
    todo = uids[:budget]
    for batch in chunks(todo, settings.IMAP_FETCH_BATCH):
        lease.renew()
        messages = client.fetch(batch)
        for uid in batch:
            raw = messages.get(uid)
            if raw is None:  # expunged since the search: nothing left to store
                continue
            result.fetched += 1
            _store_one(mailbox, lease, uid, raw, result)
    if len(todo) < len(uids):
        result.more = True
        return False
    return True


def _store_one(mailbox: Mailbox, lease: _Lease, uid: int, raw: bytes, result: PollResult) -> None:
    """Store one message and move the position past it, together or not at all."""
    try:
        with transaction.atomic():
            ingested = email_ingest(raw=raw, mailbox=mailbox)
            lease.write(imap_last_uid=uid)
    except (LeaseLost, OperationalError, InterfaceError):
        raise  # the database or the lease is gone: stop here, the message is fetched again later
    except Exception as error:  # a bug on one message never holds up the ones after it
        logger.exception("mailbox %s: UID %s could not be read; kept raw", mailbox.pk, uid)
        with transaction.atomic():
            message_store_unprocessable(
                store=mailbox.store, channel="email", raw=raw, reason=f"{type(error).__name__}: {error}"
            )
            lease.write(imap_last_uid=uid)
        result.unprocessable += 1
    else:
        _count(ingested, result)
    mailbox.imap_last_uid = uid


def _count(ingested: IngestResult, result: PollResult) -> None:
    if ingested.unprocessable:
        result.unprocessable += 1
    elif ingested.duplicate:
        result.duplicates += 1
    elif ingested.message.is_auto_submitted:
        result.auto_replies += 1
    else:
        result.stored += 1


def _finish(mailbox: Mailbox, lease: _Lease, result: PollResult) -> None:
    now = timezone.now()
    if result.error:
        failures = mailbox.imap_failures + 1
        delay = min(mailbox.imap_poll_seconds * 2 ** min(failures - 1, 16), MAX_BACKOFF_SECONDS)
        logger.warning("mailbox %s: poll failed (%d in a row): %s", mailbox.pk, failures, result.error)
    else:
        failures = 0
        delay = 0 if result.more else mailbox.imap_poll_seconds
    fields = {
        "last_polled_at": now,
        "last_error": result.error[:500],
        "imap_failures": failures,
        "imap_next_poll_at": now + dt.timedelta(seconds=delay),
    }
    try:
        lease.release(**fields)
    except LeaseLost:
        logger.warning("mailbox %s: lease lost to another worker before the poll finished", mailbox.pk)
        return
    except (OperationalError, InterfaceError):
        logger.exception("mailbox %s: could not record the poll; its lease will expire", mailbox.pk)
        return
    for field, value in fields.items():
        setattr(mailbox, field, value)
    mailbox.imap_lease_until = None
