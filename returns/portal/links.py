"""Signed links of the returns portal: nobody can guess one, and each expires.

* the status link of a return (e-mailed to the customer, printed as a QR code on the label);
* the order link that opens an order in the portal without a look-up (automatic answers);
* the order a look-up found, kept in the customer's session for a short while.

Each has its own salt, so a token of one kind is never accepted as another.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.urls import reverse

from helpdesk.signed_links import LinkExpired, LinkInvalid, signed_object_load

STATUS_SALT = "returns.portal.status"
ORDER_SALT = "returns.portal.order"
SESSION_SALT = "returns.portal.session"
SESSION_KEY = "returns_portal_order"
DAY = 24 * 3600


def public_url(path: str) -> str:
    """``path`` on the helpdesk's public address (e-mails, QR codes, automatic answers)."""
    return settings.HELPDESK_PUBLIC_URL.rstrip("/") + path


# --- the status link of a return ---------------------------------------------------------------


def status_token(*, return_id: int, rma_number: str) -> str:
    return signing.dumps({"r": return_id, "n": rma_number}, salt=STATUS_SALT, compress=True)


def status_token_read(token: str) -> tuple[int, str]:
    """The return id and RMA number a status token names (raises LinkExpired / LinkInvalid)."""
    data = signed_object_load(token, salt=STATUS_SALT, max_age=settings.RETURNS_STATUS_LINK_DAYS * DAY)
    return_id, rma_number = data.get("r"), data.get("n")
    if not isinstance(return_id, int) or not isinstance(rma_number, str):
        raise LinkInvalid
    return return_id, rma_number


def status_path(*, return_id: int, rma_number: str, language: str = "") -> str:
    path = reverse(
        "returns_portal:status", kwargs={"token": status_token(return_id=return_id, rma_number=rma_number)}
    )
    return f"{path}?lang={language}" if language else path


def status_url(*, return_id: int, rma_number: str, language: str = "") -> str:
    return public_url(status_path(return_id=return_id, rma_number=rma_number, language=language))


# --- the order link (opens an order without a look-up) ----------------------------------------


def order_token(*, order_id: int) -> str:
    return signing.dumps({"o": order_id}, salt=ORDER_SALT, compress=True)


def order_token_read(token: str) -> int:
    data = signed_object_load(token, salt=ORDER_SALT, max_age=settings.RETURNS_ORDER_LINK_DAYS * DAY)
    order_id = data.get("o")
    if not isinstance(order_id, int):
        raise LinkInvalid
    return order_id


def order_url(*, order_id: int, language: str = "") -> str:
    path = reverse("returns_portal:order_link", kwargs={"token": order_token(order_id=order_id)})
    return public_url(f"{path}?lang={language}" if language else path)


def lookup_url(*, language: str = "") -> str:
    path = reverse("returns_portal:lookup")
    return public_url(f"{path}?lang={language}" if language else path)


def portal_url_for_order(*, order_id: int | None, language: str = "") -> str:
    """Where to send a customer to return something: straight into their order with a signed
    link when the order is known, else the portal's look-up."""
    if order_id is None:
        return lookup_url(language=language)
    return order_url(order_id=order_id, language=language)


# --- the order a look-up found, in the session ---------------------------------------------------


def session_remember_order(session: SessionBase, *, order_id: int) -> None:
    session.cycle_key()  # a new session id once the visitor has proven who they are
    session[SESSION_KEY] = signing.dumps({"o": order_id}, salt=SESSION_SALT)


def session_keep_order(session: SessionBase, *, order_id: int) -> None:
    """The customer is still at it: the order stays open for another full period."""
    session[SESSION_KEY] = signing.dumps({"o": order_id}, salt=SESSION_SALT)


def session_order_id(session: SessionBase) -> int | None:
    """The order this session found recently, or None (none, expired or not signed here)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    try:
        data = signed_object_load(
            token, salt=SESSION_SALT, max_age=settings.RETURNS_PORTAL_SESSION_MINUTES * 60
        )
    except (LinkExpired, LinkInvalid):
        session.pop(SESSION_KEY, None)
        return None
    order_id = data.get("o")
    return order_id if isinstance(order_id, int) else None
