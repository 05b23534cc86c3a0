"""Intent classification: which after-sales question a message asks."""

from __future__ import annotations

from collections.abc import Sequence

from helpdesk.nlp import loading
from helpdesk.nlp.dataset import intent_input
from helpdesk.nlp.features import predict


def classify_intent(text: str, subject: str = "", language: str | None = None) -> tuple[str, float, str]:
    """``(intent, confidence, model_version)`` for one message.

    The model reads the subject line and the body in the original language: its features work
    in every supported language, so ``language`` is not needed to classify; it is accepted so
    that callers can pass what they know (a translate-then-classify step can use it later).
    Raises ``loading.ModelNotTrainedError`` when no intent model has been trained.
    """
    return classify_intents([(text, subject)])[0]


def classify_intents(messages: Sequence[tuple[str, str]]) -> list[tuple[str, float, str]]:
    """Batch form of ``classify_intent`` over ``(text, subject)`` pairs."""
    loaded = loading.get("intent", bundled=False)
    label = loaded.artefact.label
    out = []
    for scores in predict(loaded.nlp, [intent_input(subject, text) for text, subject in messages]):
        intent = max(scores, key=scores.__getitem__)
        out.append((intent, round(scores[intent], 4), label))
    return out
