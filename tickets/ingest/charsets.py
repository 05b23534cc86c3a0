"""Bytes of a declared, missing, unknown or lying charset to str, saying what had to be guessed.

Every function returns the text together with human-readable warnings instead of raising:
a customer's mail must never be lost because their mailer mislabelled it.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from functools import lru_cache

from charset_normalizer import from_bytes

# Labels Python does not know, mapped to the codec mailers actually mean by them.
_ALIASES: dict[str, str] = {
    "x-gbk": "gb18030",
    "csgb2312": "gb18030",
    "x-euc-cn": "gb18030",
    "x-big5": "big5hkscs",
    "windows-31j": "cp932",
    "x-sjis": "cp932",
    "x-euc-jp": "euc_jp",
    "x-euc-kr": "cp949",
    "iso-8859-8-i": "iso8859_8",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
}
# Python codec names mapped to the superset real mail uses (what browsers do too, see WHATWG Encoding).
_SUPERSETS: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "iso2022_jp": "iso2022_jp_ext",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
}
# Everyday characters of customer mail in Chinese (simplified and traditional) and Korean.
_COMMON_CJK = frozenset(
    "的一是不了在人有我他这个们中来上大为和到说要就会可也你对能好您请谢还没收货订单号快递物流查帮下问题退款换发给"
    "买卖家商品时候已经什么吗呢吧哪里麻烦客服质量颜色尺寸包裹地址电话寄回坏错少件天月日钱价元用看知道"
    "們這個來說為會對請謝還沒貨訂單號遞問題換發給買賣時經麼嗎裡煩質顏話壞錯錢價"
    "이다는의에하고요가을를니습세안녕서지기도로한있사으어게해주문품배송상아나수감드리합께"
    "입시까환불교왜직못받았제것그저희확인부탁처"
)
_MULTIBYTE_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b$(D")  # ISO-2022-JP shifts in 7-bit text
_ENCODED_WORD = r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?="
ENCODED_WORD_RUN = re.compile(rf"{_ENCODED_WORD}(?:\s*{_ENCODED_WORD})*")
_ONE_ENCODED_WORD = re.compile(_ENCODED_WORD)
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def resolve_charset(label: str | None) -> str | None:
    """The Python codec to decode a declared charset with, or None when nobody knows the label."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


@lru_cache(maxsize=64)
def _is_single_byte(codec: str) -> bool:
    """Single-byte codecs turn any byte sequence into *something*, so success proves nothing."""
    decodable = 0
    for byte in range(0x80, 0x100):
        try:
            bytes([byte]).decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        decodable += 1
    return decodable >= 96


def _mostly_multibyte(data: bytes) -> bool:
    """True when non-ASCII bytes come in runs, as in CJK or Cyrillic text, not alone as in French."""
    high = [i for i, byte in enumerate(data) if byte >= 0x80]
    if len(high) < 4:
        return False
    positions = set(high)
    paired = sum(1 for i in high if i - 1 in positions or i + 1 in positions)
    return paired / len(high) >= 0.6


def _plausibility(text: str) -> float:
    """Share of non-ASCII letters that are everyday CJK characters or kana: breaks detector ties."""
    letters = [char for char in text if ord(char) > 0x7F and char.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for char in letters if char in _COMMON_CJK or "\u3040" <= char <= "\u30ff") / len(letters)


def _detect(data: bytes) -> tuple[str, str, float] | None:
    """charset_normalizer's guess; among equally clean guesses, the one that reads like real text.

    Short GBK and EUC-KR texts share byte ranges, and the detector often rates both perfect.
    """
    try:
        matches = list(from_bytes(data))
    except Exception:  # the detector is a heuristic; never let it take the message down
        return None
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    candidates: list[tuple[float, int, str, str]] = []
    for rank, match in enumerate(matches):
        codec = resolve_charset(match.encoding) or match.encoding
        text = _try(data, codec) if match.chaos <= cleanest + 0.05 else None
        if text is not None:
            candidates.append((_plausibility(text), -rank, text, codec))
    if not candidates:
        return str(matches[0]), matches[0].encoding, 0.0
    plausibility, _, text, codec = max(candidates)
    return text, codec, plausibility


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes, what: str, problem: str) -> tuple[str, list[str]]:
    """Last resorts once the declared charset is known to be unusable: UTF-8, detection, replacement."""
    text = _try(data, "utf-8")
    if text is not None:
        return text, [f"{what}: {problem} but the text decodes as utf-8"]
    detected = _detect(data)
    if detected is not None:
        return detected[0], [f"{what}: {problem} but the text decodes as {detected[1]}"]
    return data.decode("utf-8", errors="replace"), [
        f"{what}: {problem} and no charset fits; unreadable bytes were replaced"
    ]


