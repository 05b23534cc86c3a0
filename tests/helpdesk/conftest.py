"""The triage-model fixtures (``trained_nlp_models``, ``nlp_models``, ``other_nlp_models_dir``)
live in ``tests/conftest.py``: the tickets tests triage messages with them too."""

from __future__ import annotations

from tests.conftest import TEST_INTENT_CONFIG, TEST_TIME_BUDGET

__all__ = ["TEST_INTENT_CONFIG", "TEST_TIME_BUDGET"]
