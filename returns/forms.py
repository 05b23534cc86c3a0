"""Agents' forms on the return page: approve or reject with a reason, and the inspection."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from returns.models import ReturnLine, ReturnRequest
from returns.portal.forms import MultiplePhotoField
from returns.portal.photos import photos_clean
from returns.services.photos import PhotoInput

# The reasons agents give most, offered in the customer's language and editable before sending.
APPROVE_REASONS = {
    "after_review": pgettext_lazy(
        "return decision", "We checked your return and approved it. Your return label is ready."
    ),
    "goodwill": pgettext_lazy(
        "return decision",
        "Although this falls outside our usual rules, we approve your return as a goodwill gesture.",
    ),
}
REJECT_REASONS = {
    "window": pgettext_lazy(
        "return decision", "The return window for this item has ended, so we cannot accept the return."
    ),
    "condition": pgettext_lazy(
        "return decision", "The item has been used or is not in a condition we can take back."
    ),
    "photos": pgettext_lazy(
        "return decision",
        "The photos do not show the damage described. Please reply with clearer photos and we will look again.",
    ),
    "final_sale": pgettext_lazy(
        "return decision", "This item was sold as final sale and cannot be returned."
    ),
    "history": pgettext_lazy(
        "return decision",
        "We cannot accept this return. Please reply to this message if you would like to talk about it.",
    ),
}


def reason_choices(reasons: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """The reason templates as (key, text) in ``language`` (the customer's)."""
    with translation.override(language or None):
        return [(key, str(text)) for key, text in reasons.items()]


class DecisionForm(forms.Form):
    """Approve or reject: a reason template (in the customer's language), edited freely."""

    template = forms.ChoiceField(label=gettext_lazy("Reason template"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Message to the customer"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, reasons: dict[str, Any], language: str, note_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.templates = dict(reason_choices(reasons, language))
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            ("", _("Write my own")),
            *self.templates.items(),
        ]
        self.note_required = note_required

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        note = (cleaned.get("note") or "").strip()
        if not note and cleaned.get("template"):
            # Without scripts the select does not fill the text in: the template is the note.
            note = self.templates.get(cleaned["template"], "")
        if not note and self.note_required:
            raise ValidationError(_("Say why the return is rejected; the customer will read it."))
        cleaned["note"] = note
        return cleaned


class InspectionForm(forms.Form):
    """Passed or failed, notes and photos for every line of a received return."""

    RESULTS = [("passed", gettext_lazy("Passed")), ("failed", gettext_lazy("Failed"))]

    def __init__(self, *args: Any, lines: list[ReturnLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line-{line.pk}-result"] = forms.ChoiceField(
                label=_("Result"), choices=self.RESULTS, widget=forms.RadioSelect
            )
            self.fields[f"line-{line.pk}-notes"] = forms.CharField(
                label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"line-{line.pk}-photos"] = MultiplePhotoField(label=_("Photos"))
        self.results: dict[int, tuple[bool, str]] = {}
        self.photos: dict[int, list[PhotoInput]] = {}

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "line": line,
                "result": self[f"line-{line.pk}-result"],
                "notes": self[f"line-{line.pk}-notes"],
                "photos": self[f"line-{line.pk}-photos"],
            }
            for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for line in self.lines:
            result = cleaned.get(f"line-{line.pk}-result")
            if result:
                self.results[line.pk] = (result == "passed", cleaned.get(f"line-{line.pk}-notes", ""))
            try:
                self.photos[line.pk] = photos_clean(cleaned.get(f"line-{line.pk}-photos") or [])
            except ValidationError as error:
                self.add_error(f"line-{line.pk}-photos", error)
        return cleaned


def decision_forms(return_request: ReturnRequest, data: Any = None) -> tuple[DecisionForm, DecisionForm]:
    """The approve and reject forms of a return, with its customer's reason templates."""
    language = return_request.customer_language or return_request.store.default_language
    approve = DecisionForm(
        data, reasons=APPROVE_REASONS, language=language, note_required=False, prefix="approve"
    )
    reject = DecisionForm(
        data, reasons=REJECT_REASONS, language=language, note_required=True, prefix="reject"
    )
    return approve, reject
