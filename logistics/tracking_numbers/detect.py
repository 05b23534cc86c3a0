"""Which carriers a single tracking number may belong to, ranked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from logistics.carriers import CARRIERS_BY_CODE
from logistics.tracking_numbers.formats import FORMATS

# Spaces (any Unicode space), dashes, dots and slashes people put between digit groups.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—./_]+")
_ALPHANUMERIC = re.compile(r"[A-Z0-9]{5,40}")
_CHECK_RANK = {True: 0, None: 1, False: 2}


@dataclass(frozen=True)
class Candidate:
    carrier: str  # a code of logistics.carriers.CARRIERS
    number: str  # what the carrier's tracking page takes (routing prefixes removed)
    check_digit_ok: bool | None  # None: this format has no (public) check digit
    format: str  # a key of formats.FORMATS
    format_name: str
    specificity: int
    needs_context: bool

    def as_dict(self) -> dict[str, Any]:
        return {"carrier": self.carrier, "number": self.number, "check_digit_ok": self.check_digit_ok}


def normalise(raw: str) -> str:
    """``"1z 999 aa1-0123 4567 84"`` -> ``"1Z999AA10123456784"``; a DPD scanner's leading % goes."""
    return _SEPARATORS.sub("", raw or "").upper().lstrip("%")


def detect_number(raw: str, *, country_hint: str = "") -> list[Candidate]:
    """Every carrier format ``raw`` fits, best first.

    Ranked by: check digit verified, then no check digit to verify, then a wrong check digit
    (kept, so a typo can still be recognised); within each, carriers of ``country_hint``
    (the store's or the parcel's country) first, then the more specific pattern.
    """
    number = normalise(raw)
    if not _ALPHANUMERIC.fullmatch(number):
        return []
    hint = country_hint.strip().upper()
    ranked: list[tuple[tuple[int, int, int, int, int], Candidate]] = []
    for index, tracking_format in enumerate(FORMATS):
        match = tracking_format.pattern.fullmatch(number)
        if match is None:
            continue
        check_ok = tracking_format.check(match) if tracking_format.check is not None else None
        for position, carrier in enumerate(tracking_format.carriers_for(match)):
            info = CARRIERS_BY_CODE.get(carrier)
            hinted = bool(hint) and info is not None and info.country == hint
            candidate = Candidate(
                carrier=carrier,
                number=tracking_format.number_for(match),
                check_digit_ok=check_ok,
                format=tracking_format.key,
                format_name=tracking_format.name,
                specificity=tracking_format.specificity,
                needs_context=tracking_format.needs_context,
            )
            key = (_CHECK_RANK[check_ok], 0 if hinted else 1, -tracking_format.specificity, index, position)
            ranked.append((key, candidate))
    ranked.sort(key=lambda pair: pair[0])
    seen: set[tuple[str, str]] = set()
    candidates: list[Candidate] = []
    for _, candidate in ranked:
        if (candidate.carrier, candidate.number) in seen:
            continue  # a carrier offered twice (two formats) keeps its best-ranked reading
        seen.add((candidate.carrier, candidate.number))
        candidates.append(candidate)
    return candidates


def is_valid(candidates: list[Candidate]) -> bool:
    """A number is valid when some reading of it is not contradicted by a check digit."""
    return any(candidate.check_digit_ok is not False for candidate in candidates)
