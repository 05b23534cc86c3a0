"""The managers' platform status page: each connected store's syncs, calls and errors, and a
button that queues a sync now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.platforms.base import Capability
from helpdesk.platforms.selectors import (
    platform_status_allowed,
    platform_status_rows,
    platform_status_store,
    store_connector_capabilities,
)


def _check(request: HttpRequest) -> None:
    if not platform_status_allowed(request.user):
        raise PermissionDenied


@login_required
def platform_status(request: HttpRequest) -> HttpResponse:
    _check(request)
    return render(request, "platforms/status.html", {"rows": platform_status_rows(user=request.user)})


@login_required
@require_POST
def platform_sync_now(request: HttpRequest, store_id: int) -> HttpResponse:
    """Queue the store's order sync (and message fetch, when its connector fetches messages)."""
    _check(request)
    store = platform_status_store(user=request.user, store_id=store_id)
    if store is None:
        raise Http404
    from helpdesk.tasks import platform_messages_sync_store, platform_orders_sync_store

    capabilities = store_connector_capabilities(store)
    if not capabilities:
        messages.error(
            request,
            _("%(store)s has no working connector: check its platform credentials.") % {"store": store.name},
        )
    elif not capabilities & {Capability.SYNC_ORDERS, Capability.FETCH_MESSAGES}:
        messages.info(
            request,
            _("The connector of %(store)s neither syncs orders nor fetches messages.")
            % {"store": store.name},
        )
    else:
        if Capability.SYNC_ORDERS in capabilities:
            platform_orders_sync_store.delay(store.pk)
        if Capability.FETCH_MESSAGES in capabilities:
            platform_messages_sync_store.delay(store.pk)
        messages.success(request, _("A sync of %(store)s was queued.") % {"store": store.name})
    return HttpResponseRedirect(reverse("platforms:status"))
