"""The customer tracking page (``/track/``): public, no account.

An order is found by its number and the e-mail address it was placed with, or opened by a
signed link from a reply or a proactive notice. Every miss gets the same page after the same
minimum time, so the page tells nobody which orders exist; look-ups are rate-limited per
address and per order number. Thin views: parse, call one selector, render.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from customers.models import Store
from helpdesk.lookup_guard import LookupLimits, LookupThrottled, guarded_lookup
from helpdesk.signed_links import LinkExpired, LinkInvalid
from logistics.selectors import order_find_for_tracking, tracking_page_for
from logistics.services import links

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f6feb"


class TrackingLookupForm(forms.Form):
    order_number = forms.CharField(label=gettext_lazy("Order number"), max_length=64, strip=True)
    email = forms.EmailField(label=gettext_lazy("E-mail address used for the order"), max_length=254)


def page_language(request: HttpRequest, fallback: str = "") -> str:
    """?lang= when it is a language we ship, else the browser's Accept-Language, else
    ``fallback`` (the store's language), else the site's default."""
    wanted = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    if wanted in codes:
        return wanted
    if request.headers.get("Accept-Language"):
        return translation.get_language_from_request(request)
    try:
        return translation.get_supported_language_variant(fallback) if fallback else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


def _render(
    request: HttpRequest,
    template: str,
    language: str,
    *,
    store: Store | None = None,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    with translation.override(language):
        response = render(
            request,
            template,
            {
                "store": store,
                "brand_color": store.brand_color
                if store is not None and COLOUR.match(store.brand_color or "")
                else DEFAULT_COLOUR,
                "language": language,
                "languages": [translation.get_language_info(code) for code, _name in settings.LANGUAGES],
                **context,
            },
            status=status,
        )
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    # The signed token is in the address: it must not leak to the carrier's site or a logo host.
    # "same-origin", not "no-referrer": under no-referrer browsers send "Origin: null" with the
    # look-up form's POST, which Django's CSRF check refuses (403).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """``/track/``: order number + e-mail address; a hit opens the order's signed page."""
    language = page_language(request)
    if request.method == "GET":
        return _render(request, "logistics/public/lookup.html", language, form=TrackingLookupForm())
    form = TrackingLookupForm(request.POST)
    if not form.is_valid():
        return _render(request, "logistics/public/lookup.html", language, form=form, status=400)
    number, email = form.cleaned_data["order_number"], form.cleaned_data["email"]
    try:
        order = guarded_lookup(
            limits=_lookup_limits(),
            address=request.META.get("REMOTE_ADDR", ""),
            order_number=number,
            find=lambda: order_find_for_tracking(order_number=number, email=email),
        )
    except LookupThrottled as refusal:
        return _render(
            request,
            "logistics/public/lookup.html",
            language,
            form=TrackingLookupForm(),
            refused=refusal.message,
            status=429,
        )
    if order is None:
        # One answer, with nothing typed echoed back, for an unknown number and a wrong
        # address: the page says nothing about which orders exist or whose they are.
        return _render(
            request,
            "logistics/public/lookup.html",
            language,
            form=TrackingLookupForm(),
            refused=_(
                "We could not find an order with this number and e-mail address. "
                "Please check both; they are in your order confirmation."
            ),
            status=404,
        )
    return redirect(links.tracking_path_for(order, language=language))


def _lookup_limits() -> LookupLimits:
    return LookupLimits(
        cache_prefix="tracking-lookup",
        per_address=settings.TRACKING_LOOKUPS_PER_IP,
        per_order=settings.TRACKING_LOOKUPS_PER_ORDER,
        window_seconds=settings.TRACKING_LOOKUP_WINDOW,
        min_ms=settings.TRACKING_LOOKUP_MIN_MS,
    )


@never_cache
@require_GET
def tracking_link(request: HttpRequest, token: str) -> HttpResponse:
    """``/track/<token>/``: the parcels of the order (or the one parcel) a signed link names."""
    try:
        target = links.tracking_token_read(token)
    except LinkExpired:
        return _link_problem(request, expired=True)
    except LinkInvalid:
        return _link_problem(request, expired=False)
    page = tracking_page_for(order_id=target.order_id, shipment_id=target.shipment_id)
    if page is None:
        return _link_problem(request, expired=False)
    language = page_language(request, fallback=page.store.default_language)
    return _render(request, "logistics/public/parcels.html", language, store=page.store, page=page)


def _link_problem(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return _render(
        request,
        "logistics/public/link_problem.html",
        page_language(request),
        expired=expired,
        form=TrackingLookupForm(),
        status=410 if expired else 404,
    )
