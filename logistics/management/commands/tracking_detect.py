"""Detect carriers of tracking numbers read line by line on stdin; one JSON line out per line in.

    $ printf '1Z999AA10123456784\\nMy parcel RR123456785CN is late\\n' | manage.py tracking_detect
    {"input": "1Z999AA10123456784", "valid": true, "candidates": [{"carrier": "ups", ...}]}

A line that is only a number (spaces and dashes allowed) is looked up as one; any other line
is free text, and its candidates are those of every tracking number found in it. Output is
flushed after each line, so the command works as a filter in a pipe.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand

from logistics.tracking_numbers import detect_number, find_in_text, is_valid

# Longer lines are cut: no message needs more to show its tracking numbers, and a runaway
# line must not stall the pipe.
MAX_LINE = 10_000
_ONE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]*")


class Command(BaseCommand):
    help = (
        "Read tracking numbers or free text on stdin, one per line, and write one JSON line per input: "
        '{"input", "valid", "candidates": [{"carrier", "number", "check_digit_ok"}]}, best candidate first. '
        "check_digit_ok is null for formats that have no check digit."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--country",
            default="",
            help="ISO country code of the store or destination; its carriers rank first among equals.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin: IO[str] = options.get("stdin") or sys.stdin
        if hasattr(stdin, "reconfigure"):
            stdin.reconfigure(errors="replace")  # one undecodable byte must not end the stream
        country = (options.get("country") or "").strip().upper()
        for raw_line in stdin:
            line = raw_line.rstrip("\r\n")
            if not line.strip():
                continue
            self.stdout.write(json.dumps(detect_line(line[:MAX_LINE], country=country), ensure_ascii=False))
            self.stdout.flush()


def detect_line(line: str, *, country: str = "") -> dict[str, Any]:
    """The JSON object for one input line."""
    text = line.strip()
    if _ONE_NUMBER.fullmatch(text):
        candidates = detect_number(text, country_hint=country)
        if candidates or " " not in text:
            return {
                "input": line,
                "valid": is_valid(candidates),
                "candidates": [candidate.as_dict() for candidate in candidates],
            }
    found_candidates: list[dict[str, Any]] = []
    for found in find_in_text(text):
        if not found["carrier"]:
            found_candidates.append({"carrier": "", "number": found["value"], "check_digit_ok": None})
            continue
        accepted = set(found["candidates"])
        found_candidates += [
            candidate.as_dict()
            for candidate in detect_number(found["value"], country_hint=country)
            if candidate.carrier in accepted and candidate.check_digit_ok is not False
        ]
    return {"input": line, "valid": bool(found_candidates), "candidates": found_candidates}
