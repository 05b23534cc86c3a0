"""Trained pipelines, loaded lazily once per process.

Each worker process loads a model the first time it is asked for one and keeps it. Every
``RECHECK_SECONDS`` it looks at ``<name>.latest`` again, so a model retrained by
``nlp_train`` (for instance after agents' corrections) is picked up without a restart. The
cache holds read-only models, never data that changes per request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpdesk.nlp import artefacts

RECHECK_SECONDS = 30.0


class ModelNotTrainedError(RuntimeError):
    """No trained artefact for a model that has no bundled fallback."""

    def __init__(self, name: str, root: Path) -> None:
        super().__init__(
            f"No trained {name} model in {root}. Run `python manage.py nlp_train` "
            f"(`make run` does it on start) and try again."
        )
        self.name = name


@dataclass
class Loaded:
    artefact: artefacts.Artefact
    nlp: Any
    checked_at: float


_loaded: dict[str, Loaded] = {}


def _load_pipeline(artefact: artefacts.Artefact) -> Any:
    import spacy

    import helpdesk.nlp.features  # noqa: F401  (registers the architecture spaCy's config names)

    return spacy.load(artefact.model_path)


def get(name: str, *, bundled: bool = True) -> Loaded:
    """The loaded pipeline for ``name``; raises ``ModelNotTrainedError`` if there is none."""
    now = time.monotonic()
    current = _loaded.get(name)
    if current is not None and now - current.checked_at < RECHECK_SECONDS:
        return current
    artefact = artefacts.find(name, bundled=bundled)
    if artefact is None:
        if current is not None:
            current.checked_at = now
            return current
        raise ModelNotTrainedError(name, artefacts.models_dir())
    if current is not None and current.artefact.path == artefact.path:
        current.checked_at = now
        return current
    loaded = Loaded(artefact=artefact, nlp=_load_pipeline(artefact), checked_at=now)
    _loaded[name] = loaded
    return loaded


def reset() -> None:
    """Forget loaded models (tests; after changing NLP_MODELS_DIR)."""
    _loaded.clear()
