"""argostranslate configured for this project: language packs on disk and their loaded models.

argostranslate reads its configuration once, when it is first imported, from environment
variables and from ``~/.config/argos-translate/settings.json``, and creates folders in the
user's home directory at that moment. This module imports it once per process with an
environment that puts those folders under ``VAR_DIR/argos`` (so a user's own Argos settings
cannot change the helpdesk's behaviour), then keeps argostranslate's module settings in step
with the Django settings ``ARGOS_PACKAGES_DIR``, ``ARGOS_PACKAGE_INDEX`` and
``TRANSLATION_THREADS`` each time it is used.

Loaded models and sentence splitting: ``helpdesk.nlp.argos_models``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from django.conf import settings

from helpdesk.exceptions import ApplicationError

logger = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
# A pack's metadata names its languages with ISO 639 codes (Argos adds "zt", "pb"): keep them
# plain so they are safe in folder names and command lines.
ARGOS_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")
MAX_PACK_BYTES = 4 * 1024**3  # the largest real packs are a few hundred MB unpacked

# Held while importing argostranslate, installing or removing packs, and loading models.
argos_lock = threading.RLock()


class PackError(ApplicationError):
    """A language pack cannot be installed, found or removed; the message says why."""


class PackIndexUnreachable(PackError):
    """The Argos package index cannot be fetched (no internet, proxy, index down)."""


@dataclass(frozen=True)
class Pack:
    """An installed translation pack (one direction, e.g. de→en)."""

    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    path: Path
    mtime_ns: int

    @property
    def name(self) -> str:
        return f"translate-{self.from_code}_{self.to_code}"

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


@dataclass(frozen=True)
class PackInstall:
    pack: Pack
    replaced: tuple[Pack, ...] = ()


# --- argostranslate, imported once with the project's configuration -------------------------


def packages_dir() -> Path:
    return Path(settings.ARGOS_PACKAGES_DIR)


def _argos_home() -> Path:
    return Path(settings.VAR_DIR) / "argos"


@contextlib.contextmanager
def _import_environment() -> Iterator[None]:
    home = _argos_home()
    values = {
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_PACKAGES_DIR": str(packages_dir()),
        # The default; "SPACY" would download a spaCy model while importing.
        "ARGOS_CHUNK_TYPE": "DEFAULT",
        "ARGOS_MODEL_PROVIDER": "OPENNMT",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _import(name: str) -> ModuleType:
    with argos_lock:
        if "argostranslate.settings" not in sys.modules:
            with _import_environment():
                module = importlib.import_module(name)
        else:
            module = importlib.import_module(name)
        # argostranslate logs every step (with the text) at INFO on its own logger.
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        _configure()
        return module


def argos_package() -> ModuleType:
    """``argostranslate.package`` (cheap: no model, no Stanza)."""
    return _import("argostranslate.package")


def argos_translate() -> ModuleType:
    """``argostranslate.translate`` (imports Stanza and torch: seconds, once per process)."""
    return _import("argostranslate.translate")


def _configure() -> Any:
    """argostranslate's settings module, in step with the Django settings (its configuration
    is module attributes, read when used)."""
    argos_settings: Any = importlib.import_module("argostranslate.settings")
    directory = packages_dir()
    argos_settings.package_data_dir = directory
    argos_settings.package_dirs = [directory]
    argos_settings.intra_threads = settings.TRANSLATION_THREADS
    argos_settings.chunk_type = argos_settings.ChunkType.ARGOSTRANSLATE
    argos_settings.model_provider = argos_settings.ModelProvider.OPENNMT
    index = settings.ARGOS_PACKAGE_INDEX or DEFAULT_INDEX
    argos_settings.package_index = index if index.endswith("/") else index + "/"
    argos_settings.remote_package_index = argos_settings.package_index + "index.json"
    return argos_settings


def argos_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("argostranslate")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


# --- installed packs ------------------------------------------------------------------------


def installed_packs() -> list[Pack]:
    """The translation packs in ``ARGOS_PACKAGES_DIR``; reads their metadata only."""
    directory = packages_dir()
    if not directory.is_dir():
        return []
    packs = []
    for child in sorted(directory.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        pack = _read_pack(child)
        if pack is not None:
            packs.append(pack)
    return packs


def _read_pack(path: Path) -> Pack | None:
    metadata_path = path / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        mtime_ns = metadata_path.stat().st_mtime_ns
    except (OSError, ValueError) as error:
        logger.warning("Ignoring %s: no readable metadata.json (%s)", path, error)
        return None
    try:
        return _pack_from_metadata(metadata, path=path, mtime_ns=mtime_ns)
    except PackError as error:
        logger.warning("Ignoring %s: %s", path, error.message)
        return None


def _pack_from_metadata(metadata: object, *, path: Path, mtime_ns: int = 0) -> Pack:
    if not isinstance(metadata, dict):
        raise PackError("metadata.json is not a JSON object.")
    if metadata.get("type", "translate") != "translate":
        raise PackError(f"it is a {metadata.get('type')!r} package, not a translation pack.")
    codes = metadata.get("from_code"), metadata.get("to_code")
    if not all(isinstance(code, str) and ARGOS_CODE.match(code) for code in codes):
        raise PackError(f"metadata.json names no valid from_code/to_code (got {codes[0]!r}, {codes[1]!r}).")
    return Pack(
        from_code=str(codes[0]),
        to_code=str(codes[1]),
        from_name=str(metadata.get("from_name") or codes[0]),
        to_name=str(metadata.get("to_name") or codes[1]),
        version=str(metadata.get("package_version") or ""),
        path=path,
        mtime_ns=mtime_ns,
    )


def find_pack(from_code: str, to_code: str) -> Pack | None:
    return next((p for p in installed_packs() if (p.from_code, p.to_code) == (from_code, to_code)), None)


def pack_remove(*, from_code: str, to_code: str) -> Pack:
    pack = find_pack(from_code, to_code)
    if pack is None:
        raise PackError(f"No pack is installed for {from_code}→{to_code}.")
    with argos_lock:
        _discard(pack.path)
    return pack


def _discard(path: Path) -> None:
    """Take a pack folder out of sight at once (a rename), then delete it."""
    hidden = Path(tempfile.mkdtemp(prefix=".removing-", dir=path.parent))
    path.rename(hidden / path.name)
    shutil.rmtree(hidden, ignore_errors=True)


def pack_install_from_file(path: Path, *, progress: Callable[[str], None] = lambda line: None) -> PackInstall:
    """Check a ``.argosmodel`` file and install it, replacing a pack for the same pair.

    The archive is unpacked into a hidden folder beside the packs and renamed into place only
    once complete, so a translating worker never sees half a pack.
    """
    path = Path(path)
    if not path.is_file():
        raise PackError(f"{path} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise PackError(f"{path.name} is not an Argos pack: an .argosmodel file is a zip archive.")
    directory = packages_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        top, metadata = _check_archive(archive, path.name)
        pack = _pack_from_metadata(metadata, path=directory)
        target = directory / pack.name  # one folder per pair, whatever the archive calls it
        progress(
            f"Installing {pack.from_name} → {pack.to_name} ({pack.from_code}→{pack.to_code}) {pack.version}"
        )
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=directory))
        try:
            archive.extractall(staging)
            with argos_lock:
                replaced = tuple(
                    p for p in installed_packs() if (p.from_code, p.to_code) == (pack.from_code, pack.to_code)
                )
                for old in replaced:
                    progress(f"Replacing {old} in {old.path.name}/")
                    _discard(old.path)
                (staging / top).rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    installed = _read_pack(target)
    if installed is None:  # pragma: no cover - checked above
        raise PackError(f"{path.name} was unpacked but cannot be read back.")
    return PackInstall(pack=installed, replaced=replaced)


def _check_archive(archive: zipfile.ZipFile, label: str) -> tuple[str, dict[str, Any]]:
    members = archive.infolist()
    tops = set()
    total = 0
    for member in members:
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            raise PackError(f"{label} contains an unsafe path: {member.filename!r}.")
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise PackError(f"{label} contains a symbolic link: {member.filename!r}.")
        if len(name.parts) < 2 and not member.is_dir():
            raise PackError(
                f"{label} must hold one folder with the pack, not loose files ({member.filename!r})."
            )
        tops.add(name.parts[0])
        total += member.file_size
    if len(tops) != 1:
        raise PackError(f"{label} must hold exactly one folder with the pack (metadata.json, model/, …).")
    if total > MAX_PACK_BYTES:
        raise PackError(f"{label} unpacks to {total} bytes, more than any real pack.")
    top = tops.pop()
    names = {m.filename.rstrip("/") for m in members}
    try:
        metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
    except KeyError:
        raise PackError(f"{label} has no {top}/metadata.json.") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise PackError(f"{label}: metadata.json is not valid JSON ({error}).") from None
    try:
        _pack_from_metadata(metadata, path=Path(top))
    except PackError as error:
        raise PackError(f"{label}: {error.message}") from None
    if f"{top}/model/model.bin" not in names:
        raise PackError(f"{label} has no CTranslate2 model ({top}/model/model.bin).")
    if not names & {f"{top}/sentencepiece.model", f"{top}/bpe.model"}:
        raise PackError(f"{label} has no tokenizer (sentencepiece.model or bpe.model).")
    return top, metadata


# --- the Argos package index (needs internet) -----------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # argostranslate logs str(args): "(URLError(...),)" -> "URLError(...)"
        self.messages.append(message[1:-2] if message.startswith("(") and message.endswith(",)") else message)


@contextlib.contextmanager
def _index_session(timeout: float) -> Iterator[tuple[ModuleType, _Capture]]:
    """argostranslate's index functions, with a network timeout, files in a scratch folder and
    their errors captured (argostranslate logs them instead of raising)."""
    package = argos_package()
    argos_settings = _configure()
    directory = packages_dir()
    directory.mkdir(parents=True, exist_ok=True)
    capture = _Capture()
    argos_logger = logging.getLogger("argostranslate.utils")
    previous_timeout = socket.getdefaulttimeout()
    saved = argos_settings.local_package_index, argos_settings.downloads_dir
    with tempfile.TemporaryDirectory(prefix=".download-", dir=directory) as scratch:
        argos_settings.local_package_index = Path(scratch) / "index.json"
        argos_settings.downloads_dir = Path(scratch)
        argos_logger.addHandler(capture)
        argos_logger.propagate = False
        socket.setdefaulttimeout(timeout)
        try:
            yield package, capture
        finally:
            socket.setdefaulttimeout(previous_timeout)
            argos_logger.removeHandler(capture)
            argos_logger.propagate = True
            argos_settings.local_package_index, argos_settings.downloads_dir = saved


def _fetch_index(package: ModuleType, capture: _Capture) -> list[Any]:
    argos_settings = importlib.import_module("argostranslate.settings")
    package.update_package_index()
    if capture.messages or not Path(argos_settings.local_package_index).exists():
        reason = capture.messages[-1] if capture.messages else "no answer"
        raise PackIndexUnreachable(
            f"The Argos package index at {argos_settings.remote_package_index} cannot be reached ({reason})."
        )
    try:
        available = package.get_available_packages()
    except ValueError as error:
        raise PackIndexUnreachable(f"The Argos package index is not valid JSON ({error}).") from None
    return [p for p in available if getattr(p, "type", "translate") == "translate"]


def available_packs(*, timeout: float = 15) -> list[Any]:
    """Translation packs on the Argos index (argostranslate ``AvailablePackage`` objects)."""
    with _index_session(timeout) as (package, capture):
        return _fetch_index(package, capture)


def pack_install_from_index(
    *, from_code: str, to_code: str, timeout: float = 60, progress: Callable[[str], None] = lambda line: None
) -> PackInstall:
    with _index_session(timeout) as (package, capture):
        progress(f"Fetching the package index from {_configure().remote_package_index}")
        available = _fetch_index(package, capture)
        match = [p for p in available if (p.from_code, p.to_code) == (from_code, to_code)]
        if not match:
            raise PackError(f"The Argos package index has no pack for {from_code}→{to_code}.")
        candidate = match[0]
        progress(f"Downloading {candidate.from_name} → {candidate.to_name} {candidate.package_version}")
        try:
            downloaded = Path(candidate.download())
        except Exception as error:
            raise PackIndexUnreachable(
                f"Downloading the {from_code}→{to_code} pack failed ({error})."
            ) from None
        progress(f"Downloaded {downloaded.stat().st_size / 1e6:.1f} MB")
        return pack_install_from_file(downloaded, progress=progress)
