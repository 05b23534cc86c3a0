from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from logistics.signals import parcel_anomaly_needs_care
        from tickets import receivers

        parcel_anomaly_needs_care.connect(
            receivers.parcel_anomaly_needs_care, dispatch_uid="tickets.parcel_anomaly_needs_care"
        )
