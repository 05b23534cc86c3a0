"""Labelled messages for training and evaluating the triage models.

Three sources, all in the repository (``helpdesk/nlp/data/``, see its README):

* **The project's own after-sales messages**, generated from hand-written fragments per
  language (``data/messages/<lang>.txt``): greetings, context sentences, signatures and, per
  intent, *families* — one core phrasing each, with inline alternatives. A message is a
  family's core with slots filled (platform order numbers, tracking numbers, amounts in the
  local currency, products, names) wrapped in optional greeting, context, tone, aside,
  closing and signature, then roughened (typos, missing accents, lower case, one-line chat
  style, SHOUTING when angry). Each message also carries a sentiment and an anger label
  derived from its intent and the tone fragments added.
* **Bitext** customer-support requests mapped to the taxonomy where the intents match
  (English; training only).
* **Agent corrections** (``helpdesk.nlp.corrections``), training only.

The held-out split is by *family*, never by row: every fourth family of an intent in a
language (and every third intent-specific subject line) is held out with all its
variants, so near-duplicates of a held-out message never reach training. Everything is
deterministic (string-seeded RNGs), so the split and the data hash are stable.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from helpdesk.taxonomy import INTENTS

DATA_DIR = Path(__file__).resolve().parent / "data"
MESSAGES_DIR = DATA_DIR / "messages"
BITEXT_FILE = DATA_DIR / "bitext" / "bitext_after_sales.csv"
# Whole messages as customers write them (not generated), ``<language>.tsv``: intent<TAB>text.
REALISTIC_DIR = DATA_DIR / "realistic"
# Every fifth realistic message per language and intent is kept out of training, to tune on.
REALISTIC_DEV_EVERY = 5

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")

# Sentiment of a message that adds no tone fragment.
_NEGATIVE_INTENTS = {"not_received", "damaged_item", "wrong_item", "missing_item", "not_as_described"}
_POSITIVE_INTENTS = {"feedback_positive"}

TRAIN_VARIANTS = 12
HELDOUT_VARIANTS = 6
HELDOUT_FAMILY_EVERY = 4  # family index % 4 == 3 is held out
HELDOUT_SUBJECT_EVERY = 3  # subject index % 3 == 2 is held out

# Languages written without spaces or upper case: no typo/shouting transformations.
_CJK_LIKE = {"zh", "ja", "ko", "th"}


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    intent: str
    language: str
    subject: str = ""
    sentiment: str = "neutral"
    angry: bool = False
    source: str = "own"
    family: str = ""
    split: str = "train"


@dataclass
class Fragments:
    language: str
    sections: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> list[str]:
        return self.sections.get(name, [])


def available_languages() -> list[str]:
    """Languages that have a fragment file, in a stable order."""
    return sorted(p.stem for p in MESSAGES_DIR.glob("*.txt"))


@cache
def load_fragments(language: str) -> Fragments:
    """Parse ``data/messages/<language>.txt``: ``[section]`` headers, one fragment per line."""
    fragments = Fragments(language)
    current: list[str] | None = None
    for raw in (MESSAGES_DIR / f"{language}.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = fragments.sections.setdefault(line[1:-1].strip(), [])
            continue
        if current is None:
            raise ValueError(f"{language}.txt: text before the first [section]: {line!r}")
        current.append(line)
    missing = [i for i in INTENTS if not fragments.get(f"intent:{i}")]
    if missing:
        raise ValueError(f"{language}.txt has no families for {', '.join(missing)}")
    return fragments


# --- slot values ----------------------------------------------------------------------------

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(digits: str) -> int:
    """UPU S10 check digit of an 8-digit serial."""
    total = sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def fake_order_number(rng: random.Random) -> str:
    """An order number in one platform's format."""
    kind = rng.choice(("amazon", "amazon", "ebay", "shopify", "shopify", "aliexpress", "magento", "shopee"))
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if kind == "amazon":
        return f"{rng.choice(('028', '302', '303', '304', '113', '114', '171', '404', '405', '407', '249', '503'))}-{digits(7)}-{digits(7)}"
    if kind == "ebay":
        return f"{rng.randint(10, 27)}-{digits(5)}-{digits(5)}"
    if kind == "shopify":
        return f"#{rng.randint(1001, 48999)}"
    if kind == "aliexpress":
        return rng.choice("83") + digits(15)
    if kind == "magento":
        return rng.choice(("0000", "1000", "2000")) + digits(5)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return f"2{rng.randint(3, 5)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + "".join(
        rng.choice(letters) for _ in range(8)
    )


