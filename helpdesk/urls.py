from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from helpdesk import views
from tickets import action_views as ticket_actions

# 503 rather than 500 while the database restarts (senders retry a 503).
handler500 = "helpdesk.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:inbox", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    # REST API v1 (helpdesk/api_urls.py): every app's endpoints, the schema and its docs.
    path("api/v1/", include("helpdesk.api_urls")),
    path("inbox/", include("tickets.urls")),
    # Attachments only through this view: it checks the viewer may see the ticket's store.
    path(
        "tickets/attachments/<int:attachment_id>/",
        ticket_actions.attachment_download,
        name="ticket_attachment",
    ),
    path("inbound/", include("tickets.urls_inbound")),
    path("webhooks/tracking/", include("logistics.urls_webhooks")),
    path("webhooks/commerce/", include("helpdesk.commerce.urls")),
    path("contact/", include("tickets.urls_public")),
    # The late-parcel choice the customer reaches by a signed link (public, no login).
    path("offer/", include("returns.urls_choice")),
    # The customers' returns portal (public, no account): before the agents' returns pages.
    path("returns/portal/", include("returns.portal.urls")),
    path("returns/", include("returns.urls")),
    # The customers' tracking page (public, no account): order number + e-mail or a signed link.
    path("track/", include("logistics.urls_public")),
    # The customers' survey pages (public, no account): opened by the signed links of the e-mail.
    path("survey/", include("tickets.urls_surveys")),
    path("shipments/", include("logistics.urls")),
    path("customers/", include("customers.urls")),
    path("analytics/", include("analytics.urls")),
    # The managers' platform status page (connected stores, syncs, call errors).
    path("platforms/", include("helpdesk.platforms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
