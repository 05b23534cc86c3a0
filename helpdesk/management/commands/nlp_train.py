"""Train the triage models: intent, sentiment and anger (see README, "Triage models")."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from helpdesk.nlp import artefacts, external, training
from helpdesk.nlp.corrections import CorrectionStats, iter_corrections, read_jsonl

MODELS = ("intent", "sentiment", "anger")


class Command(BaseCommand):
    help = (
        "Train the intent, sentiment and anger classifiers into NLP_MODELS_DIR "
        "(var/models/<name>-<version>/). Without the public data sets (NLP_DATA_DIR) the "
        "sentiment and anger models bundled in the repository are installed instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", choices=MODELS, help="Train only this model (repeatable)."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Skip a model whose artefact for the current data and configuration already exists.",
        )
        parser.add_argument("--output", type=Path, help="Where to write artefacts (default: NLP_MODELS_DIR).")
        parser.add_argument("--data", type=Path, help="Public data sets (default: NLP_DATA_DIR).")
        parser.add_argument(
            "--corrections",
            type=Path,
            help="Agents' corrections, JSON Lines (default: NLP_CORRECTIONS_FILE).",
        )
        parser.add_argument(
            "--time-budget",
            type=float,
            help="Seconds per model after which training stops at the end of the current epoch "
            "(at least one epoch always runs).",
        )
        parser.add_argument(
            "--bundle",
            action="store_true",
            help="Maintainers: also copy the trained sentiment and anger models into helpdesk/nlp/bundled/.",
        )
        parser.add_argument(
            "--refresh-bitext",
            action="store_true",
            help="Maintainers: rewrite helpdesk/nlp/data/bitext/ from the Bitext CSV under --data first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = (options["output"] or Path(settings.NLP_MODELS_DIR)).resolve()
        data_root: Path = (options["data"] or Path(settings.NLP_DATA_DIR)).resolve()
        only = options["only"] or list(MODELS)
        force = not options["if_missing"]
        budget = options["time_budget"]
        quiet = options["verbosity"] == 0
        started = time.monotonic()

        if options["refresh_bitext"]:
            try:
                rows = external.refresh_bitext(data_root)
            except FileNotFoundError as error:
                raise CommandError(f"Bitext CSV not found: {error.filename}") from error
            self.stdout.write(f"Bitext: {rows} mapped rows written to helpdesk/nlp/data/bitext/")

        stats = CorrectionStats()
        if options["corrections"]:
            if not options["corrections"].is_file():
                raise CommandError(f"Corrections file not found: {options['corrections']}")
            corrections = list(read_jsonl(options["corrections"], stats))
        else:
            corrections = list(iter_corrections(stats))
        if stats.read or stats.skipped:
            self.stdout.write(f"Agent corrections: {stats.read} used, {stats.skipped} skipped (invalid)")

        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if quiet:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total, desc=f"{stage:9}", unit="batch", leave=True, file=self.stderr
                )
            bar.update(done - bar.n)

        results = []
        for name in MODELS:
            if name not in only:
                continue
            if not quiet:
                self.stdout.write(f"{name}: preparing data…")
            if name == "intent":
                result = training.train_intent(
                    root=root,
                    corrections=corrections,
                    progress=progress,
                    time_budget=budget,
                    force=force,
                    config=training.INTENT_CONFIG,
                )
            elif name == "sentiment":
                result = training.train_sentiment(
                    root=root, data_root=data_root, progress=progress, time_budget=budget, force=force
                )
            else:
                result = training.train_anger(
                    root=root, data_root=data_root, progress=progress, time_budget=budget, force=force
                )
            if name in bars:
                bars[name].close()
            results.append(result)
            self._report(result)
            if options["bundle"] and name in {"sentiment", "anger"} and result.status == "trained":
                self._bundle(result)

        if not any(r.artefact for r in results if r.name == "intent") and "intent" in only:
            raise CommandError("The intent model could not be trained.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s; artefacts in {root}")

    def _report(self, result: training.TrainResult) -> None:
        line = f"{result.name}: {result.status}"
        if result.artefact:
            line += f" → {result.artefact.path.name}"
            metrics = result.artefact.manifest.get("metrics") or {}
            if result.status == "trained":
                line += f" in {result.seconds:.1f} s"
            if metrics:
                line += " (" + ", ".join(f"{k} {v:.3f}" for k, v in sorted(metrics.items())) + ")"
        for note in result.notes:
            line += f"\n  {note}"
        self.stdout.write(line)

    def _bundle(self, result: training.TrainResult) -> None:
        assert result.artefact is not None
        for old in artefacts.BUNDLED_DIR.glob(f"{result.name}-*"):
            shutil.rmtree(old)
        artefacts.BUNDLED_DIR.mkdir(exist_ok=True)
        shutil.copytree(result.artefact.path, artefacts.BUNDLED_DIR / result.artefact.path.name)
        self.stdout.write(f"  bundled into helpdesk/nlp/bundled/{result.artefact.path.name}")
