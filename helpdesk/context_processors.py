from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.platforms.selectors import platform_status_allowed

ANALYTICS_PERMISSION = "analytics.view_dashboards"


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main navigation, marking the section the request is in."""
    if not request.user.is_authenticated:
        return {}
    items = [
        ("tickets:inbox", _("Inbox")),
        ("returns:list", _("Returns")),
        ("logistics:list", _("Shipments")),
        ("customers:list", _("Customers")),
    ]
    # Agents do not see the dashboards (leads and managers do); the link would lead to a 403.
    if request.user.has_perm(ANALYTICS_PERMISSION):
        items.append(("analytics:overview", _("Analytics")))
    if platform_status_allowed(request.user):
        items.append(("platforms:status", _("Platforms")))
    nav = []
    for name, label in items:
        url = reverse(name)
        nav.append({"url": url, "label": label, "active": request.path.startswith(url)})
    # The agent's availability switch in the top bar (managers without a profile have none).
    profile = getattr(request.user, "agent", None)
    return {"main_nav": nav, "agent_profile": profile}
