"""Tiny but real Argos Translate packs (``.argosmodel``), built from scratch for the tests.

Each pack is what argostranslate installs and runs from the Argos index, only small:

* ``sentencepiece.model``: a SentencePiece word model trained on a few sentences holding every
  word of the test languages (shared by source and target, as in the real packs);
* ``model/``: a CTranslate2 Transformer (one encoder and one decoder layer, one head) written
  with ``ctranslate2.specs`` from numpy weights chosen by hand, so it is deterministic: it
  translates word by word through a dictionary and copies the words it does not know;
* ``metadata.json`` and a README, zipped under one folder.

How the weights translate: the model width is ``V + L`` (V vocabulary one-hots, then L position
one-hots, with learned position encodings). The encoder's layer does nothing (zero weights), so
its output at position s is ``A·onehot(token_s) + onehot(V + s)``. The decoder's embeddings are
zero; its cross-attention query picks the position part of the step (×BETA), the key the position
part of the source, so step t attends to source position t only; the value carries the source
token's one-hot into the residual stream, and the output projection maps source token u to its
dictionary translation M[u] (identity for words it does not know). The source gets ``</s>``
appended (``add_source_eos``), which maps to ``</s>`` and ends the translation. Unknown words are
``<unk>`` and come back as the source word through CTranslate2's ``replace_unknowns``, which
argostranslate switches on. RMS norm (no centring) keeps the one-hots intact under the layer norms.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

DICTIONARIES: dict[tuple[str, str], dict[str, str]] = {
    ("de", "en"): {
        "hallo": "hello",
        "welt": "world",
        "paket": "parcel",
        "kaputt": "broken",
        "danke": "thanks",
    },
    ("en", "zh"): {"hello": "你好", "world": "世界", "parcel": "包裹", "broken": "坏了", "thanks": "谢谢"},
}
DICTIONARIES[("en", "de")] = {en: de for de, en in DICTIONARIES[("de", "en")].items()}
DICTIONARIES[("zh", "en")] = {zh: en for en, zh in DICTIONARIES[("en", "zh")].items()}
# The word model keeps punctuation on the word ("welt."): those forms are words too.
for _mapping in DICTIONARIES.values():
    _mapping.update({s + mark: t + mark for s, t in list(_mapping.items()) for mark in ".!?,"})
NAMES = {"de": "German", "en": "English", "zh": "Chinese"}
MAX_POSITIONS = 64
A, BETA = 10.0, 60.0  # token strength in the output; sharpness of the aligned attention


def words() -> list[str]:
    return sorted({word for mapping in DICTIONARIES.values() for pair in mapping.items() for word in pair})


def corpus() -> list[str]:
    vocabulary = words()
    return [" ".join(vocabulary[i : i + 3]) for i in range(0, len(vocabulary), 3)] * 3


def train_sentencepiece() -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus()),
        model_writer=model,
        model_type="word",
        vocab_size=len(words()) + 3,  # every word, and <unk>, <s>, </s>
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def write_ctranslate2_model(directory: Path, vocabulary: list[str], mapping: dict[str, str]) -> None:
    from ctranslate2.specs import transformer_spec

    size, positions = len(vocabulary), MAX_POSITIONS
    width = size + positions
    index = {piece: i for i, piece in enumerate(vocabulary)}

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    spec = transformer_spec.TransformerSpec.from_config(
        1, 1, pre_norm=True, no_final_norm=True, rms_norm=True
    )
    encoder, decoder = spec.encoder, spec.decoder
    position_encodings = zeros(positions, width)
    position_encodings[np.arange(positions), size + np.arange(positions)] = 1.0

    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = np.eye(size, width, dtype=np.float32) * A
    encoder.position_encodings.encodings = position_encodings
    decoder.scale_embeddings = False
    decoder.embeddings.weight = zeros(size, width)
    decoder.position_encodings.encodings = position_encodings.copy()

    for layer in (encoder.layer[0], decoder.layer[0]):
        layer.self_attention.layer_norm.gamma = np.ones(width, dtype=np.float32)
        layer.self_attention.linear[0].weight = zeros(3 * width, width)
        layer.self_attention.linear[1].weight = zeros(width, width)
        layer.ffn.layer_norm.gamma = np.ones(width, dtype=np.float32)
        layer.ffn.linear_0.weight = zeros(4, width)
        layer.ffn.linear_1.weight = zeros(width, 4)

    attention = decoder.layer[0].attention
    attention.layer_norm.gamma = np.ones(width, dtype=np.float32)
    query = zeros(width, width)
    query[size:, size:] = np.eye(positions) * BETA
    keys_values = zeros(2 * width, width)
    keys_values[size:width, size:] = np.eye(positions)  # keys: the source position
    keys_values[width : width + size, :size] = np.eye(size)  # values: the source token
    output = zeros(width, width)
    output[:size, :size] = np.eye(size)
    attention.linear[0].weight = query
    attention.linear[1].weight = keys_values
    attention.linear[2].weight = output

    translation_of = np.arange(size)
    for source, target in mapping.items():
        translation_of[index[f"▁{source}"]] = index[f"▁{target}"]
    projection = zeros(size, width)
    projection[translation_of, np.arange(size)] = 1.0
    decoder.projection.weight = projection

    spec.config.add_source_eos = True
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=None)
    directory.mkdir(parents=True, exist_ok=True)
    spec.save(str(directory))


def build_pack(from_code: str, to_code: str, directory: Path, *, version: str = "0.1") -> Path:
    """Write ``translate-<from>_<to>-<version>.argosmodel`` into ``directory``; return its path."""
    import sentencepiece as spm

    sentencepiece_model = train_sentencepiece()
    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    work = directory / f"{name}.build"
    write_ctranslate2_model(work / "model", vocabulary, DICTIONARIES[(from_code, to_code)])
    metadata = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": NAMES[from_code],
        "to_code": to_code,
        "to_name": NAMES[to_code],
        "type": "translate",
        "links": [],
    }
    archive_path = directory / f"{name}.argosmodel"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/metadata.json", json.dumps(metadata, indent=2))
        archive.writestr(f"{name}/README.md", f"Tiny test pack {from_code}→{to_code}: word by word.\n")
        archive.writestr(f"{name}/sentencepiece.model", sentencepiece_model)
        for file in sorted((work / "model").iterdir()):
            archive.write(file, f"{name}/model/{file.name}")
    return archive_path


def build_packs(directory: Path) -> dict[tuple[str, str], Path]:
    """All four tiny packs: de→en, en→de, en→zh, zh→en."""
    directory.mkdir(parents=True, exist_ok=True)
    return {pair: build_pack(*pair, directory) for pair in DICTIONARIES}
