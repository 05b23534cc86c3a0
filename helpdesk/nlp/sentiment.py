"""Sentiment (negative / neutral / positive) and the anger flag.

Anger = the anger classifier (XED anger + the project's support messages) **or** a rule:
a chargeback or payment-dispute threat, a bad-review threat, a legal threat, an insult, or
SHOUTING (``patterns.anger_reasons``; patterns in every supported language). A message
flagged angry is negative whatever the sentiment model said.
"""

from __future__ import annotations

from helpdesk.nlp import loading
from helpdesk.nlp.features import predict
from helpdesk.nlp.patterns import anger_reasons

ANGER_THRESHOLD = 0.5
# Confidence reported when a rule, not the sentiment model, makes a message negative.
RULE_CONFIDENCE = 0.8


def sentiment_scores(text: str) -> dict[str, float]:
    return predict(loading.get("sentiment").nlp, [text])[0]


def anger_probability(text: str) -> float:
    return predict(loading.get("anger").nlp, [text])[0].get("angry", 0.0)


def analyse_sentiment(text: str, language: str | None = None) -> tuple[str, float, bool, list[str]]:
    """``(sentiment, confidence, angry, anger_reasons)``.

    ``anger_reasons`` lists what made the message angry: ``chargeback_threat``,
    ``review_threat``, ``legal_threat``, ``insult``, ``shouting`` (rules) and ``model``
    (the anger classifier). The patterns of every language are tried, since customers mix
    languages and a short message's detected language can be wrong; ``language`` is accepted
    for callers that know it.
    """
    scores = sentiment_scores(text)
    sentiment = max(scores, key=scores.__getitem__)
    confidence = scores[sentiment]
    reasons = anger_reasons(text)
    p_angry = anger_probability(text)
    if p_angry >= ANGER_THRESHOLD:
        reasons.insert(0, "model")
    angry = bool(reasons)
    if angry and sentiment != "negative":
        sentiment = "negative"
        confidence = max(scores.get("negative", 0.0), p_angry if "model" in reasons else RULE_CONFIDENCE)
    return sentiment, round(confidence, 4), angry, reasons


def model_versions() -> dict[str, str]:
    return {name: loading.get(name).artefact.label for name in ("sentiment", "anger")}
