"""Public entry points other than e-mail: platform webhooks, the contact form, the chat demo.

No session and no login: a store is named by its public key. Webhooks authenticate with
an HMAC of the body; the contact form is protected against spam without third parties.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.models import Store
from customers.selectors import store_for_inbound_key, store_public_languages
from helpdesk.webhooks import WebhookRejected, declared_length, webhook_body
from tickets.public_forms import ContactForm, new_form_token, rate_limit_exceeded
from tickets.services.contact import ContactSubmission, contact_form_submit
from tickets.services.platforms import platform_webhook_receive

SENT_SALT = "tickets.contact.sent"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FORM_OVERHEAD_BYTES = 1024 * 1024  # the form's text fields and multipart framing, on top of the files
TYPED_FIELDS = ("name", "email", "order_number", "subject", "message")


# --- platform webhooks ----------------------------------------------------------------------


@csrf_exempt
@require_POST
def platform_webhook(request: HttpRequest, platform: str, key: str) -> JsonResponse:
    """``POST /inbound/<platform>/<store key>/``: one message from a platform or its connector."""
    store = store_for_inbound_key(key=key)
    if store is None or store.platform != platform:
        return JsonResponse({"error": f"No active {platform} store has this key."}, status=404)
    try:
        body = webhook_body(request)
        outcome = platform_webhook_receive(store=store, platform=platform, body=body, headers=request.headers)
    except WebhookRejected as error:
        return JsonResponse({"error": error.reason}, status=error.status)
    answer: dict[str, object] = {"status": outcome.status}
    if outcome.reason:
        answer["reason"] = outcome.reason
    if outcome.result is not None:
        answer["message"] = outcome.result.message.pk
        answer["ticket"] = outcome.result.ticket.reference if outcome.result.ticket else None
    return JsonResponse(answer, status=202 if outcome.status == "stored" else 200)


# --- the contact form -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, key: str) -> HttpResponse:
    """``/contact/<store key>/``: the store's contact form; a message becomes a ticket."""
    store = _store_or_404(key)
    language = _language(request, store)
    with translation.override(language):
        status, refused = 200, ""
        if request.method == "GET":
            form = ContactForm(initial={"token": new_form_token()})
        elif declared_length(request) > _max_form_bytes():
            form, status = ContactForm(initial={"token": new_form_token()}), 413
            refused = _("The files are too large to send. Please attach fewer or smaller files.")
        elif rate_limit_exceeded(request.META.get("REMOTE_ADDR", "")):
            typed = {name: request.POST.get(name, "") for name in TYPED_FIELDS}
            form, status = ContactForm(initial={**typed, "token": new_form_token()}), 429
            refused = _("Too many messages from your connection. Please try again later.")
        else:
            form = ContactForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                result = contact_form_submit(
                    store=store,
                    submission=ContactSubmission(
                        nonce=form.nonce,
                        name=data["name"],
                        email=data["email"],
                        subject=data["subject"],
                        message=data["message"],
                        order_number=data["order_number"].strip(),
                        attachments=tuple(data["attachments"]),
                        language=language,
                    ),
                )
                reference = result.ticket.reference if result.ticket else ""
                sent = reverse(
                    "public:contact_sent",
                    kwargs={"key": key, "token": signing.dumps(reference, salt=SENT_SALT)},
                )
                return redirect(f"{sent}?lang={language}")
            status = 400
            if form.expired:  # shown again with a fresh token, the customer's text kept
                renewed = request.POST.copy()
                renewed["token"] = new_form_token()
                form.data = renewed
        return render(
            request,
            "tickets/public/contact.html",
            _page(request, store, language, form=form, refused=refused),
            status=status,
        )


@require_GET
def contact_sent(request: HttpRequest, key: str, token: str) -> HttpResponse:
    store = _store_or_404(key)
    try:
        reference = signing.loads(token, salt=SENT_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature as error:
        raise Http404 from error
    language = _language(request, store)
    with translation.override(language):
        return render(
            request,
            "tickets/public/contact_sent.html",
            _page(request, store, language, reference=str(reference)),
        )


@require_GET
def chat_demo(request: HttpRequest, key: str) -> HttpResponse:
    """A page that embeds the store's chat widget, to try it."""
    store = _store_or_404(key)
    language = _language(request, store)
    with translation.override(language):
        widget_url = request.build_absolute_uri(static("widget/chat.js"))
        return render(
            request, "tickets/public/chat_demo.html", _page(request, store, language, widget_url=widget_url)
        )


def _store_or_404(key: str) -> Store:
    store = store_for_inbound_key(key=key)
    if store is None:
        raise Http404
    return store


def _language(request: HttpRequest, store: Store) -> str:
    languages = store_public_languages(store=store)
    wanted = request.GET.get("lang", "")
    return wanted if wanted in languages else languages[-1]


def _max_form_bytes() -> int:
    return settings.CONTACT_FORM_MAX_FILES * settings.CONTACT_FORM_MAX_FILE_BYTES + FORM_OVERHEAD_BYTES


def _page(request: HttpRequest, store: Store, language: str, **context: object) -> dict[str, object]:
    return {
        "store": store,
        "brand_color": store.brand_color if COLOUR.match(store.brand_color or "") else "#1f6feb",
        "language": language,
        "languages": [translation.get_language_info(code) for code in store_public_languages(store=store)],
        "max_files": settings.CONTACT_FORM_MAX_FILES,
        "max_file_bytes": settings.CONTACT_FORM_MAX_FILE_BYTES,
        "accept": ",".join(settings.CONTACT_FORM_FILE_TYPES),
        **context,
    }