def fake_tracking_number(rng: random.Random) -> str:
    kind = rng.choice(("s10", "s10", "ups", "yun", "cainiao", "usps"))
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if kind == "s10":
        serial = digits(8)
        prefix = rng.choice(("RR", "LX", "LY", "UA", "RB", "EE", "CP", "RS", "LZ"))
        return f"{prefix}{serial}{s10_check_digit(serial)}{rng.choice(('CN', 'HK', 'SG', 'DE', 'GB', 'NL', 'SE'))}"
    if kind == "ups":
        alnum = "ABCDEFGHJKLMNPRSTVWXY0123456789"
        return "1Z" + "".join(rng.choice(alnum) for _ in range(6)) + digits(10)
    if kind == "yun":
        return "YT" + digits(16)
    if kind == "cainiao":
        return "LP00" + digits(12)
    return "94" + digits(20)


# (symbol, before?, decimal comma?, integer only?) per language.
_CURRENCIES: dict[str, list[tuple[str, bool, bool, bool]]] = {
    "en": [
        ("$", True, False, False),
        ("£", True, False, False),
        ("€", True, False, False),
        ("USD ", True, False, False),
    ],
    "de": [("€", False, True, False), ("EUR ", True, True, False), (" Euro", False, True, False)],
    "fr": [("€", False, True, False), (" euros", False, True, False)],
    "es": [("€", False, True, False), (" euros", False, True, False)],
    "it": [("€", False, True, False), ("€ ", True, True, False)],
    "pt": [("R$ ", True, True, False), ("€", False, True, False)],
    "nl": [("€ ", True, True, False), (" euro", False, True, False)],
    "pl": [(" zł", False, True, False), (" PLN", False, True, False)],
    "sv": [(" kr", False, True, False), (" SEK", False, True, False)],
    "da": [(" kr.", False, True, False), (" DKK", False, True, False)],
    "ja": [("¥", True, False, True), ("円", False, False, True)],
    "zh": [("¥", True, False, False), ("元", False, False, False), ("RMB ", True, False, False)],
    "ko": [("원", False, False, True), ("₩", True, False, True)],
    "ru": [(" ₽", False, True, True), (" руб.", False, True, True)],
    "tr": [(" TL", False, True, False), ("₺", True, True, False)],
    "ar": [(" ريال", False, False, False), ("$", True, False, False), (" درهم", False, False, False)],
    "th": [(" บาท", False, False, True), ("฿", True, False, True)],
    "vi": [("đ", False, False, True), (" VND", False, False, True)],
    "id": [("Rp ", True, False, True), ("Rp", True, False, True)],
}


def fake_amount(rng: random.Random, language: str) -> str:
    symbol, before, comma, integer = rng.choice(_CURRENCIES.get(language, _CURRENCIES["en"]))
    if integer:
        scale = {"ja": 100, "ko": 1000, "vi": 10000, "id": 10000, "th": 10, "ru": 100}.get(language, 1)
        value = f"{rng.randint(3, 250) * scale:,}"
        if language in {"vi", "id", "ru"}:
            value = value.replace(",", ".")
    else:
        value = f"{rng.randint(5, 400)}.{rng.choice(('00', '99', '49', '90', '95'))}"
        if comma:
            value = value.replace(".", ",")
    return f"{symbol}{value}" if before else f"{value}{symbol}"


_SLOT = re.compile(r"\{([^{}]*)\}")


def fill(template: str, rng: random.Random, fragments: Fragments, slots: dict[str, str]) -> str:
    """Expand ``{a|b|c}`` alternatives and ``{slot}`` placeholders."""

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if "|" in body:
            return rng.choice(body.split("|"))
        if body in slots:
            return slots[body]
        return match.group(0)

    previous = None
    while previous != template:
        previous, template = template, _SLOT.sub(one, template)
    return template


