"""The triage model layer: pure functions on text (see README, "Triage models").

* ``detect_language(text) -> (code, confidence)``
* ``classify_intent(text, subject="", language=None) -> (intent, confidence, model_version)``
* ``analyse_sentiment(text, language=None) -> (sentiment, confidence, angry, anger_reasons)``
* ``extract_entities(text, language=None) -> dict``
* ``analyse_message(text, subject="") -> dict``: all four, as ``nlp_predict`` prints them.

Models load lazily, once per process, on first use; importing this package loads nothing.
"""

from __future__ import annotations

from typing import Any


def detect_language(text: str) -> tuple[str, float]:
    from helpdesk.nlp.language import detect_language as detect

    return detect(text)


def classify_intent(text: str, subject: str = "", language: str | None = None) -> tuple[str, float, str]:
    from helpdesk.nlp.intent import classify_intent as classify

    return classify(text, subject, language)


def analyse_sentiment(text: str, language: str | None = None) -> tuple[str, float, bool, list[str]]:
    from helpdesk.nlp.sentiment import analyse_sentiment as analyse

    return analyse(text, language)


def extract_entities(text: str, language: str | None = None) -> dict[str, list[dict[str, Any]]]:
    from helpdesk.nlp.entities import extract_entities as extract

    return extract(text, language)


def analyse_message(text: str, subject: str = "") -> dict[str, Any]:
    """Language, intent, sentiment, anger and entities of one message (no translation)."""
    # The body says more about the language than a subject like "Re: order 1234"; a very short
    # body borrows the subject's words.
    short = sum(c.isalpha() for c in text) < 20
    language, language_confidence = detect_language(f"{subject}\n{text}" if subject and short else text)
    intent, intent_confidence, intent_model = classify_intent(text, subject, language)
    sentiment, sentiment_confidence, angry, reasons = analyse_sentiment(
        f"{subject}\n{text}" if subject else text, language
    )
    return {
        "language": language,
        "language_confidence": language_confidence,
        "intent": intent,
        "intent_confidence": intent_confidence,
        "intent_model": intent_model,
        "sentiment": sentiment,
        "sentiment_confidence": sentiment_confidence,
        "angry": angry,
        "anger_reasons": reasons,
        "entities": extract_entities(f"{subject}\n{text}" if subject else text, language),
    }
