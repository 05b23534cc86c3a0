"""Triage models for the NLP tests: trained once per test session into a temporary directory."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpdesk.nlp import artefacts, loading, training

# A smaller budget than `manage.py nlp_train` (5 epochs): the tests check behaviour, the
# figures are measured by `nlp_evaluate`.
TEST_INTENT_CONFIG = replace(training.INTENT_CONFIG, epochs=3)
TEST_TIME_BUDGET = 40.0


@pytest.fixture(scope="session")
def trained_nlp_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("nlp-models")
    result = training.train_intent(root=root, config=TEST_INTENT_CONFIG, time_budget=TEST_TIME_BUDGET)
    assert result.artefact is not None
    # Sentiment and anger: the models bundled in the repository (their training data is not).
    assert artefacts.copy_bundled("sentiment", root) is not None
    assert artefacts.copy_bundled("anger", root) is not None
    return root


@pytest.fixture
def nlp_models(trained_nlp_models, settings):
    """Point NLP_MODELS_DIR at the session's models (loaded once per process, reused by every test).

    A test that points NLP_MODELS_DIR elsewhere uses ``other_nlp_models_dir`` so that the
    process's loaded models are forgotten before and after it.
    """
    settings.NLP_MODELS_DIR = trained_nlp_models
    return trained_nlp_models


@pytest.fixture
def other_nlp_models_dir(tmp_path, settings):
    settings.NLP_MODELS_DIR = tmp_path / "models"
    loading.reset()
    yield tmp_path / "models"
    loading.reset()
