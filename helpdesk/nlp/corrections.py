"""Agents' intent corrections: the interface through which ``nlp_train`` learns from the team.

A correction is a message an agent re-labelled, as ``(text, intent)`` where ``text`` is what
the intent model reads (``dataset.intent_input(subject, body)``). ``iter_corrections()``
yields them from every configured source; ``training.train_intent(corrections=...)``
takes any iterable of such pairs, so the ticket app can pass its own (for instance a
selector over stored corrections) without this module importing any app.

Sources today:

* ``NLP_CORRECTION_SOURCES``: dotted paths of callables yielding ``(text, subject, intent)``;
  the default is ``tickets.selectors.intent_corrections`` (agents' one-click corrections).
* ``NLP_CORRECTIONS_FILE``: JSON Lines, one object per correction,
  ``{"text": "...", "subject": "...", "intent": "damaged_item"}`` (``subject`` optional).
  Lines that are not JSON objects or name an unknown intent are skipped and counted.

Corrections are training data only (never evaluation data), weighted above the generated
examples because they are real messages judged by people.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils.module_loading import import_string

from helpdesk.nlp.dataset import INTENTS, intent_input

logger = logging.getLogger(__name__)


@dataclass
class CorrectionStats:
    read: int = 0
    skipped: int = 0


def read_jsonl(path: Path, stats: CorrectionStats | None = None) -> Iterator[tuple[str, str]]:
    """(text, intent) pairs from a JSON Lines file of corrections."""
    stats = stats or CorrectionStats()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                stats.skipped += 1
                continue
            if not isinstance(item, dict) or item.get("intent") not in INTENTS or not item.get("text"):
                stats.skipped += 1
                continue
            stats.read += 1
            yield intent_input(str(item.get("subject") or ""), str(item["text"])), str(item["intent"])


def iter_corrections(stats: CorrectionStats | None = None) -> Iterator[tuple[str, str]]:
    """Every configured correction, as (text, intent)."""
    path = settings.NLP_CORRECTIONS_FILE
    if path and Path(path).is_file():
        yield from read_jsonl(Path(path), stats)
    for source in getattr(settings, "NLP_CORRECTION_SOURCES", ()):
        try:
            # Materialised here so that a database that is not there yet (a fresh machine
            # training before `migrate`) costs the corrections, not the training.
            pairs = list(read_source(import_string(source), stats))
        except DatabaseError as error:
            logger.warning("corrections from %s skipped: %s", source, error)
            continue
        yield from pairs


def read_source(
    source: Callable[[], Iterable[tuple[str, ...]]], stats: CorrectionStats | None = None
) -> Iterator[tuple[str, str]]:
    """(text, intent) pairs from a callable yielding (text, subject, intent) or (text, intent).

    The tickets app registers its stored corrections this way (``NLP_CORRECTION_SOURCES``),
    so this module imports no app.
    """
    stats = stats or CorrectionStats()
    for item in source():
        if len(item) == 3:
            text, subject, intent = item
        elif len(item) == 2:
            (text, intent), subject = item, ""
        else:
            stats.skipped += 1
            continue
        if intent not in INTENTS or not str(text or "").strip():
            stats.skipped += 1
            continue
        stats.read += 1
        yield intent_input(str(subject or ""), str(text)), str(intent)


def normalise(corrections: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Valid, de-duplicated pairs in a stable order (so they hash to the same model version)."""
    unique = {(str(text).strip(), str(intent)) for text, intent in corrections if intent in INTENTS and text}
    return sorted(p for p in unique if p[0])