def _slots(rng: random.Random, fragments: Fragments) -> dict[str, str]:
    names = fragments.get("name") or ["Alex"]
    name = rng.choice(names)
    return {
        "order": fake_order_number(rng),
        "tracking": fake_tracking_number(rng),
        "amount": fake_amount(rng, fragments.language),
        "days": str(rng.randint(3, 45)),
        "product": rng.choice(fragments.get("product") or ["item"]),
        "name": name,
        "first": name.split()[0] if " " in name else name,
        "city": rng.choice(fragments.get("city") or [""]),
        "date": rng.choice(fragments.get("date") or [""]),
    }


# --- roughening -----------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def add_typos(text: str, rng: random.Random, rate: float = 0.08) -> str:
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) < 4 or not word.isalpha() or rng.random() > rate:
            continue
        j = rng.randrange(1, len(word) - 1)
        op = rng.random()
        if op < 0.4:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif op < 0.7:
            word = word[:j] + word[j + 1 :]
        else:
            word = word[:j] + word[j] + word[j:]
        words[i] = word
    return " ".join(words)


def _shout(text: str, language: str, rng: random.Random) -> str:
    if language in _CJK_LIKE:
        return text.rstrip("。.!！") + rng.choice(("！！！", "!!!", "！！"))
    return text.upper().rstrip(".") + rng.choice(("!!!", "!!", "!!!!"))


def compose(
    fragments: Fragments,
    intent: str,
    core_template: str,
    subject_pool: list[str],
    rng: random.Random,
) -> tuple[str, str, str, bool]:
    """One message around a family's core: (subject, body, sentiment, angry)."""
    lang = fragments.language
    slots = _slots(rng, fragments)
    core = fill(core_template, rng, fragments, slots)

    if intent in _POSITIVE_INTENTS:
        sentiment, angry = "positive", False
        tone_roll = rng.random()
        tone = fill(rng.choice(fragments.get("positive")), rng, fragments, slots) if tone_roll < 0.3 else ""
    else:
        sentiment = "negative" if intent in _NEGATIVE_INTENTS else "neutral"
        angry = rng.random() < (0.2 if intent in _NEGATIVE_INTENTS else 0.08)
        tone = ""
        if angry:
            sentiment = "negative"
            tone = fill(rng.choice(fragments.get("angry")), rng, fragments, slots)
        elif rng.random() < (0.35 if intent in _NEGATIVE_INTENTS else 0.15):
            sentiment = "negative"
            tone = fill(rng.choice(fragments.get("negative")), rng, fragments, slots)

    parts: list[str] = []
    if rng.random() < 0.7 and fragments.get("greeting"):
        parts.append(rng.choice(fragments.get("greeting")))
    if rng.random() < 0.35 and fragments.get("context"):
        parts.append(fill(rng.choice(fragments.get("context")), rng, fragments, slots))
    parts.append(core)
    if tone:
        if angry and rng.random() < 0.35:
            parts[-1] = _shout(parts[-1], lang, rng)
        parts.append(tone)
    if intent in _NEGATIVE_INTENTS and rng.random() < 0.3 and fragments.get("request"):
        # What the customer wants done: a refund request is not a refund-status question.
        parts.append(rng.choice(fragments.get("request")))
    if rng.random() < 0.08 and fragments.get("aside"):
        parts.append(fill(rng.choice(fragments.get("aside")), rng, fragments, slots))
    if rng.random() < 0.55 and fragments.get("closing"):
        parts.append(rng.choice(fragments.get("closing")))
    if rng.random() < 0.5 and fragments.get("signature"):
        parts.append(fill(rng.choice(fragments.get("signature")), rng, fragments, slots))

    sep = "" if lang in {"zh", "ja"} and rng.random() < 0.5 else " "
    body = ("\n" if rng.random() < 0.45 else sep).join(parts)
    if lang not in _CJK_LIKE:
        if rng.random() < 0.25:
            body = add_typos(body, rng)
        if rng.random() < 0.12:
            body = strip_accents(body)
        if rng.random() < 0.1:
            body = body.lower()

    roll = rng.random()
    if roll < 0.65 and subject_pool:
        subject = fill(rng.choice(subject_pool), rng, fragments, slots)
    elif roll < 0.88 and fragments.get("subject"):
        subject = fill(rng.choice(fragments.get("subject")), rng, fragments, slots)
    else:
        subject = ""
    return subject, body, sentiment, angry


