"""Per-language phrase patterns: keyword features for the classifiers, and the anger rules.

Patterns are matched on the normalised text (``features.normalise``: NFKC, lower case;
digits kept, so "1 star" and "5 stars" differ). A pattern written in a Latin, Cyrillic, Greek or Arabic script
must start at a word boundary (``kaputt`` matches "kaputte", not "unkaputtbar"); one in
Chinese, Japanese, Korean or Thai matches anywhere, since those scripts do not separate words
with spaces (Korean does, but glues particles to the end of words).

Why keyword features as well as n-grams: the generated training messages cannot cover every
way of saying "arrived broken" in nineteen languages; a hand-written list of the words that
carry each intent lets the classifier recognise a phrasing it never saw, in every language,
without a translation pack. The classifier learns how much to trust each keyword group, so a
keyword is evidence, never an override.
"""

from __future__ import annotations

import re
from functools import cache

from helpdesk.nlp.pattern_data import ANGER_PATTERNS, SENTIMENT_KEYWORDS

_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_META = set("\\()[]{}?*+|.^$")
_WORD_START = re.compile(r"(?<!\w)\w")


def intent_keywords() -> dict[str, dict[str, tuple[str, ...]]]:
    """intent -> language -> patterns, from the ``[keywords:<intent>]`` sections of the fragment files."""
    from helpdesk.nlp.dataset import INTENTS, available_languages, load_fragments

    table: dict[str, dict[str, tuple[str, ...]]] = {intent: {} for intent in INTENTS}
    for language in available_languages():
        fragments = load_fragments(language)
        for intent in INTENTS:
            table[intent][language] = tuple(fragments.get(f"keywords:{intent}"))
    return table


def _table(lexicon: str) -> dict[str, dict[str, tuple[str, ...]]]:
    if lexicon == "intent":
        return intent_keywords()
    return {"anger": ANGER_PATTERNS, "sentiment": SENTIMENT_KEYWORDS}[lexicon]


def _expand_leading_group(pattern: str) -> list[str]:
    """``(1|one)[- ]star`` -> ``1[- ]star``, ``one[- ]star`` (so each has a literal start)."""
    if not pattern.startswith("("):
        return [pattern]
    depth = 0
    for i, char in enumerate(pattern):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            inner, rest = pattern[1:i], pattern[i + 1 :]
            if "(" in inner or inner.startswith("?") or rest[:1] in {"?", "*", "+", "{"}:
                return [pattern]
            return [alt + rest for alt in inner.split("|")]
    return [pattern]


def _literal_prefix(pattern: str) -> str:
    prefix = ""
    for i, char in enumerate(pattern):
        if char in _META:
            if char in "?*{" and prefix:
                prefix = prefix[:-1]  # the previous character is optional
            break
        prefix += char
        if i + 1 == len(pattern):
            break
    return prefix


class _Matcher:
    """Patterns indexed by their first two literal characters.

    One big alternation run at every position of every message took milliseconds; trying only
    the patterns whose literal start matches a word start (or, for unspaced scripts, the
    places where their literal start occurs) takes microseconds.
    """

    def __init__(self, table: dict[str, dict[str, tuple[str, ...]]]) -> None:
        self.by_prefix: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self.unspaced: list[tuple[str, re.Pattern[str], str]] = []
        self.fallback: list[tuple[re.Pattern[str], str]] = []
        for category, by_language in table.items():
            for raw in {p for items in by_language.values() for p in items}:
                for pattern in _expand_leading_group(raw):
                    prefix = _literal_prefix(pattern)
                    if _UNSPACED.search(pattern):
                        if prefix:
                            self.unspaced.append((prefix, re.compile(pattern), category))
                        else:
                            self.fallback.append((re.compile(pattern), category))
                    elif len(prefix) >= 2:
                        self.by_prefix.setdefault(prefix[:2], []).append((re.compile(pattern), category))
                    else:
                        self.fallback.append((re.compile(rf"(?<!\w)(?:{pattern})"), category))

    def categories(self, text: str) -> set[str]:
        found: set[str] = set()
        for start in _WORD_START.finditer(text):
            pos = start.start()
            for pattern, category in self.by_prefix.get(text[pos : pos + 2], ()):
                if category not in found and pattern.match(text, pos):
                    found.add(category)
        for anchor, pattern, category in self.unspaced:
            if category in found:
                continue
            at = text.find(anchor)
            while at >= 0:
                if pattern.match(text, at):
                    found.add(category)
                    break
                at = text.find(anchor, at + 1)
        for pattern, category in self.fallback:
            if category not in found and pattern.search(text):
                found.add(category)
        return found


@cache
def _matcher(lexicon: str) -> _Matcher:
    return _Matcher(_table(lexicon))


def matches(normalised_text: str, lexicon: str) -> set[str]:
    """Categories of ``lexicon`` ("intent", "anger" or "sentiment") found in the text."""
    return _matcher(lexicon).categories(normalised_text)


def keyword_features(normalised_text: str, lexicon: str) -> list[str]:
    """Feature strings for the classifiers: one per keyword category present.

    The sentiment lexicon also looks at the anger patterns (a chargeback threat is negative).
    """
    found = {f"kw:{lexicon}:{c}" for c in matches(normalised_text, lexicon)}
    if lexicon == "sentiment":
        found |= {f"kw:anger:{c}" for c in matches(normalised_text, "anger")}
    return sorted(found)


# --- anger rules ----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{2,}")


def is_shouting(text: str) -> bool:
    """Mostly capital letters over enough words (codes like RR123456785CN do not count)."""
    words = [w for w in _WORD.findall(text) if any(c.isalpha() and c.lower() != c.upper() for c in w)]
    cased = [w for w in words if w.lower() != w.upper()]
    if len(cased) < 3:
        return False
    letters = sum(len(w) for w in cased)
    upper = sum(len(w) for w in cased if w.isupper() and len(w) >= 2)
    return letters >= 15 and upper / letters >= 0.6


def anger_reasons(text: str) -> list[str]:
    """Rule-based reasons to flag a message as angry, in every supported language."""
    from helpdesk.nlp.features import normalise

    reasons = sorted(matches(normalise(text, fold_digits=False), "anger"))
    if is_shouting(text):
        reasons.append("shouting")
    return reasons
