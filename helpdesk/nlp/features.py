"""Hashed word and character n-gram features, and the spaCy architecture built on them.

Every text classifier of the triage layer (intent, sentiment, anger) is a spaCy ``textcat``
whose model is ``helpdesk.HashedNgramClassifier.v1``: the features below → a hashed sparse
linear layer (thinc ``SparseLinear_v2``) → softmax (exclusive classes) or sigmoid (flags).

Why this and not spaCy's stock ``TextCatBOW``: that one sees spaCy *tokens*, and a blank
pipeline has no word segmentation for Chinese, Japanese or Thai (a whole sentence becomes
one token) nor a stemmer for German compounds, Polish or Korean endings. Character n-grams
inside words, and character 1-3-grams over scripts written without spaces, work the same
in every script, need no word vectors and no download, and are robust to the typos and
missing accents of real messages. Word uni- and bigrams keep the phrases.

The output layer trains with cross-entropy: its backward pass takes spaCy's ``scores -
truths`` as the gradient of the logits (spaCy's own softmax layer would turn that into a
squared error on probabilities, which learns a linear model more slowly).

Features of a text are computed once per text and cached on the ``Doc``; training reuses
the docs between epochs, so featurisation is paid once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy
from murmurhash.mrmr import hash_unicode
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted, resize_model
from thinc.types import Floats2d

from helpdesk.nlp.patterns import keyword_features

# Scripts written without spaces between words: character n-grams stand in for words.
_NO_SPACE_SCRIPT = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]"
)
_URL = re.compile(r"https?://\S+|www\.\S+")
_USER = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
# Letter runs, or a run of one punctuation/symbol character ("!!!", "??"), or one emoji.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|([!?.])\1*|[^\w\s]")


def normalise(text: str, *, fold_digits: bool = True) -> str:
    """NFKC, lower case, URLs and user handles (and digits) folded to placeholders."""
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" httpurl ", text)
    text = _USER.sub(" @user ", text)
    if fold_digits:
        text = _DIGITS.sub("0", text)
    return text.lower()


def tokens(text: str) -> list[str]:
    """Word-like tokens of a normalised text; runs of punctuation count as one token."""
    return [m.group(0) for m in _TOKEN.finditer(text)]


_CASED = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def _shape_features(text: str) -> list[str]:
    """Signals that normalisation removes: shouting, many exclamation marks."""
    out = []
    letters = len(_CASED.findall(text))
    if letters >= 12:
        upper = len(_UPPER.findall(text)) / letters
        if upper > 0.6:
            out.append("shape:shouting")
        elif upper > 0.3:
            out.append("shape:many_capitals")
    if "!!" in text or "！！" in text:
        out.append("shape:exclamations")
    return out


def string_features(text: str, *, word_ngrams: int = 2, keywords: str = "") -> tuple[list[str], list[str]]:
    """(feature strings, character-n-gram tokens) of one text.

    Feature strings: words and word n-grams, keyword categories, shape signals and a bias.
    The tokens come back separately: their character n-grams are hashed in bulk by
    ``char_ngram_keys``.
    """
    lowered = normalise(text, fold_digits=False)
    folded = _DIGITS.sub("0", lowered)
    feats: list[str] = []
    words: list[str] = []
    toks = tokens(folded)
    for tok in toks:
        if _NO_SPACE_SCRIPT.search(tok):
            words.append("<cjk>")
        else:
            words.append(tok)
    feats.extend("w:" + w for w in words)
    for size in range(2, word_ngrams + 1):
        feats.extend("w:" + " ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    if keywords:
        feats.extend(keyword_features(lowered, keywords))
    feats.extend(_shape_features(text))
    feats.append("bias")
    return feats, toks


_PRIME = numpy.uint64(0x100000001B3)
_ALPHA_SALT = numpy.uint64(0x9E3779B97F4A7C15)
_UNSPACED_SALT = numpy.uint64(0xC2B2AE3D27D4EB4F)
_SYLLABIC_SALT = numpy.uint64(0x165667B19E3779F9)
# Korean separates words with spaces, but one Hangul syllable carries what 2-4 Latin letters
# do and particles are glued to the end of words: syllable 1-3-grams inside words.
_HANGUL = re.compile("[\uac00-\ud7af]")


def _ngram_hashes(parts: list[str], n_min: int, n_max: int, salt: numpy.uint64) -> numpy.ndarray:
    """64-bit polynomial hashes of every n-gram (n_min..n_max) inside each part, vectorised."""
    if not parts:
        return numpy.zeros(0, dtype="uint64")
    codes = numpy.frombuffer("".join(parts).encode("utf-32-le"), dtype=numpy.uint32).astype(numpy.uint64)
    owner = numpy.repeat(numpy.arange(len(parts)), [len(p) for p in parts])
    size = len(codes)
    hashes = numpy.full(size, salt, dtype=numpy.uint64)
    out = []
    for n in range(1, n_max + 1):
        if n > size:
            break
        hashes = hashes[: size - n + 1] * _PRIME + codes[n - 1 :]
        if n >= n_min:
            out.append(hashes[owner[: size - n + 1] == owner[n - 1 :]])
    return numpy.concatenate(out) if out else numpy.zeros(0, dtype="uint64")


def char_ngram_keys(toks: list[str], *, char_min: int = 3, char_max: int = 5) -> numpy.ndarray:
    """Character n-gram keys: ``char_min``-``char_max``-grams inside ``<word>`` for spaced
    alphabets, 1-3-grams over runs of Chinese, Japanese and Thai and inside Korean words."""
    alpha = []
    unspaced = []
    syllabic = []
    for tok in toks:
        if _NO_SPACE_SCRIPT.search(tok):
            unspaced.append(tok)
        elif _HANGUL.search(tok):
            syllabic.append(f"<{tok}>")
        elif len(tok) > 2 and tok[0].isalnum():
            alpha.append(f"<{tok}>")
    return numpy.concatenate(
        [
            _ngram_hashes(alpha, char_min, char_max, _ALPHA_SALT),
            _ngram_hashes(unspaced, 1, 3, _UNSPACED_SALT),
            _ngram_hashes(syllabic, 1, 3, _SYLLABIC_SALT),
        ]
    )


KEYWORD_VALUE = 1.5


def hashed_features(
    text: str, *, char_min: int = 3, char_max: int = 5, word_ngrams: int = 2, keywords: str = ""
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Unique hashed keys and their values for one text.

    Values are binary and L2-normalised over the text's n-grams; a keyword category present
    gets ``KEYWORD_VALUE`` whatever the length of the text: keywords are few and carry the
    meaning, n-grams are many and carry the details (see ``patterns.py``).
    """
    feats, toks = string_features(text, word_ngrams=word_ngrams, keywords=keywords)
    word_keys = numpy.fromiter(
        (hash_unicode(f) & 0xFFFFFFFF for f in feats), dtype="uint64", count=len(feats)
    )
    keys = numpy.unique(
        numpy.concatenate([word_keys, char_ngram_keys(toks, char_min=char_min, char_max=char_max)])
    )
    values = numpy.full(len(keys), 1.0 / max(1.0, len(keys) ** 0.5), dtype="float32")
    keyword_keys = [hash_unicode(f) & 0xFFFFFFFF for f in feats if f.startswith("kw:")]
    if keyword_keys:
        values[numpy.isin(keys, numpy.asarray(keyword_keys, dtype="uint64"))] = KEYWORD_VALUE
    return keys, values


