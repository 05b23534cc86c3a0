"""Machine translation: the ``Translator`` over argostranslate, with a database cache.

``translate(text, source, target)`` never raises and never waits on the network: it returns a
``TranslationResult`` whose ``status`` says what happened — translated (directly or through
English), same language, no pack installed for the pair, or failed (logged) — and whose
``notice`` is the sentence the UI shows when there is no translation. A text is translated once
per (text hash, source, target): the ``tickets.Translation`` row is the cache, created with
get-or-create on its unique key, so two workers translating the same text at once store one row.

Language codes are the project's (ISO 639-1, ``zh`` for Simplified and ``zh-hant`` for
Traditional Chinese, ``pt-br`` …); packs use Argos codes (``zh``, ``zt``, ``pb`` …).
"""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from helpdesk.nlp import argos, argos_models
from helpdesk.nlp.argos import Pack

if TYPE_CHECKING:
    from tickets.models import Translation

logger = logging.getLogger(__name__)

PIVOT_LANGUAGE = "en"
ENGINE_MAX_CHARS = 100

# One code per language for the cache key and the Argos lookup ("zh-Hans" and "zh-CN" are "zh").
CANONICAL_CODES = {
    "zh-hans": "zh",
    "zh-cn": "zh",
    "zh-sg": "zh",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-mo": "zh-hant",
    "pt-pt": "pt",
    "no": "nb",
    "iw": "he",
    "in": "id",
}
# Project code -> Argos codes, best first. Codes not listed map to their first part ("de-at"
# -> "de"). Chinese: Argos "zh" is Simplified, "zt" Traditional; Portuguese: "pb" is Brazilian.
ARGOS_CODES: dict[str, tuple[str, ...]] = {
    "zh": ("zh", "zt"),
    "zh-hant": ("zt", "zh"),
    "pt": ("pt", "pb"),
    "pt-br": ("pb", "pt"),
    "nn": ("nb",),
    "fil": ("tl",),
}
PROJECT_CODES = {"zt": "zh-hant", "pb": "pt-br"}


def normalize_language(code: str) -> str:
    """The project's code for a language tag: ``zh_Hans`` -> ``zh``, ``ZH-hant`` -> ``zh-hant``."""
    code = code.strip().replace("_", "-").lower()
    return CANONICAL_CODES.get(code, code)


def argos_codes(code: str) -> tuple[str, ...]:
    code = normalize_language(code)
    return ARGOS_CODES.get(code) or (code.split("-")[0],)


def project_code(argos_code: str) -> str:
    return PROJECT_CODES.get(argos_code, argos_code)


class TranslationStatus(enum.StrEnum):
    TRANSLATED = "translated"
    SAME_LANGUAGE = "same_language"
    NOT_INSTALLED = "not_installed"
    UNKNOWN_LANGUAGE = "unknown_language"
    EMPTY = "empty"
    FAILED = "failed"


@dataclass(frozen=True)
class TranslationResult:
    status: TranslationStatus
    source: str
    target: str
    text: str = ""
    engine: str = ""
    pivot: str = ""
    cached: bool = False
    truncated: bool = False
    translation_id: int | None = None  # the tickets.Translation row (the cache entry)

    @property
    def ok(self) -> bool:
        return self.status == TranslationStatus.TRANSLATED

    @property
    def notice(self) -> str:
        """What the UI says when there is no translation (empty when there is one)."""
        pair = f"{self.source}→{self.target}"
        if self.status == TranslationStatus.NOT_INSTALLED:
            return _("No translation is installed for %(pair)s.") % {"pair": pair}
        if self.status == TranslationStatus.UNKNOWN_LANGUAGE:
            return _("The language of this text is not known, so it is not translated.")
        if self.status == TranslationStatus.FAILED:
            return _("Translating %(pair)s failed; the original is shown.") % {"pair": pair}
        if self.truncated:
            return _("Only the beginning of this long text is translated.")
        return ""


@dataclass(frozen=True)
class Route:
    """The packs that take a text from ``source`` to ``target``: one, or two through English."""

    source: str
    target: str
    packs: tuple[Pack, ...]

    @property
    def pivot(self) -> str:
        return project_code(self.packs[0].to_code) if len(self.packs) > 1 else ""

    @property
    def engine(self) -> str:
        packs = " + ".join(str(pack) for pack in self.packs)
        return f"argostranslate {argos.argos_version()} {packs}"[:ENGINE_MAX_CHARS]


@dataclass(frozen=True)
class LanguagePair:
    source: str
    target: str
    pivot: str = ""

    def __str__(self) -> str:
        via = f" (via {self.pivot})" if self.pivot else ""
        return f"{self.source}→{self.target}{via}"


