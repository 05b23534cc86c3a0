"""Tracking-provider accounts: the per-store secret that verifies AfterShip and 17TRACK webhooks."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The accounts hold webhook secrets: only managers see and edit them.
MANAGER_ACTIONS = ("add", "change", "delete", "view")


def grant_to_managers(apps, schema_editor):
    config = apps.get_app_config("logistics")
    config.models_module, original = True, getattr(config, "models_module", None)
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = original
    managers = apps.get_model("auth", "Group").objects.filter(name="Manager").first()
    if managers is not None:
        codenames = [f"{action}_trackingprovideraccount" for action in MANAGER_ACTIONS]
        managers.permissions.add(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="logistics", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("logistics", "0002_carriers"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrackingProviderAccount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "provider",
                    models.CharField(
                        choices=[("aftership", "AfterShip"), ("17track", "17TRACK")],
                        max_length=20,
                        verbose_name="provider",
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        help_text=(
                            "AfterShip: the webhook secret (Settings › Webhooks). 17TRACK: the security key, "
                            "which signs its webhooks and is the API key for polling."
                        ),
                        max_length=200,
                        verbose_name="secret",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "poll",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "Ask the provider's API regularly about this store's parcels whose tracking "
                            "provider is “carrier” (no webhook of their own). 17TRACK only."
                        ),
                        verbose_name="poll",
                    ),
                ),
                (
                    "api_url",
                    models.URLField(
                        blank=True,
                        help_text="Empty: the provider's own (https://api.17track.net/track/v2.2).",
                        verbose_name="API address",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "store",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tracking_accounts",
                        to="customers.store",
                        verbose_name="store",
                    ),
                ),
            ],
            options={
                "verbose_name": "tracking provider account",
                "verbose_name_plural": "tracking provider accounts",
                "ordering": ["store", "provider"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("store", "provider"), name="trackingaccount_unique_store_provider"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("poll", False), ("provider", "17track"), _connector="OR"),
                        name="trackingaccount_poll_17track_only",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_to_managers, migrations.RunPython.noop),
    ]
