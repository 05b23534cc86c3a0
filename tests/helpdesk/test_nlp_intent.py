import json

import pytest

from helpdesk.nlp import classify_intent, dataset, evaluation, training
from helpdesk.nlp.corrections import CorrectionStats, read_jsonl
from helpdesk.nlp.loading import ModelNotTrainedError


@pytest.mark.parametrize(
    ("subject", "text", "intent"),
    [
        (
            "Ware beschädigt",
            "Guten Tag, die Lampe kam heute an, aber das Glas ist komplett zerbrochen und der Karton war "
            "eingedrückt. Bestellung 302-1234567-1234567. MfG Petra",
            "damaged_item",
        ),
        (
            "",
            "Hi, where is my parcel? I ordered 3 weeks ago and the tracking hasn't moved since Monday.",
            "where_is_my_order",
        ),
        (
            "Annulation",
            "Bonjour, merci d'annuler ma commande #4521, je me suis trompée de modèle.",
            "cancel_order",
        ),
        (
            "",
            "Hola, devolví el producto hace 10 días y todavía no veo el reembolso en mi tarjeta.",
            "refund_status",
        ),
        ("", "物流显示已经签收了，可是我根本没收到包裹，邻居也说没看到。", "not_received"),
        ("", "サイズが合わないので返品したいです。返品ラベルを送ってもらえますか？", "return_request"),
        ("", "Hej, jag behöver en faktura med moms till mitt företag för ordern.", "invoice_request"),
        (
            "Zoll",
            "DHL möchte 23 € Einfuhrumsatzsteuer, bevor sie das Paket zustellen. Wer zahlt das?",
            "customs_duties",
        ),
        ("", "Thank you so much, the mug set arrived quickly and it is perfect!", "feedback_positive"),
    ],
)
def test_messages_in_several_languages_get_their_intent(nlp_models, subject, text, intent):
    predicted, confidence, version = classify_intent(text, subject)

    assert predicted == intent
    assert 0.0 < confidence <= 1.0
    assert version.startswith("intent-")


def test_without_a_trained_model_the_error_says_to_run_nlp_train(other_nlp_models_dir):
    with pytest.raises(ModelNotTrainedError, match=r"manage\.py nlp_train"):
        classify_intent("Where is my order?")


def test_the_held_out_split_is_by_family_and_never_overlaps_training():
    rows = dataset.own_examples(["en", "zh"])
    train = {r.family for r in rows if r.split == "train"}
    heldout = {r.family for r in rows if r.split == "heldout"}

    assert train
    assert heldout
    assert train.isdisjoint(heldout)
    assert {r.text for r in rows if r.split == "train"}.isdisjoint(
        {r.text for r in rows if r.split == "heldout"}
    )


def test_the_independent_held_out_set_covers_every_language_and_intent_and_is_never_trained_on():
    rows = evaluation.independent_heldout_rows()
    training_texts = {r.text for r in dataset.own_examples()}

    assert {r.language for r in rows} == set(dataset.available_languages())
    for language in dataset.available_languages():
        per_intent = [
            sum(1 for r in rows if r.language == language and r.intent == i) for i in dataset.INTENTS
        ]
        assert min(per_intent) >= 10, (language, per_intent)
    assert training_texts.isdisjoint({r.text for r in rows})


def test_a_bad_line_in_the_independent_held_out_set_names_the_file_and_line(tmp_path):
    (tmp_path / "xx.tsv").write_text("intent\ttext\nreturn_request\tI want to return it\nrefund please\n")

    with pytest.raises(dataset.LabelledFileError, match=r"xx\.tsv:3"):
        evaluation.independent_heldout_rows(tmp_path)


def test_line_breaks_in_the_independent_held_out_set_are_kept(tmp_path):
    (tmp_path / "en.tsv").write_text("intent\ttext\ncancel_order\tHello,\\nplease cancel #1234.\n")

    [row] = evaluation.independent_heldout_rows(tmp_path)

    assert (row.language, row.intent, row.text) == ("en", "cancel_order", "Hello,\nplease cancel #1234.")


def test_the_generated_messages_are_the_same_on_every_run():
    first = dataset.own_examples(["de"])
    second = dataset.own_examples(["de"])

    assert first == second
    assert len({r.language for r in dataset.own_examples()}) >= 19


def test_every_intent_has_families_and_keywords_in_every_language():
    for language in dataset.available_languages():
        fragments = dataset.load_fragments(language)
        for intent in dataset.INTENTS:
            assert len(fragments.get(f"intent:{intent}")) >= 4, (language, intent)
            assert fragments.get(f"keywords:{intent}"), (language, intent)


def test_corrections_are_read_from_json_lines_and_bad_lines_are_skipped(tmp_path):
    path = tmp_path / "corrections.jsonl"
    path.write_text(
        json.dumps({"text": "the lid cracked", "subject": "Mug", "intent": "damaged_item"})
        + "\nnot json\n"
        + json.dumps({"text": "hello", "intent": "no_such_intent"})
        + "\n"
    )
    stats = CorrectionStats()

    pairs = list(read_jsonl(path, stats))

    assert pairs == [("Mug\nthe lid cracked", "damaged_item")]
    assert (stats.read, stats.skipped) == (1, 2)


def test_the_model_learns_from_agent_corrections(other_nlp_models_dir):
    phrase = "the zorblax gadget fizzled out"
    corrections = [(phrase, "payment_issue"), ("my zorblax fizzled", "payment_issue")]
    config = training.INTENT_CONFIG.__class__(**{**training.INTENT_CONFIG.__dict__, "epochs": 3})

    plain = training.train_intent(root=other_nlp_models_dir, languages=["en"], config=config)
    corrected = training.train_intent(
        root=other_nlp_models_dir, languages=["en"], corrections=corrections, config=config
    )

    assert plain.version != corrected.version
    sources = {source["name"]: source["rows"] for source in corrected.artefact.manifest["data_sources"]}
    assert sources["agent corrections"] == 2
    assert classify_intent("zorblax fizzled again")[0] == "payment_issue"
