"""Training of the intent, sentiment and anger classifiers (``manage.py nlp_train``).

Each model is a blank multilingual spaCy pipeline (``xx``) with one ``textcat`` whose model
is ``helpdesk.HashedNgramClassifier.v1`` (see ``features``), trained with Adam and
parameter averaging. The averaged weights are the ones saved: on small, templated data they
generalise better than the last step's.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.training import Example as SpacyExample
from thinc.api import Adam, fix_random_seed

from helpdesk.nlp import artefacts, dataset, external
from helpdesk.nlp import features as features_module
from helpdesk.nlp import pattern_data as pattern_data_module
from helpdesk.nlp import patterns as patterns_module
from helpdesk.nlp.corrections import normalise as normalise_corrections
from helpdesk.nlp.features import TextItem
from helpdesk.nlp.metrics import classification_report

Progress = Callable[[str, int, int], None]

CORRECTION_WEIGHT = 3
# Whole messages in the customers' words are few beside the generated ones; each counts for more.
REALISTIC_WEIGHT = 12


@dataclass(frozen=True)
class ModelConfig:
    """Features and optimisation of one classifier; part of the artefact version."""

    length: int = 2**18
    char_min: int = 3
    char_max: int = 5
    word_ngrams: int = 2
    keywords: str = "intent"
    feature_dropout: float = 0.1
    epochs: int = 4
    batch_size: int = 128
    learn_rate: float = 0.01
    l2: float = 1e-6
    seed: int = 7

    def architecture(self, exclusive: bool = True) -> dict[str, Any]:
        return {
            "@architectures": "helpdesk.HashedNgramClassifier.v1",
            "exclusive_classes": exclusive,
            "length": self.length,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "word_ngrams": self.word_ngrams,
            "keywords": self.keywords,
            "feature_dropout": self.feature_dropout,
        }


INTENT_CONFIG = ModelConfig(
    length=2**17, keywords="intent", feature_dropout=0.0, epochs=5, batch_size=256, learn_rate=0.02
)
SENTIMENT_CONFIG = ModelConfig(length=2**17, char_min=2, keywords="sentiment", feature_dropout=0.0, epochs=2)
ANGER_CONFIG = ModelConfig(
    length=2**16, keywords="anger", feature_dropout=0.0, epochs=3, batch_size=256, learn_rate=0.02
)


@dataclass
class TrainResult:
    name: str
    version: str
    status: str  # "trained", "up to date", "bundled", "no data"
    artefact: artefacts.Artefact | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _code_fingerprint() -> bytes:
    """The feature code is part of every version: changing it changes what a model means."""
    modules = (features_module, patterns_module, pattern_data_module)
    return b"".join(Path(m.__file__ or "").read_bytes() for m in modules)


def _version(config: ModelConfig, files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(asdict(config), sort_keys=True).encode())
    digest.update(_code_fingerprint())
    digest.update(Path(dataset.__file__).read_bytes())
    for path in sorted(files):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for item in extra:
        digest.update(item.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def new_pipeline(labels: Iterable[str], config: ModelConfig, *, exclusive: bool = True) -> Language:
    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat", config={"model": config.architecture(exclusive)})
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


def train_textcat(
    texts: list[str],
    labels: list[str],
    label_set: list[str],
    config: ModelConfig,
    *,
    stage: str,
    progress: Progress | None = None,
    time_budget: float | None = None,
    weights: list[int] | None = None,
) -> tuple[Language, dict[str, Any]]:
    """Train one exclusive-class text classifier; returns the pipeline with averaged weights."""
    fix_random_seed(config.seed)
    started = time.monotonic()
    nlp = new_pipeline(label_set, config)
    textcat = nlp.get_pipe("textcat")
    index = {label: i for i, label in enumerate(label_set)}
    items: list[TextItem] = []
    gold: list[int] = []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        item = TextItem(text)
        for _ in range(weights[i] if weights else 1):
            items.append(item)
            gold.append(index[label])
    truths = numpy.eye(len(label_set), dtype="float32")[numpy.asarray(gold, dtype="int64")]
    # Initialise on a placeholder, not on training text: whatever spaCy tokenizes lands in the
    # saved vocabulary, and the sentiment model's training tweets must not be redistributed.
    sample = [SpacyExample.from_dict(nlp.make_doc("example"), {"cats": {label_set[0]: 1.0}})]
    optimizer = Adam(config.learn_rate, L2=config.l2, L2_is_weight_decay=True, use_averages=True)
    nlp.initialize(lambda: sample, sgd=optimizer)
    model = textcat.model  # type: ignore[attr-defined]
    rng = numpy.random.default_rng(config.seed)
    batches_per_epoch = (len(items) + config.batch_size - 1) // config.batch_size
    total = batches_per_epoch * config.epochs
    done = 0
    epochs_run = 0
    stopped_early = False
    for _epoch in range(config.epochs):
        order = rng.permutation(len(items))
        for start in range(0, len(items), config.batch_size):
            batch = order[start : start + config.batch_size]
            scores, backprop = model.begin_update([items[i] for i in batch])
            # The output layer's backward pass takes (probabilities - truths) as the
            # cross-entropy gradient of its logits (see features.py).
            backprop((scores - truths[batch]) / len(batch))
            model.finish_update(optimizer)
            optimizer.step_schedules()
            done += 1
            if progress:
                progress(stage, done, total)
            if time_budget and time.monotonic() - started > time_budget and done >= batches_per_epoch:
                stopped_early = True
                break
        epochs_run += 1
        if stopped_early:
            break
    # Keep the averaged parameters for good.
    for node in model.walk():
        for name in node.param_names:
            key = (node.id, name)
            if key in optimizer.averages:
                node.set_param(name, optimizer.averages[key].copy())
    info = {
        "examples": len(items),
        "epochs": epochs_run,
        "stopped_early_for_time_budget": stopped_early,
        "seconds": round(time.monotonic() - started, 1),
    }
    return nlp, info


def predict_scores(nlp: Language, texts: list[str], batch_size: int = 512) -> numpy.ndarray:
    """Class probabilities (rows in the order of the textcat's labels)."""
    model = nlp.get_pipe("textcat").model  # type: ignore[attr-defined]
    out = [
        model.predict([TextItem(t) for t in texts[i : i + batch_size]])
        for i in range(0, len(texts), batch_size)
    ]
    return numpy.concatenate(out) if out else numpy.zeros((0, 0), dtype="float32")


def predict_labels(nlp: Language, texts: list[str], batch_size: int = 512) -> list[tuple[str, float]]:
    labels = nlp.get_pipe("textcat").labels  # type: ignore[attr-defined]
    scores = predict_scores(nlp, texts, batch_size)
    best = scores.argmax(axis=1) if len(scores) else []
    return [(labels[j], float(scores[i, j])) for i, j in enumerate(best)]


def _manifest(
    name: str, version: str, config: ModelConfig, info: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "spacy_version": spacy.__version__,
        "config": asdict(config),
        "training": info,
        **extra,
    }


# --- intent ---------------------------------------------------------------------------------


def intent_files() -> list[Path]:
    return [
        *sorted(dataset.MESSAGES_DIR.glob("*.txt")),
        *sorted(dataset.REALISTIC_DIR.glob("*.tsv")),
        dataset.BITEXT_FILE,
    ]


def train_intent(
    *,
    root: Path | None = None,
    corrections: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
    time_budget: float | None = None,
    force: bool = False,
    config: ModelConfig = INTENT_CONFIG,
    languages: list[str] | None = None,
) -> TrainResult:
    """Train the intent classifier on the repository's data (+ corrections); publish it."""
    pairs = normalise_corrections(corrections)
    extra = [f"{text}\t{intent}" for text, intent in pairs] + [",".join(languages or [])]
    version = _version(config, intent_files(), extra)
    if not force and artefacts.exists("intent", version, root):
        artefacts.publish("intent", version, root)
        return TrainResult("intent", version, "up to date", artefacts.find("intent", root, bundled=False))

    own = dataset.own_examples(languages)
    train = [e for e in own if e.split == "train"]
    heldout = [e for e in own if e.split == "heldout"]
    bitext = dataset.bitext_examples()
    realistic = [
        e for e in dataset.realistic_examples("train") if languages is None or e.language in languages
    ]
    realistic_dev = [
        e for e in dataset.realistic_examples("dev") if languages is None or e.language in languages
    ]
    examples = train + bitext + realistic
    texts = [dataset.intent_input(e.subject, e.text) for e in examples] + [t for t, _ in pairs]
    labels = [e.intent for e in examples] + [i for _, i in pairs]
    weights = (
        [1] * (len(train) + len(bitext))
        + [REALISTIC_WEIGHT] * len(realistic)
        + [CORRECTION_WEIGHT] * len(pairs)
    )

    nlp, info = train_textcat(
        texts,
        labels,
        list(dataset.INTENTS),
        config,
        stage="intent",
        progress=progress,
        time_budget=time_budget,
        weights=weights,
    )
    predicted = predict_labels(nlp, [dataset.intent_input(e.subject, e.text) for e in heldout])
    report = classification_report([e.intent for e in heldout], [p for p, _ in predicted], dataset.INTENTS)
    metrics = {"heldout_macro_f1": report["macro_f1"], "heldout_accuracy": report["accuracy"]}
    if realistic_dev:
        dev_predicted = predict_labels(nlp, [dataset.intent_input(e.subject, e.text) for e in realistic_dev])
        dev_report = classification_report(
            [e.intent for e in realistic_dev], [p for p, _ in dev_predicted], dataset.INTENTS
        )
        metrics["realistic_dev_macro_f1"] = dev_report["macro_f1"]
    manifest = _manifest(
        "intent",
        version,
        config,
        info,
        labels=list(dataset.INTENTS),
        metrics=metrics,
        data_sources=[
            {
                "name": "own after-sales messages (generated from helpdesk/nlp/data/messages)",
                "licence": "project (AGPL-3.0-or-later)",
                "rows": len(train),
                "languages": dict(sorted(Counter(e.language for e in train).items())),
            },
            {
                "name": "Bitext customer support sample, mapped subset (helpdesk/nlp/data/bitext)",
                "licence": "CDLA-Sharing-1.0",
                "rows": len(bitext),
            },
            {
                "name": "realistic whole messages (helpdesk/nlp/data/realistic), dev rows left out",
                "licence": "project (AGPL-3.0-or-later)",
                "rows": len(realistic),
                "weight": REALISTIC_WEIGHT,
            },
            {"name": "agent corrections", "licence": "project data", "rows": len(pairs)},
        ],
        heldout={"rows": len(heldout), "split": "every 4th template family per intent and language"},
    )
    artefact = artefacts.save(nlp, manifest, root)
    artefacts.publish("intent", version, root)
    return TrainResult("intent", version, "trained", artefact, info["seconds"])


# --- sentiment ------------------------------------------------------------------------------

OWN_SENTIMENT_PER_LANGUAGE = 300


def _own_sample(per_language: int, salt: str) -> list[dataset.Example]:
    rows = [e for e in dataset.own_examples() if e.split == "train"]
    by_language: dict[str, list[dataset.Example]] = {}
    for row in rows:
        by_language.setdefault(row.language, []).append(row)
    sample: list[dataset.Example] = []
    for language, items in sorted(by_language.items()):
        random.Random(f"{salt}:{language}").shuffle(items)
        sample.extend(items[:per_language])
    return sample


def train_sentiment(
    *,
    root: Path | None = None,
    data_root: Path | None = None,
    progress: Progress | None = None,
    time_budget: float | None = None,
    force: bool = False,
    config: ModelConfig = SENTIMENT_CONFIG,
) -> TrainResult:
    """Train on UMSAB (8 languages) + own support messages; without UMSAB use the bundled model."""
    tweets = external.umsab("train", data_root)
    if tweets is None:
        return _bundled("sentiment", root, "UMSAB not found under NLP_DATA_DIR")
    version = _version(config, external.umsab_files(data_root) + intent_files())
    if not force and artefacts.exists("sentiment", version, root):
        artefacts.publish("sentiment", version, root)
        return TrainResult(
            "sentiment", version, "up to date", artefacts.find("sentiment", root, bundled=False)
        )
    own = _own_sample(OWN_SENTIMENT_PER_LANGUAGE, "sentiment")
    texts = [t for t, _, _ in tweets] + [dataset.intent_input(e.subject, e.text) for e in own]
    labels = [s for _, s, _ in tweets] + [e.sentiment for e in own]
    nlp, info = train_textcat(
        texts,
        labels,
        list(dataset.SENTIMENTS),
        config,
        stage="sentiment",
        progress=progress,
        time_budget=time_budget,
    )
    metrics: dict[str, Any] = {}
    validation = external.umsab("val", data_root) or []
    if validation:
        predicted = predict_labels(nlp, [t for t, _, _ in validation])
        for language in sorted({lang for _, _, lang in validation}):
            idx = [i for i, row in enumerate(validation) if row[2] == language]
            report = classification_report(
                [validation[i][1] for i in idx], [predicted[i][0] for i in idx], dataset.SENTIMENTS
            )
            metrics[f"umsab_val_macro_f1_{language}"] = report["macro_f1"]
    manifest = _manifest(
        "sentiment",
        version,
        config,
        info,
        labels=list(dataset.SENTIMENTS),
        metrics=metrics,
        data_sources=[
            {
                "name": "UMSAB (cardiffnlp/xlm-t data/sentiment), train split, 8 languages",
                "licence": "per sub-set and Twitter terms: text not redistributed, only this model",
                "rows": len(tweets),
            },
            {
                "name": "own after-sales messages with sentiment labels",
                "licence": "project (AGPL-3.0-or-later)",
                "rows": len(own),
            },
        ],
    )
    artefact = artefacts.save(nlp, manifest, root)
    artefacts.publish("sentiment", version, root)
    return TrainResult("sentiment", version, "trained", artefact, info["seconds"])


# --- anger ----------------------------------------------------------------------------------

ANGER_LABELS = ["angry", "calm"]
OWN_ANGER_PER_LANGUAGE = 400


def train_anger(
    *,
    root: Path | None = None,
    data_root: Path | None = None,
    progress: Progress | None = None,
    time_budget: float | None = None,
    force: bool = False,
    config: ModelConfig = ANGER_CONFIG,
) -> TrainResult:
    """Train on XED anger (15 languages) + own support messages; without XED use the bundled model."""
    lines = external.xed(data_root)
    if lines is None:
        return _bundled("anger", root, "XED not found under NLP_DATA_DIR")
    version = _version(config, external.xed_files(data_root) + intent_files())
    if not force and artefacts.exists("anger", version, root):
        artefacts.publish("anger", version, root)
        return TrainResult("anger", version, "up to date", artefacts.find("anger", root, bundled=False))
    own = _own_sample(OWN_ANGER_PER_LANGUAGE, "anger")
    texts = [t for t, _, _ in lines] + [dataset.intent_input(e.subject, e.text) for e in own]
    labels = ["angry" if a else "calm" for _, a, _ in lines] + ["angry" if e.angry else "calm" for e in own]
    # Support messages are the domain: they count twice as much as subtitle lines.
    weights = [1] * len(lines) + [2] * len(own)
    nlp, info = train_textcat(
        texts,
        labels,
        ANGER_LABELS,
        config,
        stage="anger",
        progress=progress,
        time_budget=time_budget,
        weights=weights,
    )
    heldout = [e for e in dataset.own_examples() if e.split == "heldout"]
    predicted = predict_labels(nlp, [dataset.intent_input(e.subject, e.text) for e in heldout])
    report = classification_report(
        ["angry" if e.angry else "calm" for e in heldout], [p for p, _ in predicted], ANGER_LABELS
    )
    manifest = _manifest(
        "anger",
        version,
        config,
        info,
        labels=ANGER_LABELS,
        metrics={"own_heldout_angry_f1": report["per_label"]["angry"]["f1"]},
        data_sources=[
            {
                "name": "XED (Helsinki-NLP/XED), anger vs other emotions and neutral, 13 languages",
                "licence": "CC BY 4.0 (Öhman et al. 2020)",
                "rows": len(lines),
            },
            {
                "name": "own after-sales messages with anger labels",
                "licence": "project (AGPL-3.0-or-later)",
                "rows": len(own),
            },
        ],
    )
    artefact = artefacts.save(nlp, manifest, root)
    artefacts.publish("anger", version, root)
    return TrainResult("anger", version, "trained", artefact, info["seconds"])


def _bundled(name: str, root: Path | None, reason: str) -> TrainResult:
    artefact = artefacts.copy_bundled(name, root)
    if artefact is None:
        return TrainResult(name, "", "no data", notes=[reason + "; no bundled model either"])
    return TrainResult(
        name, artefact.version, "bundled", artefact, notes=[reason + "; installed the bundled model"]
    )
