"""The late-parcel choice: a public page, reached by a signed link, where the customer picks
wait with a coupon, a faster reship, or a full refund.

No login: the link is the key (signed, salted, valid 30 days). The answer is recorded once
(``compensation_offer_accept`` locks the offer); a second submit, or the page in a second
tab, shows the choice already made. A changed, made-up or expired link gets a page that says
so, never an error.
"""

from __future__ import annotations

import re

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customers.models import Store
from customers.selectors import store_public_languages
from helpdesk.exceptions import ApplicationError
from returns.models import CompensationOffer
from returns.services.compensation import compensation_offer_accept, compensation_offer_from_token

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_TOKEN_CHARS = 500


@require_http_methods(["GET", "POST"])
def compensation_choice(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > MAX_TOKEN_CHARS:
        return _invalid(request, status=404)
    try:
        offer = compensation_offer_from_token(token=token)
    except signing.SignatureExpired:
        return _expired(request, token)
    except (signing.BadSignature, CompensationOffer.DoesNotExist, ValueError):
        return _invalid(request, status=404)
    if offer.kind != CompensationOffer.Kind.CHOICE:
        return _invalid(request, status=404)
    language = _language(request, offer)
    with translation.override(language):
        error, status = "", 200
        if request.method == "POST":
            try:
                answer = compensation_offer_accept(offer=offer, option=request.POST.get("option", ""))
            except ApplicationError as exc:
                error, status = exc.message, 400
            else:
                url = reverse("compensation:choice", args=[token]) + f"?lang={language}"
                return redirect(url if answer.recorded else url + "&already=1")
            offer.refresh_from_db()
        return render(
            request,
            "returns/choice.html",
            _page(
                offer.order.store,
                language,
                _languages(offer),
                offer=offer,
                options=_options(offer),
                chosen=offer.chosen_option,
                already=request.GET.get("already") == "1" and bool(offer.chosen_option),
                closed=offer.status in (CompensationOffer.Status.DECLINED, CompensationOffer.Status.EXPIRED),
                delay_days=offer.terms.get("delay_days") or 0,
                error=error,
            ),
            status=status,
        )


def _options(offer: CompensationOffer) -> list[dict[str, str]]:
    """Each option the offer holds, with what it means for the customer, in their language."""
    terms = offer.terms or {}
    currency = offer.currency
    carrier = str(terms.get("carrier_name") or "")
    texts = {
        "wait_with_coupon": (
            _("Wait for the parcel, with a coupon"),
            _("Keep waiting for your parcel, and get a coupon worth %(value)s for your next order.")
            % {"value": f"{terms.get('coupon', '')} {currency}"},
        ),
        "reship_express": (
            _("Send it again, faster"),
            (
                _("We send your order again now with %(carrier)s, a faster service.") % {"carrier": carrier}
                if carrier
                else _("We send your order again now with a faster service.")
            ),
        ),
        "full_refund": (
            _("A full refund"),
            _("We refund %(value)s to your original payment method.")
            % {"value": f"{terms.get('refund', '')} {currency}"},
        ),
    }
    return [
        {"code": code, "title": texts[code][0], "text": texts[code][1]}
        for code in offer.options or []
        if code in texts
    ]


def _language(request: HttpRequest, offer: CompensationOffer) -> str:
    languages = _languages(offer)
    wanted = request.GET.get("lang", "")
    return wanted if wanted in languages else languages[0]


def _languages(offer: CompensationOffer) -> list[str]:
    """The customer's language first (when the helpdesk ships it), then the store's public ones."""
    preferred = [
        offer.customer.language if offer.customer is not None else "",
        offer.ticket.language if offer.ticket is not None else "",
    ]
    found: list[str] = []
    for code in filter(None, preferred):
        try:
            found.append(translation.get_supported_language_variant(code))
        except LookupError:
            continue
    found.extend(store_public_languages(store=offer.order.store))
    return list(dict.fromkeys(found))


def _expired(request: HttpRequest, token: str) -> HttpResponse:
    """Past 30 days: the signature is still ours, so the page can speak the customer's language."""
    try:
        offer = compensation_offer_from_token(token=token, max_age=None)
    except (signing.BadSignature, CompensationOffer.DoesNotExist, ValueError):
        return _invalid(request, status=410, expired=True)
    language = _language(request, offer)
    with translation.override(language):
        return render(
            request,
            "returns/choice_invalid.html",
            _page(offer.order.store, language, _languages(offer), expired=True),
            status=410,
        )


def _invalid(request: HttpRequest, *, status: int, expired: bool = False) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        return render(
            request, "returns/choice_invalid.html", _page(None, language, [], expired=expired), status=status
        )


def _page(store: Store | None, language: str, languages: list[str], **context: object) -> dict[str, object]:
    colour = store.brand_color if store is not None else ""
    return {
        "store": store,
        "brand_color": colour if COLOUR.match(colour or "") else "#1f6feb",
        "language": language,
        "languages": [translation.get_language_info(code) for code in languages],
        **context,
    }
