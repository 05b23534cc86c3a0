"""A small IMAP4rev1 server for the tests: a stand-in for the mail provider, on the real protocol.

It listens on 127.0.0.1 (a free port), holds its folders in memory and speaks enough of
RFC 3501 for a polling client: CAPABILITY, LOGIN, SELECT/EXAMINE, UID SEARCH (ALL, UID
sets, SINCE), UID FETCH (BODY[] and BODY.PEEK[] as literals, RFC822.SIZE), NOOP, LOGOUT.
Like real servers, ``UID SEARCH UID n:*`` matches the last message even when n is past
the highest UID. Tests can add mail, renumber a folder (new UIDVALIDITY), refuse a login,
stay silent (a hung server) or drop the connection in the middle of a FETCH.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import socketserver
import ssl
import sys
import threading
from dataclasses import dataclass, field

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\((?:[^()]|\([^()]*\))*\))|(\S+)')


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    received: dt.datetime
    seen: bool = False


@dataclass
class Folder:
    uidvalidity: int
    uidnext: int = 1
    messages: list[StoredMessage] = field(default_factory=list)


def decode_folder(name: str) -> str:
    """Modified UTF-7 (RFC 3501 5.1.3) back to text."""
    out, index = [], 0
    while index < len(name):
        if name[index] == "&":
            end = name.index("-", index)
            if end == index + 1:
                out.append("&")
            else:
                chunk = name[index + 1 : end].replace(",", "/")
                out.append(base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-16-be"))
            index = end + 1
        else:
            out.append(name[index])
            index += 1
    return "".join(out)


def tokens(text: str) -> list[str]:
    """Arguments: quoted strings unquoted, parenthesised lists kept whole, atoms as they are."""
    found = []
    for quoted, group, atom in TOKEN.findall(text):
        if group:
            found.append(group)
        elif atom:
            found.append(atom)
        else:
            found.append(re.sub(r"\\(.)", r"\1", quoted))
    return found


def in_set(uid: int, sequence_set: str, highest: int) -> bool:
    """Whether ``uid`` is in an IMAP sequence set; ``*`` is the highest UID in use."""
    for part in sequence_set.split(","):
        low_text, _, high_text = part.partition(":")
        low = highest if low_text == "*" else int(low_text)
        high = low if not high_text else (highest if high_text == "*" else int(high_text))
        low, high = min(low, high), max(low, high)
        if low <= uid <= high:
            return True
    return False


def parse_date(text: str) -> dt.date:
    day, month, year = text.split("-")
    return dt.date(int(year), MONTHS.index(month.capitalize()) + 1, int(day))


class ImapServer:
    def __init__(self, *, user: str = "support@lumio.example", password: str = "s3cret pass") -> None:
        self.user = user
        self.password = password
        self.folders: dict[str, Folder] = {"INBOX": Folder(uidvalidity=1700000000)}
        self.lock = threading.RLock()
        self.commands: list[str] = []  # every command received, passwords masked
        self.fetched: list[int] = []  # UIDs whose body was sent complete
        self.logins = 0
        self.send_uidnext = True
        self.uid_after_body = False  # put the UID after the body literal, as some servers do
        self.silent = False  # accept connections but never answer (a hung server)
        self.hold_fetch: threading.Event | None = None  # FETCH waits until the test sets it
        self._drop_after: int | None = None
        self._tcp = _TcpServer(("127.0.0.1", 0), _Handler)
        self._tcp.imap = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._tcp.serve_forever, args=(0.05,), daemon=True)

    def use_tls(self, *, certfile: str, keyfile: str) -> None:
        """Speak implicit TLS (as on port 993) with this certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certfile, keyfile)
        self._tcp.tls = context

    @property
    def port(self) -> int:
        return self._tcp.server_address[1]

    def start(self) -> ImapServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._tcp.shutdown()
        self._tcp.server_close()

    # --- what tests do ----------------------------------------------------------------------

    def add(self, raw: bytes, *, received: dt.datetime | None = None, folder: str = "INBOX") -> int:
        """Deliver a message; returns its UID."""
        with self.lock:
            box = self.folders.setdefault(folder, Folder(uidvalidity=1))
            uid = box.uidnext
            box.uidnext += 1
            box.messages.append(StoredMessage(uid, raw, received or dt.datetime.now(tz=dt.UTC)))
            return uid

    def expunge(self, uid: int, *, folder: str = "INBOX") -> None:
        with self.lock:
            box = self.folders[folder]
            box.messages = [message for message in box.messages if message.uid != uid]

    def renumber(self, uidvalidity: int, *, folder: str = "INBOX") -> None:
        """What a server does after a rebuild: new UIDVALIDITY, every message numbered from 1."""
        with self.lock:
            box = self.folders[folder]
            box.uidvalidity = uidvalidity
            for uid, message in enumerate(box.messages, start=1):
                message.uid = uid
            box.uidnext = len(box.messages) + 1

    def drop_during_fetch(self, *, after: int) -> None:
        """Once: send ``after`` message bodies, then half of the next one, then hang up."""
        with self.lock:
            self._drop_after = after

    def seen(self, *, folder: str = "INBOX") -> list[int]:
        return [message.uid for message in self.folders[folder].messages if message.seen]


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def get_request(self):  # type: ignore[no-untyped-def]
        connection, address = super().get_request()
        if self.tls is not None:  # a failed handshake is an OSError, which the server ignores
            connection = self.tls.wrap_socket(connection, server_side=True)
        return connection, address

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], OSError):  # a client hanging up is part of the tests
            super().handle_error(request, client_address)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # one write per response, flushed after each command

    def handle(self) -> None:
        server: ImapServer = self.server.imap  # type: ignore[attr-defined]
        if server.silent:
            self.request.recv(1)  # until the client gives up and closes
            return
        self.send(b"* OK [CAPABILITY IMAP4rev1] test IMAP server ready")
        self.wfile.flush()
        self.user: str | None = None
        self.folder: Folder | None = None
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return
            tag, _, rest = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            command, _, arguments = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                sub, _, arguments = arguments.partition(" ")
                command = f"UID {sub.upper()}"
            if command == "UID FETCH" and server.hold_fetch is not None:
                server.hold_fetch.wait(timeout=10)
            with server.lock:
                server.commands.append(command if command == "LOGIN" else f"{command} {arguments}".strip())
                keep_going = self.dispatch(server, tag, command, tokens(arguments))
            self.wfile.flush()
            if not keep_going:
                return

    def send(self, data: bytes) -> None:
        self.wfile.write(data + b"\r\n")

    def dispatch(self, server: ImapServer, tag: str, command: str, args: list[str]) -> bool:
        ok = f"{tag} OK {command} completed".encode()
        if command == "CAPABILITY":
            self.send(b"* CAPABILITY IMAP4rev1")
            self.send(ok)
        elif command == "NOOP":
            self.send(ok)
        elif command == "LOGOUT":
            self.send(b"* BYE logging out")
            self.send(ok)
            return False
        elif command == "LOGIN":
            if len(args) == 2 and (args[0], args[1]) == (server.user, server.password):
                self.user = args[0]
                server.logins += 1
                self.send(ok)
            else:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)".encode())
        elif self.user is None:
            self.send(f"{tag} BAD {command} needs LOGIN first".encode())
        elif command in {"SELECT", "EXAMINE"}:
            self.select(server, tag, command, args)
        elif self.folder is None:
            self.send(f"{tag} BAD {command} needs SELECT first".encode())
        elif command == "UID SEARCH":
            self.search(tag, args)
        elif command == "UID FETCH":
            return self.fetch(server, tag, args)
        else:
            self.send(f"{tag} BAD unknown command {command}".encode())
        return True

    def select(self, server: ImapServer, tag: str, command: str, args: list[str]) -> None:
        folder = server.folders.get(decode_folder(args[0])) if args else None
        if folder is None:
            self.folder = None
            self.send(f"{tag} NO [NONEXISTENT] Unknown Mailbox: {args[0] if args else ''}".encode())
            return
        self.folder = folder
        self.send(rb"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)")
        self.send(f"* {len(folder.messages)} EXISTS".encode())
        self.send(b"* 0 RECENT")
        self.send(f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid".encode())
        if server.send_uidnext:
            self.send(f"* OK [UIDNEXT {folder.uidnext}] Predicted next UID".encode())
        mode = "READ-ONLY" if command == "EXAMINE" else "READ-WRITE"
        self.send(f"{tag} OK [{mode}] {command} completed".encode())

    def search(self, tag: str, args: list[str]) -> None:
        folder = self.folder
        assert folder is not None
        highest = max((message.uid for message in folder.messages), default=0)
        matches = list(folder.messages)
        index = 0
        while index < len(args):
            key = args[index].upper()
            if key == "ALL":
                index += 1
            elif key == "UID":
                wanted = args[index + 1]
                matches = [message for message in matches if in_set(message.uid, wanted, highest)]
                index += 2
            elif key == "SINCE":
                since = parse_date(args[index + 1])
                matches = [message for message in matches if message.received.date() >= since]
                index += 2
            else:
                self.send(f"{tag} BAD unsupported search key {key}".encode())
                return
        self.send(("* SEARCH " + " ".join(str(message.uid) for message in matches)).strip().encode())
        self.send(f"{tag} OK UID SEARCH completed".encode())

    def fetch(self, server: ImapServer, tag: str, args: list[str]) -> bool:
        folder = self.folder
        assert folder is not None
        if len(args) != 2:
            self.send(f"{tag} BAD UID FETCH needs a set and items".encode())
            return True
        wanted, items = args[0], args[1].upper()
        highest = max((message.uid for message in folder.messages), default=0)
        peek = "BODY.PEEK[]" in items
        for sequence, message in enumerate(folder.messages, start=1):
            if not in_set(message.uid, wanted, highest):
                continue
            flags = b""
            if not peek:
                message.seen = True
                flags = rb" FLAGS (\Seen)"
            literal = f"BODY[] {{{len(message.raw)}}}".encode()
            uid = f"UID {message.uid}".encode()
            if server.uid_after_body:
                head = f"* {sequence} FETCH (".encode() + literal
                tail = b" " + uid + flags + b")"
            else:
                head = f"* {sequence} FETCH (".encode() + uid + flags + b" " + literal
                tail = b")"
            if server._drop_after is not None and server._drop_after <= 0:
                server._drop_after = None
                self.wfile.write(head + b"\r\n" + message.raw[: len(message.raw) // 2])
                self.wfile.flush()
                return False  # the handler returns and the socket closes mid-literal
            self.wfile.write(head + b"\r\n" + message.raw + tail + b"\r\n")
            server.fetched.append(message.uid)
            if server._drop_after is not None:
                server._drop_after -= 1
        self.send(f"{tag} OK UID FETCH completed".encode())
        return True