class TextItem:
    """What the feature extractor reads: a text, and a place to cache its features.

    Training and prediction hand these to the textcat model instead of spaCy ``Doc``
    objects: the features come from the raw text, so spaCy's tokenizer (the slowest part of
    a blank pipeline on long messages) is not needed. ``nlp(text)`` still works.
    """

    __slots__ = ("text", "user_data")

    def __init__(self, text: str) -> None:
        self.text = text
        self.user_data: dict[str, Any] = {}


def predict(nlp: Any, texts: Sequence[str]) -> list[dict[str, float]]:
    """Class probabilities of each text from a pipeline's ``textcat``."""
    textcat = nlp.get_pipe("textcat")
    scores = textcat.model.predict([TextItem(t) for t in texts])
    labels = textcat.labels
    return [{label: float(row[j]) for j, label in enumerate(labels)} for row in scores]


def _extract_forward(model: Model, docs: Sequence[Doc], is_train: bool) -> tuple[Any, Callable]:
    options = model.attrs["options"]
    cache_key = "hd_features:" + ",".join(f"{k}={v}" for k, v in sorted(options.items()))
    dropout = model.attrs["feature_dropout"] if is_train else 0.0
    batch_keys = []
    batch_vals = []
    for doc in docs:
        cached = doc.user_data.get(cache_key)
        if cached is None:
            cached = hashed_features(doc.text, **options)
            doc.user_data[cache_key] = cached
        keys, vals = cached
        if dropout and len(keys) > 4:
            keep = numpy.random.random_sample(len(keys)) >= dropout
            keys = keys[keep]
            vals = vals[keep] * (1.0 / (1.0 - dropout)) ** 0.5
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = numpy.asarray([len(k) for k in batch_keys], dtype="int32")
    keys_arr = numpy.concatenate(batch_keys) if batch_keys else numpy.zeros((0,), dtype="uint64")
    vals_arr = numpy.concatenate(batch_vals) if batch_vals else numpy.zeros((0,), dtype="float32")

    def backprop(_d: Any) -> list:
        return []

    return (keys_arr, vals_arr, lengths), backprop


