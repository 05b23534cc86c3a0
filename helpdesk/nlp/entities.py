"""Entities in a message: order numbers, tracking numbers, amounts with currency, SKUs.

``extract_entities(text)`` returns a JSON-ready dict::

    {
      "order_numbers": [{"value": "302-1234567-1234567", "platforms": ["amazon"], "start": 12, "end": 31}],
      "tracking_numbers": [{"value": "RR123456785CN", "format": "s10", "start": …, "end": …}],
      "amounts": [{"value": "29.99", "currency": "EUR", "text": "29,99 €", "start": …, "end": …}],
      "skus": [{"value": "LMN-BLK-42", "kind": "sku", "start": …, "end": …}],
    }

Formats are strict so that phone numbers, dates and postcodes are not taken for orders: a
bare run of digits is an order number only in a platform's exact shape (Amazon 3-7-7, eBay
2-5-5, AliExpress 16 digits starting 8 or 3, Magento 9 digits with its zero padding, Shopee
date + 8 characters) or right after a word for "order" in one of the supported languages
(``Order 4567``, ``Bestellung Nr. 4567``, ``订单号 4567``, Shopify/WooCommerce ``#4567``).

Tracking numbers: the built-in finder knows UPU S10 (check digit verified), UPS 1Z, USPS 20-22
digits, YunExpress/Cainiao/4PX-style prefixes, and any 10-30 character code right after a
word for "tracking". The logistics app plugs in its carrier-aware detector through the
``NLP_TRACKING_DETECTOR`` setting (dotted path to ``detect(text) -> list[dict]`` with at least
``value``, ``start``, ``end``); when set, it replaces the built-in finder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

Entity = dict[str, Any]

_ORDER_WORDS = (
    r"order|ordine|orden|ordem|commande|bestellung|bestelnummer|bestelling|zamówieni\w*|zamowieni\w*"
    r"|pedido|beställning|ordre|bestilling|заказ\w*|sipariş|siparis|طلب|คำสั่งซื้อ|đơn hàng|pesanan"
    r"|订单号?|訂單號?|注文番号|注文|주문번호|주문"
)
_NUMBER_WORDS = r"(?:\s*(?:no\.?|nr\.?|n[°º]|number|nummer|numéro|número|numero|numer|号|番号|번호|#|:))*"

_AMAZON = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
_EBAY = re.compile(r"(?<![\d-])\d{2}-\d{5}-\d{5}(?![\d-])")
_ALIEXPRESS = re.compile(r"(?<![\d\w+-])[38]\d{15}(?![\d-])")
_MAGENTO = re.compile(r"(?<![\d\w+-])(?:0000|[1-9]000)\d{5}(?![\d-])")
_SHOPEE = re.compile(r"(?<![\w-])2\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[A-Z0-9]{8}(?![\w-])")
_HASH_ORDER = re.compile(r"(?<![\w&])#\s?(\d{3,7})(?![\d-])")
_WORD_ORDER = re.compile(
    rf"(?i:(?<!\w)(?:{_ORDER_WORDS}){_NUMBER_WORDS})\s*([A-Z]{{0,4}}-?\d{{3,20}})(?![\d-])"
)

_S10 = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})(\d{8})(\d)([A-Z]{2})(?![A-Za-z0-9])")
_UPS = re.compile(r"(?<![A-Za-z0-9])1Z[0-9A-Z]{16}(?![A-Za-z0-9])")
_USPS = re.compile(r"(?<!\d)9[2-5]\d{18,20}(?!\d)")
_PREFIXED = re.compile(
    r"(?<![A-Za-z0-9])(?:YT\d{16}|LP\d{14}|4PX\d{12,16}|CNBR\d{8,12}|SF\d{12,13}|JT\d{13})(?![A-Za-z0-9])"
)
_TRACKING_WORDS = (
    r"tracking(?: number| no\.?| code| id)?|track(?:ing)? #|sendungsnummer|sendungsverfolgung|numéro de suivi|suivi"
    r"|número de seguimiento|seguimiento|codice di tracciamento|tracking|código de rastreio|rastreio"
    r"|track ?& ?trace|trackingnummer|numer przesyłki|numer śledzenia|kollinummer|sändningsnummer"
    r"|forsendelsesnummer|трек-?номер|трек|takip numarası|takip no|رقم التتبع|หมายเลขพัสดุ|เลขพัสดุ"
    r"|mã vận đơn|mã theo dõi|nomor resi|resi|运单号|快递单号|物流单号|追跡番号|お問い合わせ番号|송장번호|운송장 ?번호"
)
_CONTEXT_TRACKING = re.compile(
    rf"(?i:(?<!\w)(?:{_TRACKING_WORDS}))\s*(?:is|ist|est|es|è|é|:|：|=|-)?\s*([A-Z0-9]{{10,30}})(?![A-Za-z0-9])"
)

_SYMBOLS = {
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "¥": "CNY",
    "￥": "CNY",
    "₩": "KRW",
    "₺": "TRY",
    "₽": "RUB",
    "฿": "THB",
    "R$": "BRL",
    "Rp": "IDR",
    "zł": "PLN",
    "kr": "SEK",
    "kr.": "DKK",
    "元": "CNY",
    "円": "JPY",
    "원": "KRW",
    "đ": "VND",
    "₫": "VND",
    "руб.": "RUB",
    "руб": "RUB",
    "TL": "TRY",
    "euro": "EUR",
    "euros": "EUR",
    "Euro": "EUR",
    "dollars": "USD",
    "บาท": "THB",
    "ريال": "SAR",
    "درهم": "AED",
}
_CODES = (
    "EUR|USD|GBP|CNY|RMB|JPY|KRW|PLN|SEK|DKK|NOK|CHF|RUB|TRY|BRL|AUD|CAD|HKD|SGD|THB|VND|IDR|AED|SAR|MXN|CZK"
)
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# Latin letters and digits may not touch an amount; CJK may ("付了199元", "支付¥199").
_AMOUNT_BEFORE = re.compile(rf"(?<![A-Za-z0-9])(?P<cur>{_CODES}|{_SYMBOL_RE})\s?(?P<num>{_NUMBER})(?![\d])")
_AMOUNT_AFTER = re.compile(
    rf"(?<![A-Za-z0-9.,])(?P<num>{_NUMBER})\s?(?P<cur>{_CODES}|{_SYMBOL_RE})(?![A-Za-z])"
)

_SKU_CONTEXT = re.compile(
    r"(?i:(?<!\w)(?:sku|item no\.?|item number|art\.?-?nr\.?|artikelnummer|artikel-?nr\.?|réf\.?|référence|ref\.?"
    r"|referencia|codice articolo|artikelnummer|numer katalogowy|model(?:l)?(?: no\.?| number)?|型番|商品编号|货号|품번|상품번호))"
    r"\s*[:#]?\s*([A-Z0-9][A-Z0-9\-_/.]{2,30}[A-Z0-9])(?![\w-])"
)
_ASIN = re.compile(r"(?<![A-Za-z0-9])B0[0-9A-Z]{8}(?![A-Za-z0-9])")


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


def find_order_numbers(text: str) -> list[Entity]:
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []

    def add(value: str, platforms: list[str], start: int, end: int) -> None:
        if _overlaps(start, end, taken):
            return
        taken.append((start, end))
        found.append({"value": value, "platforms": platforms, "start": start, "end": end})

    for pattern, platforms in (
        (_AMAZON, ["amazon"]),
        (_EBAY, ["ebay"]),
        (_ALIEXPRESS, ["aliexpress"]),
        (_SHOPEE, ["shopee"]),
        (_MAGENTO, ["magento"]),
    ):
        for m in pattern.finditer(text):
            add(m.group(0), platforms, m.start(), m.end())
    for m in _HASH_ORDER.finditer(text):
        add("#" + m.group(1), ["shopify", "woocommerce"], m.start(), m.end())
    for m in _WORD_ORDER.finditer(text):
        value = m.group(1)
        digits = sum(c.isdigit() for c in value)
        if digits < 3:
            continue
        add(value, _platforms_of(value), m.start(1), m.end(1))
    return sorted(found, key=lambda e: e["start"])


def _platforms_of(value: str) -> list[str]:
    if _AMAZON.fullmatch(value):
        return ["amazon"]
    if _EBAY.fullmatch(value):
        return ["ebay"]
    if value.isdigit() and len(value) == 16:
        return ["aliexpress"]
    if value.isdigit() and len(value) == 9:
        return ["magento"]
    if value.isdigit() and len(value) <= 7:
        return ["shopify", "woocommerce"]
    return []


def s10_valid(serial: str, check: str) -> bool:
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    total = sum(int(d) * w for d, w in zip(serial, weights, strict=True))
    expected = 11 - total % 11
    expected = {10: 0, 11: 5}.get(expected, expected)
    return expected == int(check)


def builtin_tracking_numbers(text: str) -> list[Entity]:
    """S10, UPS, USPS, common Chinese cross-border prefixes, and codes after a tracking word."""
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []

    def add(value: str, fmt: str, start: int, end: int) -> None:
        if _overlaps(start, end, taken):
            return
        taken.append((start, end))
        found.append({"value": value, "format": fmt, "start": start, "end": end})

    for m in _S10.finditer(text):
        if s10_valid(m.group(2), m.group(3)):
            add(m.group(0), "s10", m.start(), m.end())
    for m in _UPS.finditer(text):
        add(m.group(0), "ups", m.start(), m.end())
    for m in _PREFIXED.finditer(text):
        add(m.group(0), "prefixed", m.start(), m.end())
    for m in _USPS.finditer(text):
        add(m.group(0), "usps", m.start(), m.end())
    for m in _CONTEXT_TRACKING.finditer(text):
        value = m.group(1)
        if sum(c.isdigit() for c in value) >= 6:
            add(value, "after_keyword", m.start(1), m.end(1))
    return sorted(found, key=lambda e: e["start"])


@cache
def _configured_detector(path: str) -> Callable[[str], list[Entity]]:
    detector: Callable[[str], list[Entity]] = import_string(path)
    return detector


def tracking_detector() -> Callable[[str], list[Entity]]:
    """The detector in use: ``NLP_TRACKING_DETECTOR`` when set (logistics), else the built-in one."""
    path = getattr(settings, "NLP_TRACKING_DETECTOR", "")
    return _configured_detector(path) if path else builtin_tracking_numbers


def _decimal(number: str) -> str | None:
    """'1.234,56' / '1,234.56' / '29,99' / '15 000' -> canonical decimal string."""
    cleaned = number.replace(" ", "").replace("'", "").replace("’", "")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        cleaned = head.replace(",", "") + ("." + tail if len(tail) <= 2 else tail)
    elif cleaned.count(".") == 1 and len(cleaned.rpartition(".")[2]) == 3:
        cleaned = cleaned.replace(".", "")  # 15.000 (thousands)
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        return str(Decimal(cleaned))
    except InvalidOperation:
        return None


def _currency(symbol: str, language: str | None) -> str:
    symbol = symbol.strip()
    if symbol.upper() == "RMB":
        return "CNY"
    if symbol.upper() in _CODES.split("|"):
        return symbol.upper()
    currency = _SYMBOLS.get(symbol, symbol)
    if symbol in {"¥", "￥"} and language == "ja":
        return "JPY"
    if symbol == "kr" and language == "da":
        return "DKK"
    if symbol == "kr" and language == "no":
        return "NOK"
    return currency


def find_amounts(text: str, language: str | None = None) -> list[Entity]:
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_AMOUNT_BEFORE, _AMOUNT_AFTER):
        for m in pattern.finditer(text):
            if _overlaps(m.start(), m.end(), taken):
                continue
            value = _decimal(m.group("num"))
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(
                {
                    "value": value,
                    "currency": _currency(m.group("cur"), language),
                    "text": m.group(0).strip(),
                    "start": m.start(),
                    "end": m.end(),
                }
            )
    return sorted(found, key=lambda e: e["start"])


def find_skus(text: str) -> list[Entity]:
    found: list[Entity] = []
    for m in _SKU_CONTEXT.finditer(text):
        value = m.group(1)
        if any(c.isdigit() for c in value):
            found.append({"value": value, "kind": "sku", "start": m.start(1), "end": m.end(1)})
    for m in _ASIN.finditer(text):
        if not _overlaps(m.start(), m.end(), [(e["start"], e["end"]) for e in found]):
            found.append({"value": m.group(0), "kind": "asin", "start": m.start(), "end": m.end()})
    return sorted(found, key=lambda e: e["start"])


def extract_entities(text: str, language: str | None = None) -> dict[str, list[Entity]]:
    """Order numbers, tracking numbers, amounts and SKUs found in ``text``.

    A span is reported once: tracking numbers win over order numbers (an S10 code is never an
    order), order and tracking numbers over SKUs and amounts. ``language`` only disambiguates
    currency symbols (¥ is yen for ``ja``, yuan otherwise).
    """
    text = text or ""
    tracking = tracking_detector()(text)
    taken = [(e["start"], e["end"]) for e in tracking]
    orders = [e for e in find_order_numbers(text) if not _overlaps(e["start"], e["end"], taken)]
    taken += [(e["start"], e["end"]) for e in orders]
    skus = [e for e in find_skus(text) if not _overlaps(e["start"], e["end"], taken)]
    taken += [(e["start"], e["end"]) for e in skus]
    amounts = [e for e in find_amounts(text, language) if not _overlaps(e["start"], e["end"], taken)]
    return {"order_numbers": orders, "tracking_numbers": tracking, "amounts": amounts, "skus": skus}
