"""Tracking numbers inside free text: customer messages in any language, CJK included.

What counts as found:

* a number in a distinctive format (a fixed prefix such as 1Z, TBA, YT, an S10 code ending in
  a real country, a USPS IMpb number starting 9x) whose check digit, when it has one, is right;
* a bare run of digits (10, 12, 15 digits ...) only next to a word for "tracking" or a
  carrier's name, with no word for "order", "phone" or "account" closer to it, not inside a
  phone number, IBAN, date, amount or platform order number, and with a right check digit
  where its format has one;
* digit groups written with spaces or dashes (``9400 1112 0108 0805 4830 16``) when joined
  they pass the same test;
* any 10-30 character code with at least six digits right after a tracking word (an
  unknown carrier's number still links a ticket to its parcel).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from helpdesk.nlp.entities import find_amounts, find_order_numbers
from logistics.tracking_numbers import checksums
from logistics.tracking_numbers.detect import Candidate, detect_number, normalise

Found = dict[str, Any]

_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{8,40}(?![A-Za-z0-9])")
# Digit groups separated by one space or dash, optionally led by a 1-3 letter prefix group
# ("RR 123 456 785 CN", "1Z 999 AA1 0123 4567 84"); lower-case words never join a run.
_GROUP = r"[A-Z]{0,4}\d[A-Z0-9]{0,7}"
_SPACED = re.compile(
    rf"(?<![A-Za-z0-9+])(?:[A-Z]{{1,3}}[ \-])?{_GROUP}(?:[ \-]{_GROUP}){{1,11}}(?:[ \-][A-Z]{{2}})?(?![A-Za-z0-9])"
)
_PIECE = re.compile(r"[A-Za-z0-9]+")

_TRACKING_WORDS = (
    r"tracking|track(?:ing)?\s*(?:no|nr|number|#|id|code)|trace|waybill|air\s?waybill|awb|consignment"
    r"|sendungsnummer|sendungsverfolgung|paketnummer|sendungs-?id|suivi|numéro de suivi|n° de suivi"
    r"|seguimiento|localizador|n[úu]mero de env[íi]o|tracciamento|codice di spedizione|rastreio|rastreamento"
    r"|trackingnummer|track\s?&\s?trace|volgnummer|przesyłki|śledzenia|kollinummer|sändningsnummer"
    r"|forsendelsesnummer|трек|отслеживани\w*|takip|التتبع|พัสดุ|vận đơn|resi"
    r"|运单|運單|快递单号|快遞單號|物流单号|物流單號|单号|單號|快递|快遞|追跡番号|お問い合わせ番号|問い合わせ番号|伝票番号"
    r"|송장|운송장"
)
_CARRIER_NAMES = (
    r"ups|fedex|fed\s?ex|usps|dhl|dpd|gls|hermes|evri|yodel|royal\s?mail|parcelforce|postnl|colissimo"
    r"|la\s?poste|chronopost|correos|poste\s?italiane|purolator|canada\s?post|postes\s?canada|australia\s?post"
    r"|auspost|japan\s?post|日本郵便|ゆうパック|ヤマト|佐川|yamato|sagawa|tnt|aramex|sf\s?express|顺丰|順豐"
    r"|yunexpress|yun\s?express|云途|4px|递四方|cainiao|菜鸟|菜鳥|yanwen|燕文|j&t|极兔|china\s?post|中国邮政"
    r"|ems|amazon\s?logistics|swiss\s?post|postnord|an\s?post|india\s?post|korea\s?post|우체국|singpost"
    r"|deutsche\s?post|correios|poczta"
)
_NOT_TRACKING_WORDS = (
    r"order|ordine|orden|ordem|commande|bestellung|bestell-?nr|bestelnummer|bestelling|zamówieni\w*"
    r"|pedido|beställning|ordre|bestilling|заказ\w*|sipariş|订单|訂單|注文|주문|invoice|rechnung|facture"
    r"|factura|fattura|(?:tele)?phone\w*|tel|telefon\w*|téléphone|teléfono|telefono|handy\w*|mobil\w*|rufnummer"
    r"|cell\w*|celular|móvil|movil|portable|whatsapp|call|fax"
    r"|iban|bic|account|konto\w*|compte|cuenta|conto|电话|電話|手机|手機|電話番号|전화|customer\s?(?:no|number|id)"
    r"|kundennummer|bestellnummer|rechnungsnummer|ticket|case|ref(?:erence)?|postcode|zip|plz"
)
_KEYWORD = re.compile(
    rf"(?i)(?P<tracking>{_TRACKING_WORDS})|(?<![a-z])(?P<carrier>{_CARRIER_NAMES})(?![a-z])"
    rf"|(?<![a-z])(?P<other>{_NOT_TRACKING_WORDS})(?![a-z])"
)
_AFTER_TRACKING_WORD = re.compile(
    rf"(?i:{_TRACKING_WORDS})(?:\s*(?:number|no\.?|nr\.?|#|id|code|nummer|numéro|número|numero))?"
    r"\s*(?:is|ist|est|es|è|é|:|：|=|-|은|는|は)?\s*(?P<code>[A-Za-z0-9]{10,30})(?![A-Za-z0-9])"
)
# What a bare run of digits is more often than a tracking number.
_PHONE = re.compile(
    r"(?<![A-Za-z0-9])\+\d{1,3}[\s\-./]?(?:\(?\d{1,5}\)?[\s\-./]?){2,6}\d{2,}"
    # "00" is an international prefix only when groups follow ("0049 151 ..."): a parcel number
    # may start with 00 too.
    r"|(?<![A-Za-z0-9])00\d{1,3}[\s\-./](?:\(?\d{1,5}\)?[\s\-./]?){1,6}\d{2,}"
    r"|\(\d{2,5}\)\s?\d{3,4}[\s\-]?\d{3,5}"
    r"|(?<![A-Za-z0-9])0\d{1,4}(?:[\s\-/.]\d{2,9}){1,5}(?![A-Za-z0-9])"
)
# A national number written in groups has 7 to 13 digits; longer runs of groups are parcels.
PHONE_DIGITS = range(7, 14)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"
)
_DATE = re.compile(r"(?<!\d)(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})(?!\d)")

_BEFORE = 60  # characters before a bare number in which a tracking word or carrier must appear
# A bare number whose format has no check digit needs the carrier named right before it ("TNT
# 123456789"): a tracking word alone is too often followed by an order or customer number.
_BEFORE_UNCHECKED = 25
_AFTER = 20  # ... or after it ("1234567890 (DHL)")


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = [(e["start"], e["end"]) for e in find_order_numbers(text)]
    spans += [(e["start"], e["end"]) for e in find_amounts(text)]
    spans += [m.span() for m in _PHONE.finditer(text) if sum(c.isdigit() for c in m.group(0)) in PHONE_DIGITS]
    spans += [m.span() for m in _DATE.finditer(text)]
    spans += [m.span() for m in _IBAN.finditer(text) if checksums.iban_valid(normalise(m.group(0)))]
    return spans


def _has_tracking_context(
    text: str,
    start: int,
    end: int,
    *,
    window: int = _BEFORE,
    kinds: tuple[str, ...] = ("tracking", "carrier"),
) -> bool:
    """A keyword of ``kinds`` (a tracking word, a carrier's name) is the nearest keyword before
    the number, or right after it."""
    before = list(_KEYWORD.finditer(text, max(0, start - window), start))
    if before:
        return before[-1].lastgroup in kinds
    after = _KEYWORD.search(text, end, min(len(text), end + _AFTER))
    return after is not None and after.lastgroup in kinds


def _acceptable(candidate: Candidate, *, context: bool, close_context: bool, excluded: bool) -> bool:
    if candidate.check_digit_ok is False:
        return False
    if candidate.format == "upu-s10" and not candidate.check_digit_ok:
        return False
    if candidate.needs_context:
        # Only the words around it vouch for a bare number; without a check digit, only the carrier's name.
        near = close_context if candidate.check_digit_ok is None else context
        return near and not excluded
    return True


def _best(
    raw: str, text: str, start: int, end: int, excluded_spans: list[tuple[int, int]]
) -> tuple[Candidate, list[Candidate]] | None:
    digits = sum(char.isdigit() for char in raw)
    if digits < 6:
        return None
    candidates = detect_number(raw)
    if not candidates:
        return None
    excluded = _overlaps(start, end, excluded_spans)
    context = close_context = False
    if any(c.needs_context for c in candidates):
        context = _has_tracking_context(text, start, end)
        close_context = context and _has_tracking_context(
            text, start, end, window=_BEFORE_UNCHECKED, kinds=("carrier",)
        )
    accepted = [
        c
        for c in candidates
        if _acceptable(c, context=context, close_context=close_context, excluded=excluded)
    ]
    if not accepted:
        return None
    if not accepted[0].needs_context and excluded and _overlaps(start, end, _iban_spans(text)):
        return None  # a valid IBAN can look like a DHL eCommerce number ("GM29 ...")
    return accepted[0], accepted


def _iban_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _IBAN.finditer(text) if checksums.iban_valid(normalise(m.group(0)))]


def _found(text: str, start: int, end: int, best: Candidate, accepted: list[Candidate]) -> Found:
    return {
        "value": best.number,
        "text": text[start:end],
        "start": start,
        "end": end,
        "carrier": best.carrier,
        "check_digit_ok": best.check_digit_ok,
        "format": best.format,
        "candidates": [c.carrier for c in accepted],
    }


def find_in_text(text: str) -> list[Found]:
    """Tracking numbers in ``text``, in order of appearance, none overlapping.

    Each is a dict with ``value`` (the normalised number), ``text`` (as written), ``start``,
    ``end``, ``carrier`` (best candidate's code, "" when only a tracking word vouches for it),
    ``check_digit_ok``, ``format`` and ``candidates`` (all plausible carrier codes, ranked).
    This is the ``NLP_TRACKING_DETECTOR`` used by triage.
    """
    text = text or ""
    excluded_spans = _excluded_spans(text)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def keep(start: int, end: int, result: tuple[Candidate, list[Candidate]]) -> None:
        taken.append((start, end))
        found.append(_found(text, start, end, *result))

    for match in _TOKEN.finditer(text):
        result = _best(match.group(0), text, match.start(), match.end(), excluded_spans)
        if result is not None:
            keep(match.start(), match.end(), result)

    for match in _SPACED.finditer(text):
        pieces = [
            (m.start() + match.start(), m.end() + match.start()) for m in _PIECE.finditer(match.group(0))
        ]
        _spaced_runs(text, pieces, excluded_spans, taken, keep)

    for match in _AFTER_TRACKING_WORD.finditer(text):
        start, end = match.span("code")
        code = match.group("code")
        if _overlaps(start, end, taken) or _overlaps(start, end, excluded_spans):
            continue
        if sum(char.isdigit() for char in code) >= 6:
            taken.append((start, end))
            found.append(
                {
                    "value": normalise(code),
                    "text": code,
                    "start": start,
                    "end": end,
                    "carrier": "",
                    "check_digit_ok": None,
                    "format": "after_keyword",
                    "candidates": [],
                }
            )
    return sorted(found, key=lambda entry: entry["start"])


def _spaced_runs(
    text: str,
    pieces: list[tuple[int, int]],
    excluded_spans: list[tuple[int, int]],
    taken: list[tuple[int, int]],
    keep: Callable[[int, int, tuple[Candidate, list[Candidate]]], None],
) -> None:
    """Try the longest joins of consecutive digit groups first; a group is used once."""
    used_until = -1
    count = len(pieces)
    for size in range(count, 1, -1):
        for first in range(0, count - size + 1):
            last = first + size - 1
            start, end = pieces[first][0], pieces[last][1]
            if start <= used_until or _overlaps(start, end, taken):
                continue
            written = text[start:end]
            if any(char not in " -" and not char.isalnum() for char in written):
                continue
            result = _best(written, text, start, end, excluded_spans)
            if result is not None:
                keep(start, end, result)
                used_until = end
