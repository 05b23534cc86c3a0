"""`manage.py translation_packs`: tiny real packs installed from a file, from an index served on
127.0.0.1 through argostranslate's own index and download code, listed and removed."""

from __future__ import annotations

import functools
import json
import socket
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk.nlp import argos
from helpdesk.nlp.translation import translate
from tests.helpdesk.tiny_argos import build_pack


@pytest.fixture(scope="session")
def tiny_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    directory = tmp_path_factory.mktemp("argosmodels-command")
    return {pair: build_pack(*pair, directory) for pair in [("de", "en"), ("en", "zh")]}


@pytest.fixture
def packs_dir(settings, tmp_path: Path) -> Path:
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    return settings.ARGOS_PACKAGES_DIR


def run(*args: str) -> str:
    out = StringIO()
    call_command("translation_packs", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def package_index(settings, tiny_packs):
    """An Argos package index on 127.0.0.1 offering the tiny de→en pack."""
    served = tiny_packs[("de", "en")].parent
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(served)))
    base = f"http://127.0.0.1:{server.server_port}/"
    index = [
        {
            "type": "translate",
            "from_code": "de",
            "to_code": "en",
            "from_name": "German",
            "to_name": "English",
            "package_version": "0.1",
            "argos_version": "1.9.0",
            "links": [base + tiny_packs[("de", "en")].name],
        }
    ]
    (served / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ARGOS_PACKAGE_INDEX = base
    yield base
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def unreachable_index(settings) -> str:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ARGOS_PACKAGE_INDEX = f"http://127.0.0.1:{port}/"
    return settings.ARGOS_PACKAGE_INDEX


def test_a_local_pack_is_installed_listed_and_removed(packs_dir, tiny_packs):
    output = run("install", "--from-file", str(tiny_packs[("de", "en")]))

    assert "Installing German → English (de→en) 0.1" in output
    assert f"Installed German → English (de → en) 0.1 in {packs_dir / 'translate-de_en'}" in output
    assert [(p.from_code, p.to_code) for p in argos.installed_packs()] == [("de", "en")]

    listing = run("list", "--installed-only")
    assert f"Installed translation packs in {packs_dir}:" in listing
    assert "de → en" in listing
    assert "German → English  0.1" in listing

    assert "Removed German → English (de → en) 0.1" in run("remove", "de", "en")
    assert argos.installed_packs() == []
    assert "No translation packs are installed" in run("list", "--installed-only")


def test_two_packs_through_english_are_listed_as_a_pair(packs_dir, tiny_packs):
    run("install", "--from-file", str(tiny_packs[("de", "en")]))
    run("install", "--from-file", str(tiny_packs[("en", "zh")]))

    assert "Also through English: de→zh (via en)" in run("list", "--installed-only")


def test_installing_a_pair_again_replaces_the_old_pack(packs_dir, tiny_packs, tmp_path):
    newer = build_pack("de", "en", tmp_path, version="0.2")
    run("install", "--from-file", str(tiny_packs[("de", "en")]))

    output = run("install", "--from-file", str(newer))

    assert "Replacing translate-de_en 0.1" in output
    assert [p.version for p in argos.installed_packs()] == ["0.2"]
    assert [p.name for p in packs_dir.iterdir()] == ["translate-de_en"]


def test_a_pack_is_installed_from_the_package_index_when_it_is_reachable(packs_dir, package_index, db):
    output = run("install", "de", "en")

    assert f"Fetching the package index from {package_index}index.json" in output
    assert "Downloading German → English 0.1" in output
    assert "Installed German → English (de → en) 0.1" in output
    assert translate("hallo welt", "de", "en").text == "hello world"
    assert [p.name for p in packs_dir.iterdir()] == ["translate-de_en"]  # no download left behind


def test_list_shows_what_the_reachable_index_offers(packs_dir, package_index):
    output = run("list")

    assert "On the Argos package index:" in output
    assert "de → en" in output
    assert "German → English  0.1  (not installed)" in output


def test_a_pair_the_index_does_not_offer_is_a_clear_error(packs_dir, package_index):
    with pytest.raises(CommandError, match="The Argos package index has no pack for fr→en"):
        run("install", "fr", "en")


def test_without_internet_install_fails_clearly_and_suggests_a_file(packs_dir, unreachable_index):
    with pytest.raises(CommandError) as error:
        run("install", "de", "en")

    message = str(error.value)
    assert f"The Argos package index at {unreachable_index}index.json cannot be reached" in message
    assert "install --from-file PATH.argosmodel" in message
    assert argos.installed_packs() == []


def test_without_internet_list_still_lists_the_installed_packs(packs_dir, tiny_packs, unreachable_index):
    run("install", "--from-file", str(tiny_packs[("de", "en")]))

    output = run("list")

    assert "de → en" in output
    assert "cannot be reached" in output
    assert "Only installed packs are listed." in output


@pytest.mark.parametrize(
    ("members", "error"),
    [
        ({"pack/metadata.json": "{}"}, "no valid from_code/to_code"),
        ({"pack/README.md": "hi"}, "has no pack/metadata.json"),
        ({"metadata.json": "{}"}, "one folder with the pack, not loose files"),
        ({"../evil/metadata.json": "{}"}, "unsafe path"),
        ({"a/metadata.json": "{}", "b/metadata.json": "{}"}, "exactly one folder"),
        ({"pack/metadata.json": "{not json"}, "metadata.json is not valid JSON"),
        (
            {
                "pack/metadata.json": json.dumps({"from_code": "de", "to_code": "en"}),
                "pack/sentencepiece.model": "",
            },
            "has no CTranslate2 model",
        ),
        (
            {"pack/metadata.json": json.dumps({"type": "sbd", "from_code": "de", "to_code": "en"})},
            "not a translation pack",
        ),
    ],
)
def test_a_broken_pack_file_is_refused_and_nothing_is_installed(packs_dir, tmp_path, members, error):
    path = tmp_path / "broken.argosmodel"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    with pytest.raises(CommandError, match=error):
        run("install", "--from-file", str(path))

    assert argos.installed_packs() == []
    assert not [p for p in packs_dir.iterdir() if not p.name.startswith(".download")]


def test_a_file_that_is_not_a_zip_or_missing_is_refused(packs_dir, tmp_path):
    (tmp_path / "model.argosmodel").write_text("hello")

    with pytest.raises(CommandError, match=r"is not an Argos pack: an \.argosmodel file is a zip archive"):
        run("install", "--from-file", str(tmp_path / "model.argosmodel"))
    with pytest.raises(CommandError, match="does not exist"):
        run("install", "--from-file", str(tmp_path / "nothing.argosmodel"))


def test_wrong_arguments_are_explained(packs_dir, tiny_packs):
    with pytest.raises(CommandError, match="Name the pair to install"):
        run("install")
    with pytest.raises(CommandError, match="not both"):
        run("install", "de", "en", "--from-file", str(tiny_packs[("de", "en")]))
    with pytest.raises(CommandError, match="No pack is installed for de→fr"):
        run("remove", "de", "fr")
