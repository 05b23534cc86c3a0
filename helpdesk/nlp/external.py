"""Readers for the public data sets outside the repository (``NLP_DATA_DIR``).

Only the rebuild of the sentiment and anger models and the sentiment evaluation read them;
everything the product needs at run time is in the repository. Each reader returns
``None`` when its data set is absent, so callers can say so and carry on.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from django.conf import settings

from helpdesk.nlp.dataset import BITEXT_FILE

UMSAB_LANGUAGES = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}
UMSAB_LABELS = ("negative", "neutral", "positive")
# XED projections use "cn"/"tw" for Chinese; the taxonomy code is "zh".
XED_FILES = {
    "en": "AnnotatedData/en-annotated.tsv",
    "ar": "Projections/ar-projections.tsv",
    "zh": "Projections/zh-projections.tsv",
    "zh-cn": "Projections/cn-projections.tsv",
    "zh-tw": "Projections/tw-projections.tsv",
    "de": "Projections/de-projections.tsv",
    "es": "Projections/es-projections.tsv",
    "fr": "Projections/fr-projections.tsv",
    "it": "Projections/it-projections.tsv",
    "ja": "Projections/ja-projections.tsv",
    "nl": "Projections/nl-projections.tsv",
    "pl": "Projections/pl-projections.tsv",
    "pt": "Projections/pt-projections.tsv",
    "ru": "Projections/ru-projections.tsv",
}
XED_ANGER = "1"

# Bitext intent -> taxonomy intent, and how many rows of each are kept. Bitext intents that
# do not appear here (get_refund: "refunding 160 dollars" says neither return nor status;
# complaint and review: no after-sales meaning of their own) are not copied.
BITEXT_MAPPING: dict[str, tuple[str, int]] = {
    "track_order": ("where_is_my_order", 90),
    "delivery_period": ("where_is_my_order", 60),
    "cancel_order": ("cancel_order", 120),
    "change_order": ("change_order", 80),
    "change_shipping_address": ("change_order", 70),
    "track_refund": ("refund_status", 120),
    "check_refund_policy": ("return_request", 60),
    "get_invoice": ("invoice_request", 80),
    "check_invoice": ("invoice_request", 50),
    "payment_issue": ("payment_issue", 120),
    "delivery_options": ("product_question", 40),
    "check_payment_methods": ("product_question", 30),
    "create_account": ("other", 20),
    "delete_account": ("other", 20),
    "edit_account": ("other", 20),
    "recover_password": ("other", 20),
    "registration_problems": ("other", 20),
    "switch_account": ("other", 15),
    "newsletter_subscription": ("other", 25),
    "contact_customer_service": ("other", 15),
    "contact_human_agent": ("other", 15),
}
BITEXT_SOURCE = "intent_bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv"


def data_dir() -> Path:
    return Path(settings.NLP_DATA_DIR)


def umsab(split: str, root: Path | None = None) -> list[tuple[str, str, str]] | None:
    """(text, sentiment, language) rows of one UMSAB split ("train" or "val"), or None."""
    base = (root or data_dir()) / "sentiment_umsab"
    if not base.is_dir():
        return None
    rows: list[tuple[str, str, str]] = []
    for folder, code in UMSAB_LANGUAGES.items():
        texts = base / folder / f"{split}_text.txt"
        labels = base / folder / f"{split}_labels.txt"
        if not texts.is_file() or not labels.is_file():
            continue
        lines = texts.read_text(encoding="utf-8").splitlines()
        for text, label in zip(lines, labels.read_text(encoding="utf-8").split(), strict=False):
            rows.append((text, UMSAB_LABELS[int(label)], code))
    return rows or None


def umsab_files(root: Path | None = None) -> list[Path]:
    base = (root or data_dir()) / "sentiment_umsab"
    return sorted(base.glob("*/train_*.txt")) if base.is_dir() else []


def xed(root: Path | None = None, per_language: int = 2500) -> list[tuple[str, bool, str]] | None:
    """(text, angry, language) rows from XED: anger vs every other emotion, plus neutral lines."""
    base = (root or data_dir()) / "emotion_xed"
    if not base.is_dir():
        return None
    rows: list[tuple[str, bool, str]] = []
    for code, relative in XED_FILES.items():
        path = base / relative
        if not path.is_file():
            continue
        language = code.split("-")[0]
        items: list[tuple[str, bool, str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            text, _, labels = line.rpartition("\t")
            if not text.strip():
                continue
            angry = XED_ANGER in {label.strip() for label in labels.split(",")}
            items.append((text.replace("[PERSON]", "Alex"), angry, language))
        random.Random(f"xed:{code}").shuffle(items)
        rows.extend(items[:per_language])
    neutral = base / "AnnotatedData" / "neu_en.txt"
    if neutral.is_file():
        lines = [line.partition("\t")[2] for line in neutral.read_text(encoding="utf-8").splitlines()]
        random.Random("xed:neutral").shuffle(lines)
        rows.extend((text, False, "en") for text in lines[: per_language // 2] if text.strip())
    return rows or None


def xed_files(root: Path | None = None) -> list[Path]:
    base = (root or data_dir()) / "emotion_xed"
    return [base / relative for relative in XED_FILES.values() if (base / relative).is_file()]


def refresh_bitext(root: Path | None = None, dest: Path = BITEXT_FILE) -> int:
    """Rewrite the mapped Bitext subset in the repository from the original CSV; rows written."""
    source = (root or data_dir()) / BITEXT_SOURCE
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept: list[dict[str, str]] = []
    for bitext_intent, (intent, limit) in sorted(BITEXT_MAPPING.items()):
        texts = sorted({row["instruction"].strip() for row in rows if row["intent"] == bitext_intent})
        random.Random(f"bitext:{bitext_intent}").shuffle(texts)
        kept.extend({"text": t, "intent": intent, "bitext_intent": bitext_intent} for t in texts[:limit])
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "intent", "bitext_intent"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return len(kept)
