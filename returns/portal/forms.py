"""Forms of the returns portal: the order look-up and the return of an order's items.

The return form is built for one order: for every line that may come back, a tick box,
quantity, reason, condition, comment, photos and (for an exchange) the variant wanted; and
one resolution for the whole return. Only the ticked lines are checked, and each error is
shown beside its own field, so the rest of the form keeps what the customer typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import OrderLine, Product
from returns.models import ItemCondition, Resolution, ReturnReason
from returns.portal.photos import ACCEPT, photos_clean
from returns.services.eligibility import LineEligibility
from returns.services.photos import PhotoInput
from returns.services.requests import ReturnLineInput


class PortalForm(forms.Form):
    """Labels without a colon: each sits above its field on a phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LookupForm(PortalForm):
    order_number = forms.CharField(
        label=gettext_lazy("Order number"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    proof = forms.CharField(
        label=gettext_lazy("E-mail address or postal code"),
        max_length=254,
        help_text=gettext_lazy(
            "The e-mail address you ordered with, or the postal code the order was sent to."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Any number of files; what they are is checked by ``photos_clean`` for ticked lines only."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": ACCEPT, "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [item for item in files if item]


@dataclass
class LineRow:
    """One order line on the page: what it is, whether it may come back, and its fields."""

    order_line: OrderLine
    eligibility: LineEligibility
    fields: dict[str, forms.BoundField]
    prefix: str

    @property
    def photos_for(self) -> list[str]:
        """The reasons, in words, for which this item needs photos."""
        required = self.eligibility.photos_required_reasons
        return [str(label) for value, label in ReturnReason.choices if value in required]

    @property
    def exchange_options(self) -> list[Product]:
        return self.eligibility.exchange_options


def line_prefix(order_line: OrderLine) -> str:
    return f"l{order_line.pk}"


# What each resolution means for the customer, in one line (the bonus is filled in).
RESOLUTION_HELP = {
    Resolution.REFUND: gettext_lazy("The money goes back to the card or account you paid with."),
    Resolution.STORE_CREDIT: gettext_lazy("A credit to spend in the shop."),
    Resolution.EXCHANGE: gettext_lazy("We send you another size or colour."),
    Resolution.KEEP_ITEM: gettext_lazy("You keep the item and get part of the price back."),
}


def _percent(value: Decimal) -> str:
    """10.00 → "10", 12.50 → "12.5"."""
    return f"{value.normalize():f}"


class ReturnItemsForm(PortalForm):
    """Which of an order's items come back, why, and how the customer wants it resolved."""

    resolution = forms.ChoiceField(label=gettext_lazy("What would you like?"), widget=forms.RadioSelect)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(
        self,
        *args: Any,
        lines: list[tuple[OrderLine, LineEligibility]],
        photos_optional: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        # Agents may leave photos out: the pictures may be in the ticket (the rules then ask for review).
        self.photos_optional = photos_optional
        offered: list[str] = []
        for order_line, eligibility in lines:
            for resolution in eligibility.resolutions:
                if resolution not in offered:
                    offered.append(resolution)
            if not eligibility.eligible:
                continue
            prefix = line_prefix(order_line)
            self.fields[f"{prefix}-selected"] = forms.BooleanField(
                label=_("Return this item"), required=False
            )
            self.fields[f"{prefix}-quantity"] = forms.TypedChoiceField(
                label=_("Quantity"),
                choices=[(n, str(n)) for n in range(1, eligibility.returnable_quantity + 1)],
                coerce=int,
                initial=eligibility.returnable_quantity,
                required=False,
            )
            self.fields[f"{prefix}-reason"] = forms.ChoiceField(
                label=_("Reason"),
                choices=[("", _("Choose a reason")), *ReturnReason.choices],
                required=False,
            )
            self.fields[f"{prefix}-condition"] = forms.ChoiceField(
                label=_("Condition"),
                choices=[("", _("Choose the condition")), *ItemCondition.choices],
                required=False,
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label=_("Comment (optional)"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}-photos"] = MultiplePhotoField(label=_("Photos"))
            if eligibility.exchange_options:
                self.fields[f"{prefix}-exchange_for"] = forms.ChoiceField(
                    label=_("Exchange for"),
                    choices=[("", _("Choose a variant"))]
                    + [(str(product.pk), product.title) for product in eligibility.exchange_options],
                    required=False,
                )
        order = list(Resolution.values)
        offered.sort(key=order.index)
        self.offered = offered
        cast(forms.ChoiceField, self.fields["resolution"]).choices = [
            (value, Resolution(value).label) for value in offered
        ]
        if offered:
            self.fields["resolution"].initial = offered[0]
        self.chosen: list[ReturnLineInput] = []

    # --- for the template ------------------------------------------------------------------

    def rows(self) -> list[LineRow]:
        rows = []
        for order_line, eligibility in self.lines:
            prefix = line_prefix(order_line)
            fields = {
                name.split("-", 1)[1]: self[name] for name in self.fields if name.startswith(f"{prefix}-")
            }
            rows.append(LineRow(order_line=order_line, eligibility=eligibility, fields=fields, prefix=prefix))
        return rows

    def resolution_options(self) -> list[dict[str, Any]]:
        """The resolutions offered, with what each means and any store-credit bonus."""
        bonus = max(
            (
                e.policy.store_credit_bonus_percent
                for _line, e in self.lines
                if e.eligible and e.policy is not None
            ),
            default=Decimal(0),
        )
        keep = max(
            (
                e.policy.keep_item_refund_percent
                for _l, e in self.lines
                if e.eligible and e.policy is not None
            ),
            default=Decimal(0),
        )
        options = []
        for value in self.offered:
            label = Resolution(value).label
            help_text = str(RESOLUTION_HELP.get(Resolution(value), ""))
            if value == Resolution.STORE_CREDIT and bonus > 0:
                help_text = _("A credit to spend in the shop, with a bonus of %(percent)s%%.") % {
                    "percent": _percent(bonus)
                }
            elif value == Resolution.KEEP_ITEM and keep > 0:
                help_text = _("You keep the item and get %(percent)s%% of its price back.") % {
                    "percent": _percent(keep)
                }
            options.append({"value": value, "label": label, "help": help_text, "bonus": bonus})
        return options

    @property
    def any_eligible(self) -> bool:
        return any(eligibility.eligible for _line, eligibility in self.lines)

    # --- checks -------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        resolution = cleaned.get("resolution", "")
        chosen: list[ReturnLineInput] = []
        for order_line, eligibility in self.lines:
            prefix = line_prefix(order_line)
            if not eligibility.eligible or not cleaned.get(f"{prefix}-selected"):
                continue
            line = self._clean_line(order_line, eligibility, prefix, cleaned, resolution)
            if line is not None:
                chosen.append(line)
        if not chosen and not self.errors:
            raise ValidationError(_("Tick at least one item to return."), code="nothing_chosen")
        self.chosen = chosen
        return cleaned

    def _clean_line(
        self,
        order_line: OrderLine,
        eligibility: LineEligibility,
        prefix: str,
        cleaned: dict[str, Any],
        resolution: str,
    ) -> ReturnLineInput | None:
        ok = True

        def refuse(field: str, message: str) -> None:
            nonlocal ok
            ok = False
            self.add_error(f"{prefix}-{field}", message)

        quantity = cleaned.get(f"{prefix}-quantity")
        if not quantity:
            refuse("quantity", _("Choose how many."))
        reason = cleaned.get(f"{prefix}-reason", "")
        if not reason:
            refuse("reason", _("Choose a reason."))
        condition = cleaned.get(f"{prefix}-condition", "")
        if not condition:
            refuse("condition", _("Choose the condition of the item."))
        if resolution and resolution not in eligibility.resolutions:
            ok = False
            self.add_error(
                "resolution",
                _("“%(option)s” is not offered for “%(title)s”.")
                % {"option": Resolution(resolution).label, "title": order_line.title},
            )
        if (
            resolution == Resolution.KEEP_ITEM
            and reason
            and eligibility.keep_item_reasons
            and reason not in eligibility.keep_item_reasons
        ):
            refuse(
                "reason",
                _("Keeping the item is not offered for “%(reason)s”.")
                % {"reason": ReturnReason(reason).label},
            )
        exchange_for: Product | None = None
        if resolution == Resolution.EXCHANGE and f"{prefix}-exchange_for" in self.fields:
            wanted = cleaned.get(f"{prefix}-exchange_for", "")
            exchange_for = next((p for p in eligibility.exchange_options if str(p.pk) == wanted), None)
            if exchange_for is None:
                refuse("exchange_for", _("Choose the variant you want instead."))
        uploads = cleaned.get(f"{prefix}-photos") or []
        photos: list[PhotoInput] = []
        try:
            photos = photos_clean(uploads)
        except ValidationError as error:
            ok = False
            self.add_error(f"{prefix}-photos", error)
        else:
            if reason in eligibility.photos_required_reasons and not photos and not self.photos_optional:
                refuse(
                    "photos",
                    _("Please add at least one photo: we need to see the item for “%(reason)s”.")
                    % {"reason": ReturnReason(reason).label},
                )
        if not ok:
            return None
        return ReturnLineInput(
            order_line=order_line,
            quantity=int(quantity or 0),
            reason=reason,
            condition=condition,
            comment=cleaned.get(f"{prefix}-comment", "").strip(),
            exchange_for=exchange_for,
            photos=photos,
        )
