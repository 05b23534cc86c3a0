"""The public returns portal: find the order, choose the items, get a decision and a label,
follow the return. No account: the order is proven by its number and e-mail (or postal
code), then kept in the session for a short while; a return is reached by a signed link.

Thin views: parse, call one selector or service, render. Every bad input gets a page that
says what to do next (4xx), never a 500.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.models import Order, Store
from helpdesk.exceptions import ApplicationError
from helpdesk.lookup_guard import LookupLimits, LookupThrottled, guarded_lookup
from helpdesk.signed_links import LinkExpired, LinkInvalid
from helpdesk.webhooks import declared_length
from returns.models import ReturnRequest
from returns.portal import links
from returns.portal.forms import LookupForm, ReturnItemsForm
from returns.portal.notify import return_status_link_send_on_commit
from returns.portal.selectors import (
    order_find_for_portal,
    order_for_portal,
    order_returns_for_portal,
    return_exists_for_submission,
    return_for_status,
    return_parcel_events,
)
from returns.portal.timeline import return_timeline
from returns.services.eligibility import order_facts, order_line_eligibility
from returns.services.requests import return_request_submit
from returns.services.workflow import return_cancel_by_customer

LANGUAGE_SESSION_KEY = "returns_portal_language"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SUBMISSION_KEY = re.compile(r"^[0-9a-f]{32}$")
FORM_OVERHEAD_BYTES = 1024 * 1024  # the text fields and multipart framing, on top of the photos
# --- language and page frame -----------------------------------------------------------------


def portal_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def portal_language(request: HttpRequest, fallback: str = "") -> str:
    """?lang= (remembered in the session), else the session's, else the browser's
    Accept-Language, else ``fallback`` (the store's language), else English."""
    languages = portal_languages()
    wanted = request.GET.get("lang", "")
    if wanted in languages:
        request.session[LANGUAGE_SESSION_KEY] = wanted
        return wanted
    remembered = request.session.get(LANGUAGE_SESSION_KEY, "")
    if remembered in languages:
        return str(remembered)
    if request.headers.get("Accept-Language"):
        return translation.get_language_from_request(request)
    try:
        return translation.get_supported_language_variant(fallback) if fallback else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


def _page(
    request: HttpRequest,
    template: str,
    language: str,
    *,
    store: Store | None = None,
    zone: str = "",
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """Render a portal page in ``language``, with dates in the customer's time zone (else the
    store's, else UTC)."""
    with translation.override(language), timezone.override(_zone(zone or (store.timezone if store else ""))):
        response = render(
            request,
            template,
            {
                "store": store,
                "brand_color": store.brand_color
                if store and COLOUR.match(store.brand_color or "")
                else "#1f6feb",
                "language": language,
                "languages": [translation.get_language_info(code) for code in portal_languages()],
                **context,
            },
            status=status,
        )
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a bad name in data must not break the page
        return zoneinfo.ZoneInfo("UTC")


def _with_language(url: str, language: str) -> str:
    return f"{url}?lang={language}"


# --- finding the order -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """``/returns/portal/``: order number + e-mail or postal code."""
    language = portal_language(request)
    if request.method == "GET":
        return _page(
            request,
            "returns/portal/lookup.html",
            language,
            form=LookupForm(),
            has_order=_session_order(request) is not None,
        )
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _page(request, "returns/portal/lookup.html", language, form=form, status=400)
    number, proof = form.cleaned_data["order_number"], form.cleaned_data["proof"]
    try:
        order = guarded_lookup(
            limits=_lookup_limits(),
            address=request.META.get("REMOTE_ADDR", ""),
            order_number=number,
            find=lambda: order_find_for_portal(order_number=number, proof=proof),
        )
    except LookupThrottled as refusal:
        return _page(
            request,
            "returns/portal/lookup.html",
            language,
            form=form,
            refused=refusal.message,
            status=429,
        )
    if order is None:
        # One answer, byte for byte, for an unknown number and a wrong e-mail or postal code
        # (the form comes back empty, so not even the echo differs): nobody learns from the
        # portal which orders exist or whose they are.
        return _page(
            request,
            "returns/portal/lookup.html",
            language,
            form=LookupForm(),
            refused=_(
                "We could not find an order with this number and e-mail address or postal code. "
                "Please check both; they are in your order confirmation."
            ),
            status=404,
        )
    links.session_remember_order(request.session, order_id=order.pk)
    return redirect(_with_language(reverse("returns_portal:order"), language))


def _lookup_limits() -> LookupLimits:
    return LookupLimits(
        cache_prefix="returns-portal",
        per_address=settings.RETURNS_PORTAL_LOOKUPS_PER_IP,
        per_order=settings.RETURNS_PORTAL_LOOKUPS_PER_ORDER,
        window_seconds=settings.RETURNS_PORTAL_LOOKUP_WINDOW,
        min_ms=settings.RETURNS_PORTAL_LOOKUP_MIN_MS,
    )


def _session_order(request: HttpRequest) -> Order | None:
    order_id = links.session_order_id(request.session)
    return order_for_portal(order_id=order_id) if order_id is not None else None


@never_cache
@require_GET
def order_link(request: HttpRequest, token: str) -> HttpResponse:
    """``/returns/portal/o/<token>/``: a signed link to an order (sent in automatic answers)."""
    language = portal_language(request)
    try:
        order_id = links.order_token_read(token)
    except LinkExpired:
        return _link_problem(request, language, expired=True)
    except LinkInvalid:
        return _link_problem(request, language, expired=False)
    order = order_for_portal(order_id=order_id)
    if order is None:
        return _link_problem(request, language, expired=False)
    links.session_remember_order(request.session, order_id=order.pk)
    return redirect(_with_language(reverse("returns_portal:order"), language))


def _link_problem(request: HttpRequest, language: str, *, expired: bool) -> HttpResponse:
    return _page(
        request,
        "returns/portal/link_problem.html",
        language,
        expired=expired,
        form=LookupForm(),
        status=410 if expired else 404,
    )


# --- choosing the items ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def order_page(request: HttpRequest) -> HttpResponse:
    """``/returns/portal/order/``: the order found, its items and what may come back."""
    order = _session_order(request)
    if order is None:
        language = portal_language(request)
        with translation.override(language):
            messages.info(
                request, _("For your security the page was closed. Please look up your order again.")
            )
        return redirect(_with_language(reverse("returns_portal:lookup"), language))
    links.session_keep_order(request.session, order_id=order.pk)  # a slow form is not cut off
    language = portal_language(request, order.store.default_language)
    with translation.override(language):  # the rules' reasons are written in the active language
        facts = order_facts(order=order)
        now = timezone.now()
        lines = [
            (line, order_line_eligibility(order_line=line, now=now, facts=facts))
            for line in order.lines.all()
        ]
        status = 200
        refused = ""
        if request.method == "GET":
            form = ReturnItemsForm(lines=lines, initial={"submission_key": uuid.uuid4().hex})
        elif declared_length(request) > _max_upload_bytes(len(lines)):
            form = ReturnItemsForm(lines=lines, initial={"submission_key": uuid.uuid4().hex})
            refused = _("The photos are too large to send together. Please send fewer or smaller photos.")
            status = 413
        else:
            form = ReturnItemsForm(request.POST, request.FILES, lines=lines)
            if form.is_valid():
                submitted = _submit(request, form, order, language)
                if isinstance(submitted, HttpResponse):
                    return submitted
                status = 400
            else:
                status = 400
        return _page(
            request,
            "returns/portal/order.html",
            language,
            store=order.store,
            zone=order.customer.timezone if order.customer else "",
            form=form,
            order=order,
            refused=refused,
            returns=[
                (rr, links.status_path(return_id=rr.pk, rma_number=rr.rma_number, language=language))
                for rr in order_returns_for_portal(order=order)
            ],
            max_photos=settings.RETURNS_PHOTOS_PER_LINE,
            max_photo_bytes=settings.RETURNS_PHOTO_MAX_BYTES,
            status=status,
        )


def _submit(request: HttpRequest, form: ReturnItemsForm, order: Order, language: str) -> HttpResponse | None:
    """Create the return (or find the one this form already made) and go to its page; None
    when the service refuses it (the reason is on the form)."""
    key = form.cleaned_data["submission_key"]
    if not SUBMISSION_KEY.match(key):
        form.add_error(None, _("This form could not be sent. Please reload the page and try again."))
        return None
    # Namespaced by the order: a key sent with another order can never reach this order's return.
    submission_key = f"portal-{order.pk}-{key}"
    first_time = not return_exists_for_submission(submission_key=submission_key)
    try:
        return_request = return_request_submit(
            order=order,
            lines=form.chosen,
            resolution=form.cleaned_data["resolution"],
            source=ReturnRequest.Source.PORTAL,
            submission_key=submission_key,
            language=language,
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None
    if first_time:
        return_status_link_send_on_commit(return_request=return_request)
    return HttpResponseRedirect(
        links.status_path(
            return_id=return_request.pk, rma_number=return_request.rma_number, language=language
        )
    )


def _max_upload_bytes(line_count: int) -> int:
    per_line = settings.RETURNS_PHOTOS_PER_LINE * settings.RETURNS_PHOTO_MAX_BYTES
    return max(1, line_count) * per_line + FORM_OVERHEAD_BYTES


# --- following a return ------------------------------------------------------------------------


def _return_from_token(request: HttpRequest, token: str) -> tuple[ReturnRequest | None, HttpResponse | None]:
    """The return a status link names, or the page that explains why the link does not work."""
    try:
        return_id, rma_number = links.status_token_read(token)
    except LinkExpired:
        return None, _link_problem(request, portal_language(request), expired=True)
    except LinkInvalid:
        return None, _link_problem(request, portal_language(request), expired=False)
    return_request = return_for_status(return_id=return_id, rma_number=rma_number)
    if return_request is None:
        return None, _link_problem(request, portal_language(request), expired=False)
    return return_request, None


@never_cache
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    """``/returns/portal/s/<token>/``: the decision and the timeline of one return."""
    return_request, problem = _return_from_token(request, token)
    if return_request is None:
        assert problem is not None
        return problem
    language = portal_language(
        request, return_request.customer_language or return_request.store.default_language
    )
    with translation.override(language):
        timeline = return_timeline(return_request=return_request)
    return _page(
        request,
        "returns/portal/status.html",
        language,
        store=return_request.store,
        zone=return_request.customer.timezone if return_request.customer else "",
        rr=return_request,
        token=token,
        timeline=timeline,
        rejected_rules=[
            rule
            for rule in return_request.decision_rules or []
            if isinstance(rule, dict) and rule.get("outcome") == "reject"
        ],
        parcel_events=return_parcel_events(return_request=return_request),
        cancellable=_cancellable(return_request),
    )


def _cancellable(return_request: ReturnRequest) -> bool:
    from returns.services.workflow import ALLOWED_TRANSITIONS, NOT_SHIPPED

    shipment = return_request.return_shipment
    shipped = shipment is not None and shipment.status not in NOT_SHIPPED
    return not shipped and ReturnRequest.Status.CANCELLED in ALLOWED_TRANSITIONS[return_request.status]


@never_cache
@require_GET
def label(request: HttpRequest, token: str) -> HttpResponseBase:
    """``/returns/portal/s/<token>/label.pdf``: the customer's label and packing slip."""
    return_request, problem = _return_from_token(request, token)
    if return_request is None:
        assert problem is not None
        return problem
    if not return_request.label:
        language = portal_language(request, return_request.customer_language)
        return _page(
            request,
            "returns/portal/no_label.html",
            language,
            store=return_request.store,
            rr=return_request,
            token=token,
            status=404,
        )
    return FileResponse(
        return_request.label.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{return_request.rma_number}.pdf",
    )


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """``POST /returns/portal/s/<token>/cancel/``: the customer withdraws the return."""
    return_request, problem = _return_from_token(request, token)
    if return_request is None:
        assert problem is not None
        return problem
    language = portal_language(request, return_request.customer_language)
    with translation.override(language):
        try:
            return_cancel_by_customer(return_request=return_request)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your return is cancelled. Nothing needs to be sent."))
    return redirect(_with_language(reverse("returns_portal:status", kwargs={"token": token}), language))
