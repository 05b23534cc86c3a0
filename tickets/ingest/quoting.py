"""Bodies made fit to show: sanitised HTML, text derived from HTML, and the reply without its history.

`strip_quoted` keeps what the customer actually wrote: no quoted history, no signature, no
"Sent from my iPhone".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_I = re.IGNORECASE
# The line a mail client puts above the quoted history, in the languages our customers write in.
# These start with a fixed word, so a long attribution the client wrapped can be joined back up.
_ATTRIBUTION = re.compile(
    "|".join(
        (
            r"^on\b.{4,}\bwrote\s*:$",
            r"^am\b.{4,}\bschrieb\b.*:$",
            r"^le\b.{4,}\ba\s+[ée]crit\s*:$",
            r"^el\b.{4,}\bescribi[óo]\s*:$",
            r"^il giorno\b.{4,}\bha scritto\s*:$",
            r"^op\b.{4,}\bschreef\b.*:$",
            r"^w dniu\b.{4,}\bnapisa[łl](?:\(a\))?\s*:$",
            r"^em\b.{4,}\bescreveu\s*:$",
            r"^den\b.{4,}\bskrev\b.*:$",
            r"^在.{2,}写道\s*[：:]$",
            r"^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
            r"|messaggio originale|oorspronkelijk bericht|wiadomość oryginalna|原始邮件|原始郵件|元のメッセージ)\s*-{2,}$",
        )
    ),
    _I,
)
# These are recognised by their end only, so they must fit on one line.
_ATTRIBUTION_END = re.compile(r"^.{2,}(?:は書きました|님이 작성|\bнаписал(?:\(а\)|а)?)\s*[：:]$", _I)
_FROM_FIELD = re.compile(r"^\*?(?:from|von|de|da|van|od|发件人|寄件者|差出人|보낸 사람)\*?\s*[:：]\s*\S", _I)
_SENT_FIELD = re.compile(
    r"^\*?(?:sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|wysłano|data"
    r"|发送时间|日期|寄件日期|送信日時|보낸 날짜)\*?\s*[:：]",
    _I,
)
_RULE = re.compile(r"^_{20,}$")
_FORWARD_MARKER = re.compile(
    r"^(?:-{3,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado"
    r"|messaggio inoltrato|doorgestuurd bericht|转发邮件|転送されたメッセージ)\s*-{3,}|begin forwarded message:)$",
    _I,
)
_MOBILE_SIGNATURE = re.compile(
    r"^(?:sent from my \S.*|sent from (?:mail|outlook|yahoo mail) for \S.*|get outlook for \S.*"
    r"|von meinem \S.* gesendet|envoyé de mon \S.*|enviado desde mi \S.*|enviado do meu \S.*"
    r"|inviato da(?:l mio)? \S.*|verzonden (?:met|vanaf) (?:mijn )?\S.*|wysłane z (?:mojego )?\S.*"
    r"|发自我的\S*|从我的\S*发送|iphoneから送信|android에서 보냄)$",
    _I,
)


def _starts_history(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if not line or line.startswith(">"):
        return False
    if _ATTRIBUTION_END.match(line):
        return True
    # Clients wrap long attributions ("On Mon, 1 Jan 2026 at 10:00, Anna Example <\nanna@x> wrote:").
    for width in (1, 2, 3):
        wrapped = [part.strip() for part in lines[index : index + width]]
        if all(wrapped) and len(joined := " ".join(wrapped)) < 400 and _ATTRIBUTION.match(joined):
            return True
    following = [later.strip() for later in lines[index + 1 : index + 6] if later.strip()]
    if _RULE.match(line):
        return bool(following) and bool(_FROM_FIELD.match(following[0]))
    return bool(_FROM_FIELD.match(line)) and any(_SENT_FIELD.match(later) for later in following[:3])


def _without_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if index > 0 and line.rstrip() == "--":
            lines = lines[:index]
            break
    return [line for line in lines if not _MOBILE_SIGNATURE.match(line.strip())]


def _without_trailing_quote(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    return lines[:end]


def strip_quoted(text: str) -> str:
    """The reply itself; the whole text when stripping would leave nothing to show."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forwarded: list[str] = []
    for index, line in enumerate(lines):
        if _FORWARD_MARKER.match(line.strip()):
            lines, forwarded = lines[:index], lines[index:]
            break
    for index in range(len(lines)):
        if _starts_history(lines, index):
            lines, forwarded = lines[:index], []  # a forward below the history belongs to the history
            break
    own = "\n".join(_without_trailing_quote(_without_signature(lines))).strip()
    shown = "\n\n".join(part for part in (own, "\n".join(forwarded).strip()) if part)
    return shown or text.strip() or text


def unflow(text: str, *, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    lines: list[str] = []
    joining = False
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.removeprefix(" ")  # space-stuffing
        quoted = line.startswith(">")  # quoted lines keep their own breaks here
        soft = line.endswith(" ") and line.rstrip() != "--" and not quoted
        piece = line[:-1] if soft and delsp else line
        if joining and not quoted:
            lines[-1] += piece
        else:
            lines.append(piece)
        joining = soft
    return "\n".join(lines)


def _keep_image_source(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith(("cid:", "https:")):
        return None
    return value


def sanitise_html(markup: str) -> str:
    return nh3.clean(
        markup,
        clean_content_tags={"script", "style", "title", "noscript", "template"},
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        attribute_filter=_keep_image_source,
        strip_comments=True,
    ).strip()


_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure"}
    | {"footer", "form", "header", "hr", "li", "main", "nav", "section", "tr"}
)
_PARAGRAPH_TAGS = frozenset(
    {"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "table", "ul"}
)
_SKIPPED_TAGS = frozenset({"head", "script", "style", "title", "noscript", "template"})


class _TextExtractor(HTMLParser):
    """HTML to readable text: blocks become lines, blockquotes become "> " quotes, scripts vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.quote = 0
        self.pre = 0

    def flush(self, *, force: bool = False) -> None:
        line = "".join(self.current)
        if not self.pre:
            line = " ".join(line.split())
        if line or force:
            self.lines.append(("> " * self.quote if line else ">" * self.quote) + line)
        self.current = []

    def paragraph(self) -> None:
        self.flush()
        if self.lines and self.lines[-1].strip(">"):
            self.lines.append(">" * self.quote)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.flush(force=True)
        elif tag in _PARAGRAPH_TAGS:
            self.paragraph()
            self.quote += 1 if tag == "blockquote" else 0
            self.pre += 1 if tag == "pre" else 0
        elif tag in _BLOCK_TAGS:
            self.flush()
            if tag == "li":
                self.current.append("- ")
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _PARAGRAPH_TAGS:
            self.paragraph()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in _BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            *complete, rest = data.split("\n")
            for line in complete:
                self.current.append(line)
                self.flush(force=True)
            data = rest
        self.current.append(data)


def html_to_text(markup: str) -> str:
    if not markup.strip():
        return ""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    extractor.flush()
    text = "\n".join(line.rstrip() for line in extractor.lines)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text.replace("\r", ""))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
