"""Raw inbound e-mail bytes to a `ParsedEmail`: pure, database-free, and never raising on odd mail.

Only bytes that are not an e-mail at all raise, as `MalformedEmail`; every other problem is
worked around and reported in `ParsedEmail.warnings`, so one bad message never blocks a mailbox.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from tickets.ingest.autoreply import detect_auto
from tickets.ingest.charsets import ENCODED_WORD_RUN, decode_encoded_words, decode_text, header_bytes
from tickets.ingest.quoting import html_to_text, sanitise_html, strip_quoted, unflow


class MalformedEmail(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Address:
    name: str
    address: str  # lower-cased; "" when it cannot be parsed


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str
    is_inline: bool


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    subject: str
    sender: Address
    reply_to: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: dt.datetime | None
    text: str
    html: str
    display_text: str
    attachments: tuple[ParsedAttachment, ...]
    auto_submitted: bool
    bounce: bool
    auto_reason: str
    warnings: tuple[str, ...]


FORWARD_MARKER = "---------- Forwarded message ----------"
_MAX_DEPTH = 40
_MAX_MULTIPARTS = 100
_MULTIPART_DECLARATION = re.compile(rb"^content-type:[ \t]*multipart/", re.IGNORECASE | re.MULTILINE)
_PARSER = BytesParser(policy=policy.default)
_EML_POLICY = policy.default.clone(refold_source="none")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_ADDR_SPEC = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_UNSAFE_FILENAME = re.compile(r'[<>:"|?*]')
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_EXTENSIONS = {"message/rfc822": ".eml", "message/delivery-status": ".txt", "text/rfc822-headers": ".txt"}
_IDENTITY_HEADERS = {"from", "subject", "message-id", "date"}


def parse_email(
    raw: bytes, *, max_attachment_bytes: int | None = None, blocked_extensions: Iterable[str] = ()
) -> ParsedEmail:
    """Parse one inbound message; raises only `MalformedEmail`, with a reason a manager can read."""
    try:
        data = bytes(raw)
    except (TypeError, ValueError) as exc:
        raise MalformedEmail("The message is not a sequence of bytes, so it cannot be read.") from exc
    if not data.strip():
        raise MalformedEmail("The message is empty: there is nothing to read.")
    try:
        return _Reader(max_attachment_bytes, blocked_extensions).parse(data)
    except MalformedEmail:
        raise
    except Exception as exc:
        raise MalformedEmail(
            f"The message could not be read because of an unexpected problem ({type(exc).__name__}: {exc})."
        ) from exc


@dataclass
class _Content:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


class _Reader:
    """One message and its forwarded messages; collects attachments and warnings while walking."""

    def __init__(self, max_attachment_bytes: int | None, blocked_extensions: Iterable[str] = ()) -> None:
        self.limit = max_attachment_bytes
        self.blocked = {f".{extension.lower().lstrip('.')}" for extension in blocked_extensions}
        self.warnings: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.forwards: list[str] = []
        self.numbered = 0
        self.in_report = False

    def parse(self, data: bytes) -> ParsedEmail:
        # The stdlib parser slows down quadratically with nesting and overflows the stack past ~500 levels.
        too_deep = len(_MULTIPART_DECLARATION.findall(data)) > _MAX_MULTIPARTS
        try:
            msg = _PARSER.parsebytes(data, headersonly=too_deep)
        except RecursionError:
            too_deep, msg = True, _PARSER.parsebytes(data, headersonly=True)
        if too_deep:
            self.warnings.append(
                "The MIME structure is nested too deeply to read; the body is shown as raw text."
            )
        names = {name.lower() for name in msg}
        if not names:
            raise MalformedEmail("The data does not begin with e-mail headers, so it is not an e-mail.")
        if not names & _IDENTITY_HEADERS:
            raise MalformedEmail(
                "The data has no From, Subject, Message-ID or Date header, so it does not look like an e-mail."
            )
        return self.read(msg, depth=0)

    def read(self, msg: Message, *, depth: int) -> ParsedEmail:
        content = self.walk(msg, depth)
        plain = _clean("\n".join(content.plain)).strip("\n")
        raw_html = "\n".join(content.html)
        text = plain if plain.strip() else html_to_text(raw_html)
        text = "\n\n".join(part for part in (text, *self.forwards) if part)
        subject = " ".join(self.header(msg, "subject").split())
        senders = self.addresses(msg, "from")
        sender = senders[0] if senders else Address(name="", address="")
        if not senders:
            self.warnings.append("The message has no From address.")
        reply_to = self.addresses(msg, "reply-to")
        references = _msg_ids(self.header(msg, "references", words=False))
        verdict = detect_auto(
            header=lambda name: self.header(msg, name, words=False),
            content_type=msg.get_content_type(),
            report_type=str(msg.get_param("report-type") or ""),
            sender=sender.address or sender.name,
            subject=subject,
        )
        return ParsedEmail(
            message_id=next(iter(_msg_ids(self.header(msg, "message-id", words=False))), ""),
            in_reply_to=next(iter(_msg_ids(self.header(msg, "in-reply-to", words=False))), ""),
            references=references,
            subject=subject,
            sender=sender,
            reply_to=reply_to[0] if reply_to else None,
            to=self.addresses(msg, "to"),
            cc=self.addresses(msg, "cc"),
            date=self.date(msg),
            text=text,
            html=sanitise_html(raw_html) if raw_html.strip() else "",
            display_text=strip_quoted(text),
            attachments=tuple(self.attachments),
            auto_submitted=verdict.auto_submitted,
            bounce=verdict.bounce,
            auto_reason=verdict.reason,
            warnings=tuple(dict.fromkeys(self.warnings)),
        )

    # Headers -----------------------------------------------------------------------------------

    def header(self, msg: Message, name: str, *, words: bool = True) -> str:
        """The first value of a header, 8-bit bytes and (if `words`) RFC 2047 decoded; "" if absent."""
        values = [value for key, value in msg.raw_items() if key.lower() == name]
        if not values:
            return ""
        text = self.unicode_header(str(values[0]), name)
        if words and "=?" in text:
            text, problems = decode_encoded_words(text, what=f"{name.title()} header")
            self.warnings.extend(problems)
        return text

    def unicode_header(self, value: str, name: str) -> str:
        text, problems = decode_text(header_bytes(value), None, what=f"{name.title()} header")
        self.warnings.extend(problems)
        return re.sub(r"[\x00-\x1f\x7f]+", " ", re.sub(r"\r?\n(?=[ \t])", "", text)).strip()

    def addresses(self, msg: Message, name: str) -> tuple[Address, ...]:
        values = [
            self.unicode_header(str(value), name) for key, value in msg.raw_items() if key.lower() == name
        ]
        text = ", ".join(value for value in values if value)
        if not text:
            return ()
        quoted = ENCODED_WORD_RUN.sub(lambda match: self.quoted_phrase(text, match), text)
        try:
            # The default policy parses the structure; names were already decoded with our charset rules.
            parsed = policy.default.header_factory(name, quoted)
            pairs = [(item.display_name, item.addr_spec) for item in parsed.addresses]
            if not pairs or any("\udc80" <= char <= "\udcff" for pair in pairs for char in "".join(pair)):
                raise ValueError("no usable address")
        except Exception:
            self.warnings.append(
                f"The {name.title()} header could not be parsed strictly; it was read leniently."
            )
            pairs = [
                (decode_encoded_words(display, what=f"{name.title()} header")[0], addr)
                for display, addr in email.utils.getaddresses([text])
            ]
        return tuple(_address(display, addr) for display, addr in pairs if display or addr)

    def quoted_phrase(self, text: str, match: re.Match[str]) -> str:
        decoded, problems = decode_encoded_words(match.group(0), what="address header")
        self.warnings.extend(problems)
        escaped = re.sub(r"[\r\n]+", " ", decoded).replace("\\", "\\\\").replace('"', '\\"')
        inside_quotes = len(re.findall(r'(?<!\\)"', text[: match.start()])) % 2 == 1
        return escaped if inside_quotes else f'"{escaped}"'

    def date(self, msg: Message) -> dt.datetime | None:
        value = self.header(msg, "date", words=False)
        if not value:
            return None
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            self.warnings.append(f"The Date header {value!r} is not a valid date; it was ignored.")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)

    # Body --------------------------------------------------------------------------------------

    def walk(self, part: Message, depth: int) -> _Content:
        if depth > _MAX_DEPTH:
            self.warnings.append(f"Parts nested deeper than {_MAX_DEPTH} levels were skipped.")
            return _Content()
        ctype = part.get_content_type()
        payload = part.get_payload()
        children = (
            [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []
        )
        if ctype in ("message/rfc822", "message/global") and children:
            self.forwarded(part, children[0], depth)
            return _Content()
        if isinstance(payload, list) and not ctype.startswith("message/"):
            return self.walk_multipart(ctype, children, depth)
        disposition = part.get_content_disposition()
        filename = self.filename(part)
        if ctype.startswith("multipart/") or (
            ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        ):
            return self.body(part, ctype)
        self.attach(part, filename, ctype, disposition)
        return _Content()

    def walk_multipart(self, ctype: str, parts: list[Message], depth: int) -> _Content:
        in_report, self.in_report = self.in_report, self.in_report or ctype == "multipart/report"
        try:
            results = [self.walk_safely(child, depth + 1) for child in parts]
        finally:
            self.in_report = in_report
        if ctype == "multipart/alternative":  # the same message several ways: take the best of each
            plain = next((result.plain for result in results if result.plain), [])
            html = next((result.html for result in reversed(results) if result.html), [])
            return _Content(plain, html)
        return _Content(
            [text for result in results for text in result.plain],
            [markup for result in results for markup in result.html],
        )

    def walk_safely(self, part: Message, depth: int) -> _Content:
        """One unreadable part costs that part, with a warning, never the whole message."""
        try:
            return self.walk(part, depth)
        except Exception as exc:
            self.warnings.append(
                f"A {part.get_content_type()} part could not be read and was skipped ({type(exc).__name__}: {exc})."
            )
            return _Content()

    def body(self, part: Message, ctype: str) -> _Content:
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        charset = part.get_content_charset()
        if ctype == "text/html" and not charset and (meta := _META_CHARSET.search(data[:4096])):
            charset = meta.group(1).decode("ascii")
        text, problems = decode_text(data, charset, what=f"{ctype} body")
        self.warnings.extend(problems)
        if ctype == "text/html":
            return _Content(html=[text])
        if str(part.get_param("format") or "").lower() == "flowed":
            text = unflow(text, delsp=str(part.get_param("delsp") or "").lower() == "yes")
        return _Content(plain=[text])

    def filename(self, part: Message) -> str:
        try:
            name = part.get_filename() or ""
        except Exception:  # a parameter the default policy cannot parse: ask the compat32 parser
            self.warnings.append(
                "An attachment's file name could not be parsed strictly; it was read leniently."
            )
            legacy = Message(policy=policy.compat32)
            for key, value in part.raw_items():
                if key.lower() in ("content-type", "content-disposition"):
                    legacy[key] = str(value)
            name = str(legacy.get_filename() or "")
        if "=?" in name:
            name = decode_encoded_words(name, what="attachment file name")[0]
        return name

    def attach(
        self,
        part: Message,
        filename: str,
        ctype: str,
        disposition: str | None,
        payload: bytes | None = None,
    ) -> None:
        self.numbered += 1
        if payload is None:
            decoded = part.get_payload(decode=True)
            if isinstance(decoded, bytes):
                payload = decoded
            else:  # message/delivery-status and friends: blocks of header fields
                blocks = part.get_payload()
                payload = (
                    b"\n".join(block.as_bytes() for block in blocks if isinstance(block, Message))
                    if isinstance(blocks, list)
                    else b""
                )
        extension = _EXTENSIONS.get(ctype) or mimetypes.guess_extension(ctype) or ".bin"
        name = _safe_filename(filename) or f"attachment-{self.numbered}{extension}"
        if self.limit is not None and len(payload) > self.limit:
            self.warnings.append(
                f'The attachment "{name}" ({len(payload):,} bytes) is larger than the limit of '
                f"{self.limit:,} bytes and was not kept."
            )
            return
        if Path(name).suffix.lower() in self.blocked:
            self.warnings.append(
                f'The attachment "{name}" has a blocked file type and was not kept '
                "(the original message still holds it)."
            )
            return
        content_id = " ".join(str(part.get("content-id", "")).split()).strip("<>")
        is_inline = bool(content_id) and disposition != "attachment"
        self.attachments.append(ParsedAttachment(name, ctype, payload, content_id, is_inline))

    def forwarded(self, part: Message, inner: Message, depth: int) -> None:
        """A forwarded message: kept whole as a .eml attachment, its text appended below the body."""
        try:
            data = inner.as_bytes(policy=_EML_POLICY)
        except Exception:  # headers the modern generator refuses: write them back as they came
            data = inner.as_bytes(policy=policy.compat32)
        reader = _Reader(self.limit, self.blocked)
        parsed = reader.read(inner, depth=depth + 1)
        self.warnings.extend(f"Forwarded message: {warning}" for warning in parsed.warnings)
        self.attach(
            part, f"{parsed.subject or 'forwarded message'}.eml", "message/rfc822", "attachment", data
        )
        if self.in_report:  # the returned copy of our own mail in a bounce is not the customer's text
            return
        sender = parsed.sender
        who = (
            f"{sender.name} <{sender.address}>"
            if sender.name and sender.address
            else sender.name or sender.address
        )
        block = [FORWARD_MARKER, f"From: {who}"]
        if raw_date := reader.header(inner, "date", words=False):
            block.append(f"Date: {raw_date}")
        block += [f"Subject: {parsed.subject}", "", parsed.text]
        self.forwards.append("\n".join(block).strip())


# Helpers -------------------------------------------------------------------------------------


def _msg_ids(value: str) -> tuple[str, ...]:
    found = _MSG_ID.findall(value)
    if not found:  # some mailers drop the angle brackets
        found = [token.strip("<>") for token in re.split(r"[\s,]+", value) if "@" in token]
    return tuple(dict.fromkeys(f"<{msg_id}>" for msg_id in found))


def _address(display: str, addr: str) -> Address:
    addr = addr.strip().strip("<>")
    name = " ".join(display.split()).strip("\"' ")
    if not _ADDR_SPEC.match(addr):
        return Address(name=name or addr.strip("\"' "), address="")
    return Address(name=name, address=addr.lower())


def _safe_filename(name: str) -> str:
    """No directories, no control or bidi characters, nothing Windows refuses; at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"\s", " ", name)
    name = "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Cs"})
    name = " ".join(_UNSAFE_FILENAME.sub("_", name).split()).strip(" .")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: 200 - len(keep)].rstrip(" .") + keep
    return name


def _clean(text: str) -> str:
    """Unix newlines, no byte-order marks or control characters other than tab and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
