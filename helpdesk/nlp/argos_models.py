"""Loaded Argos models, once per process, and sentence splitting that never downloads.

Sentence splitting: argostranslate 1.11 splits with Stanza when a pack carries a ``stanza/``
folder (the packs on the Argos index do) and with MiniSBD otherwise, and both download on
first use: Stanza fetches ``resources.json`` from the internet for *every* pipeline it builds,
MiniSBD fetches its ONNX model. Here a pack's Stanza model is loaded with downloads switched
off, a MiniSBD model is used only when it is already on disk, and otherwise sentences are split
on punctuation. Nothing downloads while translating; only ``translation_packs`` goes online.
"""

from __future__ import annotations

import importlib
import logging
import re
from pathlib import Path
from typing import Any

from helpdesk.nlp.argos import Pack, argos_lock, argos_package, argos_translate

logger = logging.getLogger(__name__)

# Sentences longer than this are cut at a space: the models are trained on sentences.
MAX_SENTENCE_CHARS = 400
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|(?<=[。！？；])")

_loaded: dict[str, tuple[int, Any]] = {}  # pack folder -> (metadata mtime, translation)


def load_translation(pack: Pack) -> Any:
    """An ``argostranslate.translate.PackageTranslation`` for the pack, loaded once per process
    (and again after the pack is replaced)."""
    key = str(pack.path)
    with argos_lock:
        loaded = _loaded.get(key)
        if loaded is not None and loaded[0] == pack.mtime_ns:
            return loaded[1]
        translate = argos_translate()
        package = argos_package()
        argos_pack = package.Package(pack.path)
        translation = translate.PackageTranslation(
            translate.Language(pack.from_code, pack.from_name),
            translate.Language(pack.to_code, pack.to_name),
            argos_pack,
        )
        translation.sentencizer = sentencizer_for(argos_pack)
        for stale in [path for path in _loaded if not Path(path).exists()]:
            del _loaded[stale]
        _loaded[key] = (pack.mtime_ns, translation)
        return translation


def sentencizer_for(argos_pack: Any) -> Any:
    """The sentence splitter for a pack that never downloads (see the module docstring)."""
    sbd = importlib.import_module("argostranslate.sbd")
    sbd_path = argos_pack.packaged_sbd_path
    primary: Any = None
    if sbd_path is not None and sbd_path.name == "stanza" and (sbd_path / "resources.json").is_file():
        primary = OfflineStanzaSentencizer(argos_pack)
    elif (
        sbd_path is not None and sbd_path.name == "minisbd" and any(sbd_path.glob("*.onnx"))
    ) or _minisbd_model_on_disk(argos_pack.from_code):
        primary = sbd.MiniSBDSentencizer(argos_pack)
    fallback = PunctuationSentencizer()
    return fallback if primary is None else FallbackSentencizer(primary, fallback)


def _minisbd_model_on_disk(from_code: str) -> bool:
    models = importlib.import_module("minisbd.models")
    sbd = importlib.import_module("argostranslate.sbd")
    lang = sbd.MiniSBDSentencizer.LANGUAGE_CODE_MAPPING.get(from_code, from_code)
    filename = models.MODELS.get(lang) or models.MODELS["en"]
    return (Path(models.cache_dir) / filename).is_file()


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, by punctuation (Latin and CJK); long ones cut at a space."""
    sentences = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else MAX_SENTENCE_CHARS
            sentences.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            sentences.append(sentence)
    return sentences


class PunctuationSentencizer:
    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text)

    def __str__(self) -> str:
        return "punctuation"


class OfflineStanzaSentencizer:
    """argostranslate's Stanza splitter with the pack's own model and downloads switched off."""

    def __init__(self, argos_pack: Any) -> None:
        sbd = importlib.import_module("argostranslate.sbd")
        self.pack = argos_pack
        self.lang = sbd.StanzaSentencizer.LANGUAGE_CODE_MAPPING.get(
            argos_pack.from_code, argos_pack.from_code
        )
        self.pipeline: Any = None

    def split_sentences(self, text: str) -> list[str]:
        if self.pipeline is None:
            stanza = importlib.import_module("stanza")
            self.pipeline = stanza.Pipeline(
                lang=self.lang,
                dir=str(self.pack.packaged_sbd_path),
                processors="tokenize",
                use_gpu=False,
                logging_level="WARNING",
                download_method=None,
            )
        return [sentence.text for sentence in self.pipeline(text).sentences]

    def __str__(self) -> str:
        return "stanza (offline)"


class FallbackSentencizer:
    """The pack's model splitter; if it cannot load, punctuation from then on (logged once)."""

    def __init__(self, primary: Any, fallback: Any) -> None:
        self.primary: Any = primary
        self.fallback = fallback

    def split_sentences(self, text: str) -> list[str]:
        if self.primary is not None:
            try:
                return list(self.primary.split_sentences(text))
            except Exception:
                logger.warning(
                    "Sentence splitter %s failed; splitting on punctuation", self.primary, exc_info=True
                )
                self.primary = None
        return list(self.fallback.split_sentences(text))

    def __str__(self) -> str:
        return str(self.primary or self.fallback)