def decode_text(data: bytes, declared: str | None, *, what: str) -> tuple[str, list[str]]:
    """Decode body or header bytes; `what` names the part in warnings ("text/plain body")."""
    if data.isascii() and not any(escape in data for escape in _MULTIBYTE_ESCAPES):
        codec = resolve_charset(declared)
        if declared and codec is None:
            return data.decode("ascii"), [f"{what}: unknown charset {declared!r}; the text is plain ASCII"]
        return data.decode("ascii"), []
    if not declared:
        return _decode_undeclared(data, what)
    codec = resolve_charset(declared)
    if codec is None:
        return _guess(data, what, f"unknown charset {declared!r}")
    text = _try(data, codec)
    if text is None:
        if codec == "cp1252":  # declared ISO-8859-1 with bytes cp1252 leaves undefined
            text = data.decode("latin-1")
        else:
            return _guess(data, what, f"declared charset {declared.lower()}")
    if any(escape in data for escape in _MULTIBYTE_ESCAPES) and not codec.startswith("iso2022"):
        recoded = _try(data, "iso2022_jp_ext")
        if recoded is not None:
            return recoded, [
                f"{what}: declared charset {declared.lower()} but the text decodes as iso-2022-jp"
            ]
    if _is_single_byte(codec):
        return _second_opinion(data, text, codec, declared.lower(), what)
    return text, []


def _second_opinion(data: bytes, text: str, codec: str, declared: str, what: str) -> tuple[str, list[str]]:
    """A single-byte label always 'works'; check the bytes are not really UTF-8 or a CJK charset."""
    problem = f"{what}: declared charset {declared} but the text decodes as"
    utf8 = _try(data, "utf-8")
    if utf8 is not None:
        return utf8, [f"{problem} utf-8"]
    if _mostly_multibyte(data):
        detected = _detect(data)
        # Overrule the label only for a multi-byte charset whose text reads like real words.
        if detected and detected[1] != codec and not _is_single_byte(detected[1]) and detected[2] >= 0.1:
            return detected[0], [f"{problem} {detected[1]}"]
    return text, []


def _decode_undeclared(data: bytes, what: str) -> tuple[str, list[str]]:
    """8-bit bytes without a label: UTF-8 (RFC 6532) first, else the likeliest legacy charset."""
    text = _try(data, "utf-8")
    if text is not None:
        return text, []
    if not _mostly_multibyte(data):
        return data.decode("cp1252", errors="replace"), [
            f"{what}: no charset declared and the text is not utf-8; read it as windows-1252"
        ]
    return _guess(data, what, "no charset declared and the text is not utf-8,")


def header_bytes(value: str) -> bytes:
    """The original bytes of a header value the parser decoded as ASCII with surrogate escapes."""
    try:
        return value.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:  # already real text (a str message); keep it
        return value.encode("utf-8", errors="surrogatepass")


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        compact = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        compact += "=" * (-len(compact) % 4)
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return base64.b64decode(compact[: len(compact) // 4 * 4] or "")
    raw = payload.replace("_", " ").encode("utf-8", errors="surrogateescape")
    return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def decode_encoded_words(value: str, *, what: str) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded-words in any charset, joining adjacent words before decoding.

    Mailers split multi-byte characters across adjacent words, so the bytes of consecutive words
    in one charset are decoded together; the whitespace between encoded-words is not text.
    """
    out: list[str] = []
    warnings: list[str] = []
    pending = bytearray()
    pending_charset = ""
    position = 0
    previous_was_word = False

    def flush() -> None:
        if pending:
            text, problems = decode_text(bytes(pending), pending_charset, what=what)
            out.append(text)
            warnings.extend(problems)
            pending.clear()

    for match in _ONE_ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (previous_was_word and between.isspace()):
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0]
        if pending and charset.lower() != pending_charset.lower():
            flush()
        pending_charset = charset
        pending.extend(_word_bytes(match.group(2), match.group(3)))
        position = match.end()
        previous_was_word = True
    flush()
    out.append(value[position:])
    return "".join(out), warnings