def _softmax_ce_forward(model: Model, X: Floats2d, is_train: bool) -> tuple[Floats2d, Callable]:
    Y = model.ops.softmax(X, inplace=False)

    def backprop(dY: Floats2d) -> Floats2d:
        # spaCy hands over (probabilities - truths): exactly the cross-entropy gradient of the logits.
        return dY

    return Y, backprop


def _sigmoid_ce_forward(model: Model, X: Floats2d, is_train: bool) -> tuple[Floats2d, Callable]:
    Y = model.ops.sigmoid(X)

    def backprop(dY: Floats2d) -> Floats2d:
        return dY

    return Y, backprop


def _resize_and_set_ref(model: Model, new_nO: int, resizable_layer: Model) -> Model:
    resizable_layer = resize_model(resizable_layer, new_nO)
    model.set_ref("output_layer", resizable_layer.layers[0])
    model.set_dim("nO", new_nO, force=True)
    return model


@registry.architectures("helpdesk.HashedNgramClassifier.v1")
def build_hashed_ngram_classifier(
    exclusive_classes: bool,
    length: int = 2**18,
    char_min: int = 3,
    char_max: int = 5,
    word_ngrams: int = 2,
    keywords: str = "",
    feature_dropout: float = 0.1,
    nO: int | None = None,
) -> Model:
    """Hashed n-gram features → sparse linear layer → softmax (exclusive) or sigmoid (flags)."""
    extractor: Model = Model(
        "hashed_ngrams",
        _extract_forward,
        attrs={
            "options": {
                "char_min": char_min,
                "char_max": char_max,
                "word_ngrams": word_ngrams,
                "keywords": keywords,
            },
            "feature_dropout": feature_dropout,
        },
    )
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": 0, "W": 0}
    resizable_layer: Model = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults)
    )
    activation: Model = Model(
        "softmax_ce" if exclusive_classes else "sigmoid_ce",
        _softmax_ce_forward if exclusive_classes else _sigmoid_ce_forward,
    )
    model: Model = chain(with_cpu(chain(extractor, resizable_layer), resizable_layer.ops), activation)
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(_resize_and_set_ref, resizable_layer=resizable_layer)
    return model
