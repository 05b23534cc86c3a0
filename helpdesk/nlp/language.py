"""Language detection: lingua, restricted to the supported languages, built once per process.

``detect_language(text)`` returns ``(code, confidence)`` with the project's ISO 639-1 codes
(``zh``, ``ja``, … as in the demo corpus and ``Message.language``). Short and mixed-language
texts get the most likely language and lingua's relative confidence for it; a text with no
letters at all (an order number, an emoji) gets ``("", 0.0)``.
"""

from __future__ import annotations

import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# Project code -> lingua language. Order is the order of the taxonomy's documentation.
SUPPORTED: dict[str, Language] = {
    "en": Language.ENGLISH,
    "zh": Language.CHINESE,
    "ja": Language.JAPANESE,
    "ko": Language.KOREAN,
    "de": Language.GERMAN,
    "fr": Language.FRENCH,
    "es": Language.SPANISH,
    "it": Language.ITALIAN,
    "pt": Language.PORTUGUESE,
    "nl": Language.DUTCH,
    "pl": Language.POLISH,
    "sv": Language.SWEDISH,
    "da": Language.DANISH,
    "ru": Language.RUSSIAN,
    "tr": Language.TURKISH,
    "ar": Language.ARABIC,
    "th": Language.THAI,
    "vi": Language.VIETNAMESE,
    "id": Language.INDONESIAN,
}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(SUPPORTED)
_CODE = {language: code for code, language in SUPPORTED.items()}

# Noise that says nothing about the language: links, e-mail addresses, order and tracking
# numbers, amounts. Removing it keeps "Order 302-1234567-1234567" from looking like Polish.
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#]?\w*\d[\w\-./]*")
_LETTER = re.compile(r"[^\W\d_]")
# The first few hundred characters tell the language as well as the whole message, at a
# fraction of the cost (lingua's time grows with the text's length).
MAX_CHARS = 300

_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """The process's detector; its language models load once, on first use (a few seconds)."""
    global _detector
    if _detector is None:
        _detector = (
            LanguageDetectorBuilder.from_languages(*SUPPORTED.values())
            .with_preloaded_language_models()
            .build()
        )
    return _detector


def clean(text: str) -> str:
    return _NOISE.sub(" ", text[: MAX_CHARS * 2])[:MAX_CHARS]


def detect_language(text: str) -> tuple[str, float]:
    """The most likely supported language of ``text`` and its confidence (0-1)."""
    cleaned = clean(text or "")
    if not _LETTER.search(cleaned):
        return "", 0.0
    values = detector().compute_language_confidence_values(cleaned)
    if not values:
        return "", 0.0
    best = values[0]
    return _CODE[best.language], round(float(best.value), 4)
