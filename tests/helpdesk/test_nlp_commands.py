import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(command, *args, stdin=None):
    out = io.StringIO()
    err = io.StringIO()
    cmd_kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        from django.core.management import load_command_class

        instance = load_command_class("helpdesk", command)
        instance.stdin = io.StringIO(stdin)
        call_command(instance, *args, **cmd_kwargs)
    else:
        call_command(command, *args, **cmd_kwargs)
    return out.getvalue()


def test_nlp_predict_answers_every_json_line_and_reports_bad_ones(nlp_models):
    lines = "\n".join(
        [
            json.dumps(
                {
                    "id": 1,
                    "subject": "Kaputt",
                    "text": "Die Tasse kam zerbrochen an, Bestellung 302-1234567-1234567.",
                }
            ),
            "{not json",
            json.dumps(["a list"]),
            "",
            json.dumps({"text": "Where is my order? It's been three weeks."}),
        ]
    )

    output = [json.loads(line) for line in run("nlp_predict", stdin=lines).splitlines()]

    assert [o["line"] for o in output] == [1, 2, 3, 5]
    first = output[0]
    assert first["id"] == 1
    assert first["language"] == "de"
    assert first["intent"] == "damaged_item"
    assert {"language_confidence", "intent_confidence", "sentiment", "angry", "entities"} <= set(first)
    assert first["entities"]["order_numbers"][0]["value"] == "302-1234567-1234567"
    assert "invalid JSON" in output[1]["error"]
    assert "object" in output[2]["error"]
    assert output[3]["intent"] == "where_is_my_order"


def test_nlp_predict_without_models_says_to_train_them(other_nlp_models_dir):
    with pytest.raises(CommandError, match="nlp_train"):
        run("nlp_predict", stdin="{}")


def test_nlp_evaluate_prints_the_figures(nlp_models, settings, tmp_path):
    settings.NLP_DATA_DIR = tmp_path / "no-public-data"

    output = run("nlp_evaluate", "--throughput-messages", "40")

    assert "== Intent" in output
    assert "macro-F1" in output
    assert "per language: ar acc" in output
    assert "confusion matrix" in output
    assert "demo corpus" in output
    assert "independent held-out set" in output
    assert "lowest language macro-F1" in output
    assert "UMSAB validation: skipped" in output
    assert "Language detection" in output
    assert "messages/s per core" in output
    assert "p95" in output


def test_nlp_train_installs_the_bundled_models_without_the_public_data(tmp_path):
    output = run(
        "nlp_train",
        "--only",
        "sentiment",
        "--only",
        "anger",
        "--output",
        str(tmp_path),
        "--data",
        str(tmp_path / "none"),
    )

    assert "sentiment: bundled" in output
    assert "anger: bundled" in output
    assert (tmp_path / "sentiment.latest").is_file()
    assert (tmp_path / "anger.latest").is_file()


def test_nlp_train_if_missing_skips_what_is_already_trained(trained_nlp_models, monkeypatch):
    from helpdesk.nlp import training
    from tests.helpdesk.conftest import TEST_INTENT_CONFIG

    # The session's model was trained with the tests' smaller configuration.
    monkeypatch.setattr(training, "INTENT_CONFIG", TEST_INTENT_CONFIG)

    output = run("nlp_train", "--only", "intent", "--if-missing", "--output", str(trained_nlp_models))

    assert "intent: up to date" in output
