"""List, install and remove the Argos Translate language packs the helpdesk translates with."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from helpdesk.nlp import argos
from helpdesk.nlp.translation import Translator, argos_codes, project_code

OFFLINE_HINT = (
    "On a machine without internet, download the .argosmodel file on another machine (the "
    "pack's `links` in https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json) "
    "and install it with:\n"
    "  manage.py translation_packs install --from-file PATH.argosmodel"
)


class Command(BaseCommand):
    help = (
        "List, install and remove the language packs used to translate messages. Packs live in "
        "ARGOS_PACKAGES_DIR (default var/argos-packages). `install FROM TO` downloads from the Argos "
        "package index and needs internet; `install --from-file PATH` installs a local .argosmodel. "
        "Exits 1 on any error."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,install,remove}")
        listing = actions.add_parser(
            "list", help="installed packs, and those on the index when it is reachable"
        )
        listing.add_argument("--installed-only", action="store_true", help="do not ask the package index")
        listing.add_argument("--timeout", type=float, default=10, help="seconds to wait for the index (10)")
        install = actions.add_parser("install", help="install a pack from the index or from a file")
        install.add_argument("from_code", nargs="?", metavar="FROM", help="source language, e.g. de")
        install.add_argument("to_code", nargs="?", metavar="TO", help="target language, e.g. en")
        install.add_argument("--from-file", type=Path, metavar="PATH", help="a local .argosmodel file")
        install.add_argument("--timeout", type=float, default=60, help="seconds to wait for the network (60)")
        remove = actions.add_parser("remove", help="remove an installed pack")
        remove.add_argument("from_code", metavar="FROM")
        remove.add_argument("to_code", metavar="TO")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "list":
                self._list(installed_only=options["installed_only"], timeout=options["timeout"])
            elif action == "install":
                self._install(options)
            else:
                self._remove(options["from_code"], options["to_code"])
        except argos.PackIndexUnreachable as error:
            raise CommandError(f"{error.message}\n{OFFLINE_HINT}") from None
        except argos.PackError as error:
            raise CommandError(error.message) from None

    def _list(self, *, installed_only: bool, timeout: float) -> None:
        packs = argos.installed_packs()
        directory = argos.packages_dir()
        if packs:
            self.stdout.write(f"Installed translation packs in {directory}:")
            for pack in packs:
                self.stdout.write(f"  {self._pair(pack.from_code, pack.to_code):<16}{self._describe(pack)}")
            through = [pair for pair in Translator().available_pairs() if pair.pivot]
            if through:
                self.stdout.write(f"Also through English: {', '.join(str(pair) for pair in through)}")
        else:
            self.stdout.write(
                f"No translation packs are installed in {directory}: messages are shown in their "
                "original language.\nInstall one with `manage.py translation_packs install FROM TO` "
                "(needs internet) or `install --from-file PATH.argosmodel`."
            )
        if installed_only:
            return
        try:
            available = argos.available_packs(timeout=timeout)
        except argos.PackIndexUnreachable as error:
            self.stdout.write(f"{error.message} Only installed packs are listed.")
            return
        installed = {(pack.from_code, pack.to_code): pack for pack in packs}
        self.stdout.write("On the Argos package index:")
        for candidate in sorted(available, key=lambda p: (p.from_code, p.to_code)):
            mine = installed.get((candidate.from_code, candidate.to_code))
            state = f"installed {mine.version}" if mine else "not installed"
            self.stdout.write(
                f"  {self._pair(candidate.from_code, candidate.to_code):<16}"
                f"{candidate.from_name} → {candidate.to_name}  {candidate.package_version}  ({state})"
            )

    def _install(self, options: dict[str, Any]) -> None:
        path, from_code, to_code = options["from_file"], options["from_code"], options["to_code"]
        if path is not None:
            if from_code or to_code:
                raise CommandError("Give either FROM TO (from the index) or --from-file PATH, not both.")
            self.stdout.write(f"Checking {path}")
            result = argos.pack_install_from_file(path, progress=self.stdout.write)
        else:
            if not (from_code and to_code):
                raise CommandError(
                    "Name the pair to install (e.g. `install de en`) or give --from-file PATH."
                )
            result = self._install_from_index(from_code, to_code, timeout=options["timeout"])
        pack = result.pack
        self.stdout.write(
            self.style.SUCCESS(
                f"Installed {pack.from_name} → {pack.to_name} ({self._pair(pack.from_code, pack.to_code)}) "
                f"{pack.version} in {pack.path}"
            )
        )

    def _install_from_index(self, from_code: str, to_code: str, *, timeout: float) -> argos.PackInstall:
        candidates = [(a, b) for a in argos_codes(from_code) for b in argos_codes(to_code)]
        for index, (source, target) in enumerate(candidates):
            try:
                return argos.pack_install_from_index(
                    from_code=source, to_code=target, timeout=timeout, progress=self.stdout.write
                )
            except argos.PackIndexUnreachable:
                raise
            except argos.PackError:
                if index == len(candidates) - 1:
                    raise
        raise CommandError(f"No pack for {from_code}→{to_code}.")  # pragma: no cover - no candidates

    def _remove(self, from_code: str, to_code: str) -> None:
        for source in argos_codes(from_code):
            for target in argos_codes(to_code):
                if argos.find_pack(source, target) is not None:
                    pack = argos.pack_remove(from_code=source, to_code=target)
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"Removed {pack.from_name} → {pack.to_name} ({self._pair(source, target)}) {pack.version}"
                        )
                    )
                    return
        raise CommandError(
            f"No pack is installed for {from_code}→{to_code}. `manage.py translation_packs list` shows those that are."
        )

    @staticmethod
    def _pair(from_code: str, to_code: str) -> str:
        return f"{project_code(from_code)} → {project_code(to_code)}"

    @staticmethod
    def _describe(pack: argos.Pack) -> str:
        return f"{pack.from_name} → {pack.to_name}  {pack.version}  ({pack.path.name}/)"
