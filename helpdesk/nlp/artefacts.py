"""Where trained models live, how they are written and found.

An artefact is a directory ``<NLP_MODELS_DIR>/<name>-<version>/`` holding the spaCy pipeline
(``model/``) and ``manifest.json`` (version, metrics, training time, data sources, config).
``version`` is a content hash of the training data and configuration, so the same inputs give
the same directory name and ``nlp_train --if-missing`` can skip work that is already done.
``<name>.latest`` (a one-line file, replaced atomically) names the artefact to load.

The sentiment and anger models also ship in the repository (``helpdesk/nlp/bundled/``):
their training text (UMSAB tweets, XED subtitles) may not be redistributed or lives outside
the repository, so a machine without ``NLP_DATA_DIR`` uses the bundled artefact.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
MODEL_NAMES = ("intent", "sentiment", "anger")


@dataclass(frozen=True)
class Artefact:
    name: str
    version: str
    path: Path
    manifest: dict[str, Any]

    @property
    def label(self) -> str:
        """What gets stored beside a prediction, e.g. ``intent-3f2a9c1b7d04``."""
        return f"{self.name}-{self.version}"

    @property
    def model_path(self) -> Path:
        return self.path / "model"


def models_dir() -> Path:
    return Path(settings.NLP_MODELS_DIR)


def _read(path: Path) -> Artefact | None:
    manifest_file = path / "manifest.json"
    if not manifest_file.is_file() or not (path / "model").is_dir():
        return None
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    return Artefact(name=manifest["name"], version=manifest["version"], path=path, manifest=manifest)


def artefact_path(name: str, version: str, root: Path | None = None) -> Path:
    return (root or models_dir()) / f"{name}-{version}"


def find(name: str, root: Path | None = None, *, bundled: bool = True) -> Artefact | None:
    """The artefact to use for ``name``: the latest trained one, else the bundled one."""
    root = root or models_dir()
    pointer = root / f"{name}.latest"
    if pointer.is_file():
        found = _read(root / pointer.read_text(encoding="utf-8").strip())
        if found:
            return found
    if bundled:
        return find_bundled(name)
    return None


def find_bundled(name: str) -> Artefact | None:
    for path in sorted(BUNDLED_DIR.glob(f"{name}-*")):
        found = _read(path)
        if found:
            return found
    return None


def exists(name: str, version: str, root: Path | None = None) -> bool:
    return _read(artefact_path(name, version, root)) is not None


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def publish(name: str, version: str, root: Path | None = None) -> None:
    """Make ``<name>-<version>`` the artefact that ``find`` returns."""
    root = root or models_dir()
    _atomic_write(root / f"{name}.latest", f"{name}-{version}\n")


def save(nlp: Any, manifest: dict[str, Any], root: Path | None = None) -> Artefact:
    """Write a trained pipeline and its manifest; a half-written artefact is never visible."""
    root = root or models_dir()
    final = artefact_path(manifest["name"], manifest["version"], root)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{final.name}."))
    staging.chmod(0o755)  # mkdtemp makes it private; web and worker may run as other users
    try:
        nlp.to_disk(staging / "model")
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    found = _read(final)
    assert found is not None
    return found


def copy_bundled(name: str, root: Path | None = None) -> Artefact | None:
    """Install the bundled artefact of ``name`` under ``root`` and publish it."""
    bundled = find_bundled(name)
    if bundled is None:
        return None
    root = root or models_dir()
    target = artefact_path(name, bundled.version, root)
    if not exists(name, bundled.version, root):
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{target.name}."))
        staging.chmod(0o755)
        shutil.copytree(bundled.path, staging, dirs_exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    publish(name, bundled.version, root)
    return _read(target)
