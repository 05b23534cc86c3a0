"""The figures ``manage.py nlp_evaluate`` prints (held-out intent, sentiment, language, speed)."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpdesk.nlp import dataset, external, loading
from helpdesk.nlp.features import predict
from helpdesk.nlp.metrics import classification_report, confusion_matrix, percentile

# Languages of the UMSAB target (the published baselines are reported on these six).
UMSAB_TARGET_LANGUAGES = ("en", "es", "de", "fr", "it", "pt")
LANGUAGE_MIN_CHARS = 20


def _by_language(
    rows: Sequence[dataset.Example], gold: list[str], predicted: list[str], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for language in sorted({r.language for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.language == language]
        report = classification_report([gold[i] for i in idx], [predicted[i] for i in idx], labels)
        out[language] = {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"], "support": len(idx)}
    return out


def evaluate_intent(rows: Sequence[dataset.Example] | None = None) -> dict[str, Any]:
    """Per-intent P/R/F1, macro-F1, per-language accuracy and the confusion matrix."""
    from helpdesk.nlp.intent import classify_intents

    rows = list(rows if rows is not None else dataset.own_examples(split="heldout"))
    predicted = [p for p, _, _ in classify_intents([(r.text, r.subject) for r in rows])]
    gold = [r.intent for r in rows]
    report = classification_report(gold, predicted, dataset.INTENTS)
    return {
        "model": loading.get("intent", bundled=False).artefact.label,
        "rows": len(rows),
        "report": report,
        "by_language": _by_language(rows, gold, predicted, dataset.INTENTS),
        "confusion": confusion_matrix(gold, predicted, dataset.INTENTS),
    }


def demo_corpus_rows() -> list[dataset.Example]:
    """The demo seeder's customer messages (written separately, never trained on)."""
    from helpdesk.demo import corpus

    rng = random.Random("demo-corpus")
    rows = []
    for language, by_intent in corpus.CUSTOMER_MESSAGES.items():
        for intent, messages in by_intent.items():
            for subject, body in messages:
                values = {
                    "name": "Alex Kim",
                    "order": dataset.fake_order_number(rng),
                    "tracking": dataset.fake_tracking_number(rng),
                    "product": rng.choice(corpus.PRODUCTS)[1],
                    "days": str(rng.randint(3, 30)),
                }
                rows.append(
                    dataset.Example(
                        text=body.format(**values),
                        subject=subject.format(**values),
                        intent=intent,
                        language=language,
                        source="demo",
                        split="heldout",
                    )
                )
    return rows


INDEPENDENT_HELDOUT_DIR = dataset.DATA_DIR / "heldout"


def independent_heldout_rows(directory: Path | None = None) -> list[dataset.Example]:
    """The independent held-out set: ``heldout/<language>.tsv``, one ``intent<TAB>text`` per line.

    Written by a different author who never saw the training fragments, the keyword patterns, the
    realistic training messages or the model's errors, so it measures what a seller's real inbox
    would see. Nothing in it is trained on or tuned on (``dataset`` never reads this folder).
    Raises ``dataset.LabelledFileError`` naming the file and line of a malformed row.
    """
    rows: list[dataset.Example] = []
    for path in sorted((directory or INDEPENDENT_HELDOUT_DIR).glob("*.tsv")):
        rows += [
            replace(row, split="heldout") for row in dataset.read_labelled_tsv(path, source="independent")
        ]
    return rows


def evaluate_sentiment_umsab(data_root: Path | None = None) -> dict[str, Any] | None:
    """Macro-F1 per language on the UMSAB validation split, or None without the data."""
    rows = external.umsab("val", data_root)
    if rows is None:
        return None
    loaded = loading.get("sentiment")
    scores = predict(loaded.nlp, [t for t, _, _ in rows])
    predicted = [max(s, key=s.__getitem__) for s in scores]
    by_language = {}
    for language in sorted({lang for _, _, lang in rows}):
        idx = [i for i, row in enumerate(rows) if row[2] == language]
        report = classification_report(
            [rows[i][1] for i in idx], [predicted[i] for i in idx], dataset.SENTIMENTS
        )
        by_language[language] = report["macro_f1"]
    target = [by_language[lang] for lang in UMSAB_TARGET_LANGUAGES if lang in by_language]
    return {
        "model": loaded.artefact.label,
        "by_language": by_language,
        "target_average": round(sum(target) / len(target), 4) if target else 0.0,
    }


def evaluate_sentiment_own(rows: Sequence[dataset.Example] | None = None) -> dict[str, Any]:
    """Sentiment and anger of the held-out support messages (full ``analyse_sentiment``)."""
    from helpdesk.nlp.sentiment import analyse_sentiment

    rows = list(rows if rows is not None else dataset.own_examples(split="heldout"))
    results = [analyse_sentiment(dataset.intent_input(r.subject, r.text), r.language) for r in rows]
    gold = [r.sentiment for r in rows]
    predicted = [s for s, _, _, _ in results]
    sentiment = classification_report(gold, predicted, dataset.SENTIMENTS)
    anger = classification_report(
        ["angry" if r.angry else "calm" for r in rows],
        ["angry" if a else "calm" for _, _, a, _ in results],
        ["angry", "calm"],
    )
    return {
        "sentiment": sentiment,
        "sentiment_by_language": _by_language(rows, gold, predicted, dataset.SENTIMENTS),
        "anger": anger["per_label"]["angry"],
    }


def evaluate_language_detection(rows: Sequence[dataset.Example] | None = None) -> dict[str, Any]:
    """Accuracy of ``detect_language`` on held-out message bodies of 20+ characters."""
    from helpdesk.nlp.language import detect_language

    rows = [
        r
        for r in (rows if rows is not None else dataset.own_examples(split="heldout"))
        if len(r.text) >= LANGUAGE_MIN_CHARS
    ]
    predicted = [detect_language(r.text)[0] for r in rows]
    by_language = {}
    for language in sorted({r.language for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.language == language]
        by_language[language] = round(sum(predicted[i] == language for i in idx) / len(idx), 4)
    correct = sum(p == r.language for p, r in zip(predicted, rows, strict=True))
    return {
        "rows": len(rows),
        "accuracy": round(correct / len(rows), 4) if rows else 0.0,
        "by_language": by_language,
    }


def benchmark_triage(rows: Sequence[dataset.Example], *, limit: int = 600) -> dict[str, float]:
    """Messages per second on one core and latency percentiles of ``analyse_message``.

    One process, one thread, after a warm-up that loads every model; translation excluded.
    """
    from helpdesk.nlp import analyse_message

    sample = list(rows)[:limit]
    for row in sample[:20]:
        analyse_message(row.text, row.subject)
    latencies = []
    started = time.perf_counter()
    for row in sample:
        t0 = time.perf_counter()
        analyse_message(row.text, row.subject)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    cpu = time.process_time()
    return {
        "messages": len(sample),
        "messages_per_second": round(len(sample) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "process_cpu_seconds": round(cpu, 1),
    }
