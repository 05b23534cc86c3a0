"""The Translator over argostranslate, run on tiny real packs built by tests/helpdesk/tiny_argos.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from helpdesk.nlp import argos, argos_models
from helpdesk.nlp.translation import (
    TranslationStatus,
    Translator,
    argos_codes,
    available_pairs,
    normalize_language,
    pair_notice,
    project_code,
    translate,
)
from tests.helpdesk.tiny_argos import build_packs
from tickets.models import Translation


@pytest.fixture(scope="session")
def tiny_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    return build_packs(tmp_path_factory.mktemp("argosmodels"))


@pytest.fixture
def packs_dir(settings, tmp_path: Path) -> Path:
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    return settings.ARGOS_PACKAGES_DIR


@pytest.fixture
def installed(packs_dir: Path, tiny_packs: dict[tuple[str, str], Path]) -> Path:
    for pair in [("de", "en"), ("en", "zh")]:
        call_command("translation_packs", "install", "--from-file", str(tiny_packs[pair]), stdout=None)
    return packs_dir


def test_a_text_is_translated_through_its_installed_pack_and_stored(installed, db):
    result = Translator().translate("hallo welt", "de", "en")

    assert result.status == TranslationStatus.TRANSLATED
    assert result.text == "hello world"
    assert (result.cached, result.pivot) == (False, "")
    assert "translate-de_en 0.1" in result.engine
    assert result.engine.startswith("argostranslate 1.")
    row = Translation.objects.get(pk=result.translation_id)
    assert (row.source_language, row.target_language, row.translated_text) == ("de", "en", "hello world")


def test_the_same_text_is_read_from_the_database_the_second_time(installed, db, django_assert_num_queries):
    first = translate("paket kaputt", "de", "en")
    shutil.rmtree(installed)  # the packs are gone: only the cache can answer now

    with django_assert_num_queries(1):
        second = translate("paket kaputt", "de", "en")

    assert second.cached is True
    assert (second.text, second.translation_id, second.engine) == (
        "parcel broken",
        first.translation_id,
        first.engine,
    )
    assert Translation.objects.count() == 1


def test_words_the_model_does_not_know_are_kept(installed, db):
    assert translate("hallo Bestellung 123-4567", "de", "en").text == "hello Bestellung 123-4567"


def test_sentences_and_paragraphs_are_translated_one_by_one_without_downloading(installed, db):
    result = translate("hallo welt. danke!\n\npaket kaputt?", "de", "en")

    assert result.text == "hello world. thanks!\n\nparcel broken?"


def test_a_pair_without_a_direct_pack_is_translated_through_english(installed, db):
    result = translate("hallo welt", "de", "zh")

    assert result.status == TranslationStatus.TRANSLATED
    assert (result.text, result.pivot) == ("你好 世界", "en")
    assert "translate-de_en 0.1 + translate-en_zh 0.1" in result.engine
    assert translate("hallo welt", "de", "zh").pivot == "en"  # kept with the cached row


def test_a_missing_pair_returns_a_plain_not_installed_result(installed, db):
    result = translate("Bonjour, mon colis est cassé", "fr", "zh")

    assert result.status == TranslationStatus.NOT_INSTALLED
    assert not result.ok
    assert result.text == ""
    assert result.notice == "No translation is installed for fr→zh."
    assert pair_notice("fr", "zh") == "No translation is installed for fr→zh."
    assert pair_notice("de", "zh") == ""
    assert not Translation.objects.exists()


def test_nothing_installed_at_all_is_not_an_error(packs_dir, db):
    result = translate("hallo welt", "de", "en")

    assert result.status == TranslationStatus.NOT_INSTALLED
    assert available_pairs() == []


def test_same_language_empty_text_and_unknown_language_are_not_translated(installed, db):
    assert translate("hello", "en", "EN").status == TranslationStatus.SAME_LANGUAGE
    assert translate("你好", "zh-Hans", "zh").status == TranslationStatus.SAME_LANGUAGE
    assert translate("  \n ", "de", "en").status == TranslationStatus.EMPTY
    assert translate("hallo", "", "en").status == TranslationStatus.UNKNOWN_LANGUAGE
    assert not Translation.objects.exists()


def test_available_pairs_lists_direct_pairs_then_those_through_english(installed):
    assert [str(pair) for pair in available_pairs()] == ["de→en", "en→zh", "de→zh (via en)"]


def test_a_broken_pack_gives_a_failed_result_instead_of_an_exception(installed, db, caplog):
    (installed / "translate-de_en" / "model" / "model.bin").write_bytes(b"not a model")

    result = translate("hallo welt", "de", "en")

    assert result.status == TranslationStatus.FAILED
    assert result.notice == "Translating de→en failed; the original is shown."
    assert "Translating de→en failed" in caplog.text
    assert not Translation.objects.exists()


def test_a_translation_stored_meanwhile_by_another_worker_wins_quietly(installed, db):
    class RacingTranslator(Translator):
        def _run(self, route, text):
            translated = super()._run(route, text)
            other = Translator().translate(text, route.source, route.target)  # the other worker
            assert other.cached is False
            return translated + " (mine)"

    result = RacingTranslator().translate("danke", "de", "en")

    assert result.text == "thanks"
    assert Translation.objects.get().translated_text == "thanks"


def test_a_long_text_is_translated_up_to_the_limit(installed, db):
    result = Translator(max_chars=120).translate("hallo welt. " * 30, "de", "en")

    assert result.truncated is True
    assert result.text.startswith("hello world. hello world.")
    assert len(result.text) <= 130
    assert result.notice == "Only the beginning of this long text is translated."


def test_the_packs_run_through_argostranslates_own_translation_classes(installed):
    from argostranslate.translate import CompositeTranslation, PackageTranslation

    de_en = argos_models.load_translation(argos.find_pack("de", "en"))
    en_zh = argos_models.load_translation(argos.find_pack("en", "zh"))

    assert isinstance(de_en, PackageTranslation)
    assert de_en.translate("danke welt") == "thanks world"
    assert de_en.hypotheses("hallo", num_hypotheses=2)[0].value == "hello"
    assert CompositeTranslation(de_en, en_zh).translate("paket kaputt") == "包裹 坏了"
    assert argos_models.load_translation(argos.find_pack("de", "en")) is de_en  # loaded once per process


def test_a_pack_without_a_sentence_model_splits_on_punctuation(installed):
    translation = argos_models.load_translation(argos.find_pack("de", "en"))

    assert str(translation.sentencizer) == "punctuation"
    assert argos_models.split_sentences("Hallo welt. Danke! Wo ist es?") == [
        "Hallo welt.",
        "Danke!",
        "Wo ist es?",
    ]
    assert argos_models.split_sentences("你好。包裹坏了！") == ["你好。", "包裹坏了！"]
    assert argos_models.split_sentences("") == []


def test_a_packs_stanza_model_is_used_offline_when_it_ships_one(installed):
    from argostranslate.package import Package

    pack_path = argos.find_pack("de", "en").path
    (pack_path / "stanza").mkdir()
    (pack_path / "stanza" / "resources.json").write_text("{}")

    sentencizer = argos_models.sentencizer_for(Package(pack_path))

    assert str(sentencizer) == "stanza (offline)"
    # No Stanza model in the tiny pack: it cannot load, so punctuation takes over (no download).
    assert sentencizer.split_sentences("Hallo welt. Danke!") == ["Hallo welt.", "Danke!"]
    assert str(sentencizer) == "punctuation"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh", ("zh", "zt")),
        ("zh-Hant", ("zt", "zh")),
        ("zh_TW", ("zt", "zh")),
        ("pt", ("pt", "pb")),
        ("pt-BR", ("pb", "pt")),
        ("de-AT", ("de",)),
        ("zh-Hans", ("zh", "zt")),
        ("no", ("nb",)),
    ],
)
def test_project_language_codes_map_to_argos_codes(code, expected):
    assert argos_codes(code) == expected


def test_argos_codes_map_back_to_project_codes():
    assert (project_code("zt"), project_code("pb"), project_code("de")) == ("zh-hant", "pt-br", "de")
    assert normalize_language(" ZH_hant ") == "zh-hant"
    assert normalize_language("zh-CN") == "zh"
