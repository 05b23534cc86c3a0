"""Triage JSON Lines from stdin: one result line per input line (see README, "Triage models")."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from helpdesk.nlp import analyse_message, loading


class Command(BaseCommand):
    help = (
        'Read JSON Lines ({"text": ..., "subject": ...}) on stdin and write one JSON line per input with '
        "language, intent, sentiment, anger and entities. A line that cannot be read gets an error object."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loading.get("intent", bundled=False)
        except loading.ModelNotTrainedError as error:
            raise CommandError(str(error)) from error
        stdin = getattr(self, "stdin", None) or sys.stdin
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            self.stdout.write(json.dumps(self._one(number, line), ensure_ascii=False))
            self.stdout.flush()

    def _one(self, number: int, line: str) -> dict[str, Any]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return {"line": number, "error": f"invalid JSON: {error.msg}"}
        if not isinstance(item, dict):
            return {"line": number, "error": "expected a JSON object"}
        text, subject = item.get("text"), item.get("subject") or ""
        if not isinstance(text, str) or not isinstance(subject, str):
            return {"line": number, "error": '"text" (and "subject" if given) must be strings'}
        result: dict[str, Any] = {"line": number}
        if "id" in item:
            result["id"] = item["id"]
        result.update(analyse_message(text, subject))
        return result
