"""Scopes: a token may read or write only the areas it was given; a browser session is not limited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from helpdesk.api.models import ApiToken

if TYPE_CHECKING:
    # Type hints only: DRF imports this module while it builds APIView itself.
    from rest_framework.views import APIView


def required_scope(view: APIView, method: str) -> str | None:
    area = getattr(view, "api_area", None)
    if area is None:
        return None
    # A view may name actions that need the write scope even when read with GET (a GDPR export).
    writes = method not in SAFE_METHODS or getattr(view, "action", None) in getattr(view, "write_actions", ())
    return f"{area}:write" if writes else f"{area}:read"


class HasScope(BasePermission):
    """Reading an area needs ``<area>:read`` or ``<area>:write``; writing needs ``<area>:write``."""

    message = _("This API token lacks the scope for this request.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = required_scope(view, request.method or "GET")
        if needed is None:
            return True
        granted = set(token.scopes or [])
        area, _colon, access = needed.partition(":")
        if needed in granted or (access == "read" and f"{area}:write" in granted):
            return True
        self.message = _("This API token lacks the “%(scope)s” scope.") % {"scope": needed}
        return False


class HasRolePermission(BasePermission):
    """The user (the token's user) holds the Django permission the view asks for this action:
    ``action_permissions = {"create": "app.add_model", "*": "app.change_model"}`` ("*": every
    other action). Roles decide, exactly as in admin: an agent's token with the scope still gets
    a 403 where only team leads or managers may act."""

    message = gettext_lazy("Your role may not do this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        wanted: dict[str, str] = getattr(view, "action_permissions", {})
        needed = wanted.get(getattr(view, "action", None) or "", wanted.get("*"))
        if needed is None or request.user.has_perm(needed):
            return True
        self.message = getattr(view, "role_message", None) or self.message
        return False