class Translator:
    """Translates text with the installed Argos packs; see the module docstring."""

    def __init__(self, *, max_chars: int | None = None) -> None:
        self.max_chars = max_chars or settings.TRANSLATION_MAX_CHARS

    def translate(self, text: str, source: str, target: str) -> TranslationResult:
        source, target = normalize_language(source or ""), normalize_language(target or "")
        text, truncated = self._prepare(text)
        if not text:
            return TranslationResult(TranslationStatus.EMPTY, source, target)
        if not source or not target:
            return TranslationResult(TranslationStatus.UNKNOWN_LANGUAGE, source, target)
        if argos_codes(source) == argos_codes(target):
            return TranslationResult(
                TranslationStatus.SAME_LANGUAGE, source, target, text=text, truncated=truncated
            )
        source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            cached = _cache_get(source_hash, source, target)
            if cached is not None:
                return self._result(cached, source, target, cached=True, truncated=truncated)
            route = self.route(source, target)
            if route is None:
                return TranslationResult(TranslationStatus.NOT_INSTALLED, source, target)
            translated = self._run(route, text)
            row = _cache_store(source_hash, source, target, translated, route)
        except Exception:
            # Translation is a nicety: whatever goes wrong, the caller carries on with the original.
            logger.exception("Translating %s→%s failed", source, target)
            return TranslationResult(TranslationStatus.FAILED, source, target)
        if row is None:
            return TranslationResult(
                TranslationStatus.TRANSLATED,
                source,
                target,
                text=translated,
                engine=route.engine,
                pivot=route.pivot,
                truncated=truncated,
            )
        return self._result(row, source, target, cached=False, truncated=truncated)

    def lookup(self, text: str, source: str, target: str) -> TranslationResult | None:
        """The cached translation of the text, or None; never runs a model."""
        source, target = normalize_language(source or ""), normalize_language(target or "")
        text, truncated = self._prepare(text)
        if not (text and source and target):
            return None
        row = _cache_get(hashlib.sha256(text.encode("utf-8")).hexdigest(), source, target)
        return None if row is None else self._result(row, source, target, cached=True, truncated=truncated)

    def route(self, source: str, target: str) -> Route | None:
        """The direct pack for the pair, else two packs through English, else None."""
        packs = {(pack.from_code, pack.to_code): pack for pack in argos.installed_packs()}
        sources, targets = argos_codes(source), argos_codes(target)
        for from_code in sources:
            for to_code in targets:
                if (from_code, to_code) in packs:
                    return Route(source, target, (packs[from_code, to_code],))
        for from_code in sources:
            for to_code in targets:
                first, second = packs.get((from_code, PIVOT_LANGUAGE)), packs.get((PIVOT_LANGUAGE, to_code))
                if first is not None and second is not None:
                    return Route(source, target, (first, second))
        return None

    def available_pairs(self) -> list[LanguagePair]:
        """Every pair the installed packs translate: direct ones, then those through English."""
        direct = {(pack.from_code, pack.to_code) for pack in argos.installed_packs()}
        pairs = [LanguagePair(project_code(a), project_code(b)) for a, b in sorted(direct)]
        into_pivot = sorted(a for a, b in direct if b == PIVOT_LANGUAGE)
        from_pivot = sorted(b for a, b in direct if a == PIVOT_LANGUAGE)
        pairs += [
            LanguagePair(project_code(a), project_code(b), pivot=PIVOT_LANGUAGE)
            for a in into_pivot
            for b in from_pivot
            if a != b and (a, b) not in direct
        ]
        return pairs

    def _prepare(self, text: str) -> tuple[str, bool]:
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) <= self.max_chars:
            return text, False
        cut = text.rfind(" ", 0, self.max_chars)
        return text[: cut if cut > self.max_chars // 2 else self.max_chars].rstrip(), True

    def _run(self, route: Route, text: str) -> str:
        """The model call: each pack of the route in turn, through argostranslate."""
        for pack in route.packs:
            text = argos_models.load_translation(pack).translate(text)
        return str(text)

    @staticmethod
    def _result(
        row: Translation, source: str, target: str, *, cached: bool, truncated: bool
    ) -> TranslationResult:
        return TranslationResult(
            TranslationStatus.TRANSLATED,
            source,
            target,
            text=row.translated_text,
            engine=row.engine,
            pivot=row.pivot_language,
            cached=cached,
            truncated=truncated,
            translation_id=row.pk,
        )


def _translation_model() -> type[Translation]:
    # helpdesk imports no app's models at module level (DESIGN.md).
    from django.apps import apps

    return cast("type[Translation]", apps.get_model("tickets", "Translation"))


def _cache_get(source_hash: str, source: str, target: str) -> Translation | None:
    return (
        _translation_model()
        .objects.filter(source_hash=source_hash, source_language=source, target_language=target)
        .first()
    )


def _cache_store(source_hash: str, source: str, target: str, text: str, route: Route) -> Translation | None:
    """The cache row for the translation; the existing one if another worker stored it first."""
    try:
        with transaction.atomic():
            row, _created = _translation_model().objects.get_or_create(
                source_hash=source_hash,
                source_language=source,
                target_language=target,
                defaults={"translated_text": text, "engine": route.engine, "pivot_language": route.pivot},
            )
    except DatabaseError:
        logger.exception("Could not store the %s→%s translation; it is used uncached", source, target)
        return None
    return row


def translate(text: str, source: str, target: str) -> TranslationResult:
    return Translator().translate(text, source, target)


def available_pairs() -> list[LanguagePair]:
    return Translator().available_pairs()


def pair_notice(source: str, target: str) -> str:
    """The UI's sentence for a pair that cannot be translated; empty when it can."""
    source, target = normalize_language(source), normalize_language(target)
    if not source or not target or argos_codes(source) == argos_codes(target):
        return ""
    if Translator().route(source, target) is not None:
        return ""
    return TranslationResult(TranslationStatus.NOT_INSTALLED, source, target).notice