def own_examples(languages: list[str] | None = None, split: str | None = None) -> list[Example]:
    """The project's own generated messages; ``split`` = "train", "heldout" or None (both)."""
    rows: list[Example] = []
    for lang in languages or available_languages():
        fragments = load_fragments(lang)
        for intent in INTENTS:
            subjects = fragments.get(f"subject:{intent}")
            train_subjects = [s for i, s in enumerate(subjects) if i % HELDOUT_SUBJECT_EVERY != 2]
            heldout_subjects = [
                s for i, s in enumerate(subjects) if i % HELDOUT_SUBJECT_EVERY == 2
            ] or train_subjects
            for index, template in enumerate(fragments.get(f"intent:{intent}")):
                family_split = (
                    "heldout" if index % HELDOUT_FAMILY_EVERY == HELDOUT_FAMILY_EVERY - 1 else "train"
                )
                if split and family_split != split:
                    continue
                family = f"{lang}:{intent}:{index}"
                count = HELDOUT_VARIANTS if family_split == "heldout" else TRAIN_VARIANTS
                pool = heldout_subjects if family_split == "heldout" else train_subjects
                for variant in range(count):
                    rng = random.Random(f"{family}:{variant}")
                    subject, body, sentiment, angry = compose(fragments, intent, template, pool, rng)
                    rows.append(
                        Example(
                            text=body,
                            subject=subject,
                            intent=intent,
                            language=lang,
                            sentiment=sentiment,
                            angry=angry,
                            source="own",
                            family=family,
                            split=family_split,
                        )
                    )
    return rows


def bitext_examples() -> list[Example]:
    """Bitext requests already mapped to the taxonomy (training only; English)."""
    if not BITEXT_FILE.exists():
        return []
    with BITEXT_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            Example(text=row["text"], intent=row["intent"], language="en", source="bitext", family="bitext")
            for row in csv.DictReader(handle)
        ]


class LabelledFileError(ValueError):
    """A line of a labelled message file that is not ``intent<TAB>text`` with a known intent."""


def read_labelled_tsv(path: Path, *, source: str) -> list[Example]:
    """``<language>[.<batch>].tsv``: a header line, then ``intent<TAB>text`` per line; ``\\n`` is a
    line break."""
    rows: list[Example] = []
    language = path.name.split(".")[0]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()[1:], start=2):
        if not line.strip():
            continue
        intent, tab, text = line.partition("\t")
        if not tab or intent not in INTENTS or not text.strip():
            raise LabelledFileError(f"{path.name}:{number}: expected 'intent<TAB>text' with a known intent")
        rows.append(
            Example(text=text.replace("\\n", "\n").strip(), intent=intent, language=language, source=source)
        )
    return rows


def realistic_examples(split: str | None = None) -> list[Example]:
    """Whole messages in the customers' own words (``data/realistic``); ``split`` = "train", "dev" or None.

    The dev rows (every fifth per language and intent) are never trained on: model choices are
    checked on them, so the independent held-out set stays untouched until the final figure.
    """
    rows: list[Example] = []
    for path in sorted(REALISTIC_DIR.glob("*.tsv")):
        seen: Counter[str] = Counter()
        for row in read_labelled_tsv(path, source="realistic"):
            seen[row.intent] += 1
            row_split = "dev" if seen[row.intent] % REALISTIC_DEV_EVERY == 0 else "train"
            if split is None or row_split == split:
                rows.append(replace(row, split=row_split, family=f"{row.language}:{row.intent}:realistic"))
    return rows


def intent_input(subject: str, text: str) -> str:
    """What the intent model reads: the subject line, then the body."""
    subject = (subject or "").strip()
    return f"{subject}\n{text}" if subject else text
