"""A small IMAP client over the standard library, for polling one folder read-only.

It opens the folder with EXAMINE and fetches with ``BODY.PEEK[]``, so polling never
changes the mailbox (no \\Seen flags, no deletions). Every failure, whatever its
layer (DNS, TCP, TLS, login, a broken or dropped response, a timeout), surfaces as
one ``ImapError`` whose message says what went wrong in words a manager can act on.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"(?:^|[\s(])UID\s+(\d+)", re.IGNORECASE)
_BODY = re.compile(rb"BODY\[\]", re.IGNORECASE)
_DOING = {"SEARCH": "looking for new mail", "FETCH": "fetching mail"}


class ImapError(Exception):
    """Polling could not go on; ``str(error)`` explains why."""


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int | None  # optional in IMAP4rev1; nearly every server sends it
    exists: int


def imap_date(day: dt.date) -> str:
    """The IMAP date format (``01-Nov-2026``), with English month names whatever the locale."""
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def encode_folder(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), then quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(utf16).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: object) -> str:
    """Readable server text out of whatever imaplib put in an error or response."""
    if isinstance(data, list | tuple):
        data = data[-1] if data else b""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace").strip()
    text = str(data).strip()
    text = re.sub(r"^command: [\w ]+ => ", "", text)  # imaplib's prefix on a broken line
    match = re.fullmatch(r"b(['\"])(.*)\1", text)  # imaplib wraps server bytes in str(bytes)
    return match.group(2) if match else text


class ImapClient:
    """One connection: ``with ImapClient(...) as imap: state = imap.examine("INBOX") ...``."""

    def __init__(
        self, *, host: str, port: int, use_ssl: bool, user: str, password: str, timeout: float
    ) -> None:
        self.host = host
        self.port = port
        self.use_ssl = use_ssl
        self.user = user
        self.password = password
        self.timeout = timeout
        self._connection: imaplib.IMAP4 | None = None
        self._broken = False  # after a timeout or a dropped line, LOGOUT would only wait again

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    # --- connection -------------------------------------------------------------------------

    def __enter__(self) -> ImapClient:
        self.open()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        context = ssl.create_default_context()
        try:
            if self.use_ssl:
                connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=context, timeout=self.timeout
                )
            else:
                connection = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            self._connection = connection
            if not self.use_ssl and "STARTTLS" in connection.capabilities:
                connection.starttls(ssl_context=context)
        except Exception as error:
            explained = self._explain(error, doing="connecting")  # first: it marks the line broken
            self.close()
            raise explained from error
        try:
            self.user.encode("ascii")
            self.password.encode("ascii")
        except UnicodeEncodeError as error:
            self.close()
            raise ImapError("The IMAP user name and password must be plain ASCII for LOGIN.") from error
        try:
            connection.login(_quoted(self.user), self.password)
        except imaplib.IMAP4.error as error:
            if isinstance(error, imaplib.IMAP4.abort):
                explained = self._explain(error, doing="logging in")
            else:
                explained = ImapError(
                    f"{self.where} refused the login for {self.user!r}: {_text(error.args)}"
                )
            self.close()
            raise explained from error
        except Exception as error:
            explained = self._explain(error, doing="logging in")
            self.close()
            raise explained from error

    def close(self) -> None:
        """Log out politely if the connection still works, else just drop it; never raises."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if not self._broken:
            try:
                connection.logout()
            except Exception:
                self._broken = True  # broken after all: just drop it
            else:
                return
        with contextlib.suppress(Exception):  # nothing is left to close on a dead socket
            connection.shutdown()

    @property
    def connection(self) -> imaplib.IMAP4:
        if self._connection is None:
            raise ImapError("Not connected.")
        return self._connection

    # --- commands ---------------------------------------------------------------------------

    def examine(self, folder: str) -> FolderState:
        """Open ``folder`` read-only and report its UIDVALIDITY, UIDNEXT and size."""
        connection = self.connection
        try:
            kind, data = connection.select(encode_folder(folder), readonly=True)
            if kind != "OK":
                raise ImapError(f"{self.where} cannot open folder {folder!r}: {_text(data)}")
            uidvalidity = connection.response("UIDVALIDITY")[1][0]
            uidnext = connection.response("UIDNEXT")[1][0]
            exists = data[-1] if data else None
            if not uidvalidity:
                raise ImapError(
                    f"{self.where} did not report the UIDVALIDITY of {folder!r}, so polling cannot "
                    "track its position safely."
                )
            return FolderState(
                uidvalidity=int(uidvalidity),
                uidnext=int(uidnext) if uidnext else None,
                exists=int(exists) if exists else 0,
            )
        except ImapError:
            raise
        except Exception as error:
            raise self._explain(error, doing=f"opening folder {folder!r}") from error

    def search(self, *, first: int, last: int | None = None, since: dt.date | None = None) -> list[int]:
        """UIDs from ``first`` (to ``last``), optionally only mail received since ``since``.

        ``n:*`` always matches the folder's last message, even when n is past the highest
        UID (RFC 3501 6.4.8), so results are filtered to the asked range.
        """
        criteria = ["UID", f"{first}:{last if last is not None else '*'}"]
        if since is not None:
            criteria += ["SINCE", imap_date(since)]
        data = self._uid("SEARCH", *criteria)
        uids: set[int] = set()
        for line in data:
            if isinstance(line, bytes):
                uids.update(int(token) for token in line.split() if token.isdigit())
        return sorted(uid for uid in uids if uid >= first and (last is None or uid <= last))

    def highest_uid(self) -> int:
        """The highest UID in the folder (for servers that do not send UIDNEXT)."""
        data = self._uid("SEARCH", "ALL")
        uids = [int(token) for line in data if isinstance(line, bytes) for token in line.split()]
        return max(uids, default=0)

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """The raw bytes of each message, by UID; a UID expunged meanwhile is simply absent.

        A server that will not return a message (NO) stops the poll there with its reason:
        skipping could lose mail when the refusal is temporary.
        """
        if not uids:
            return {}
        data = self._uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
        return parse_fetch(data)

    # --- helpers ----------------------------------------------------------------------------

    def _uid(self, command: str, *args: str) -> list[object]:
        try:
            kind, data = self.connection.uid(command, *args)
        except Exception as error:
            raise self._explain(error, doing=_DOING.get(command, command)) from error
        if kind != "OK":
            raise ImapError(f"{self.where} answered UID {command} with {kind}: {_text(data)}")
        return list(data)

    def _explain(self, error: BaseException, *, doing: str) -> ImapError:
        """The one error a manager reads; anything but a plain NO leaves the line unusable."""
        where = self.where
        if isinstance(error, ImapError):
            return error
        if not isinstance(error, imaplib.IMAP4.error) or isinstance(error, imaplib.IMAP4.abort):
            self._broken = True
        if isinstance(error, TimeoutError | socket.timeout):
            return ImapError(f"{where} did not answer within {self.timeout:g} s while {doing}.")
        if isinstance(error, ConnectionRefusedError):
            return ImapError(f"{where} refused the connection: is the host and port right?")
        if isinstance(error, socket.gaierror):
            return ImapError(f"Unknown IMAP host {self.host!r}: {error.strerror or error}.")
        if isinstance(error, ssl.SSLCertVerificationError):
            return ImapError(
                f"{where} presented a certificate that cannot be trusted: {error.verify_message}."
            )
        if isinstance(error, ssl.SSLError):
            return ImapError(
                f"TLS with {where} failed while {doing} ({error.reason or error}): check “IMAP over TLS” "
                "and the port (993 for TLS, 143 for plain/STARTTLS)."
            )
        if isinstance(error, imaplib.IMAP4.abort | EOFError | ConnectionError):
            return ImapError(f"{where} closed the connection while {doing}: {_text(error.args) or 'EOF'}.")
        if isinstance(error, imaplib.IMAP4.error):
            return ImapError(f"{where} rejected a command while {doing}: {_text(error.args)}")
        if isinstance(error, OSError):
            return ImapError(f"Network error with {where} while {doing}: {error.strerror or error}.")
        return ImapError(f"Unexpected answer from {where} while {doing}: {type(error).__name__}: {error}")


def parse_fetch(data: list[object]) -> dict[int, bytes]:
    """Message bytes by UID out of imaplib's FETCH data.

    imaplib gives a ``(b'1 (UID 7 BODY[] {123}', b'<bytes>')`` tuple per literal, then the
    rest of that response line as bytes (``b')'``, or ``b' UID 7)'`` when the server puts
    the UID after the body). Unsolicited FETCH responses (flag changes) carry no body and
    are ignored.
    """
    messages: dict[int, bytes] = {}
    for index, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) != 2:
            continue
        head, body = item
        if not isinstance(head, bytes) or not isinstance(body, bytes) or not _BODY.search(head):
            continue
        match = _UID.search(head)
        if match is None and index + 1 < len(data):
            tail = data[index + 1]
            match = _UID.search(tail) if isinstance(tail, bytes) else None
        if match is not None:
            messages[int(match.group(1))] = body
    return messages


def chunks(uids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(uids), size):
        yield uids[start : start + size]
