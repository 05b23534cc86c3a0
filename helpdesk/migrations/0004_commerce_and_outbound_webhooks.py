"""Commerce webhooks in (the delivery log) and outbound webhooks (subscriptions, deliveries);
managers get every permission on them (as 0002_create_roles gives managers all of helpdesk)."""

import uuid

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import helpdesk.outbound.models

WEBHOOK_MODELS = ("commercewebhookdelivery", "webhooksubscription", "webhookdelivery")


def grant(apps, schema_editor):
    helpdesk = apps.get_app_config("helpdesk")
    original = getattr(helpdesk, "models_module", None)
    helpdesk.models_module = True
    create_permissions(helpdesk, apps=apps, verbosity=0)
    helpdesk.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager = Group.objects.filter(name="Manager").first()
    if manager is not None:
        manager.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="helpdesk", content_type__model__in=WEBHOOK_MODELS
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Manager"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="helpdesk", content_type__model__in=WEBHOOK_MODELS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("helpdesk", "0003_api_tokens_and_idempotency_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "url",
                    models.URLField(
                        help_text="Events are POSTed here as JSON.", max_length=500, verbose_name="URL"
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        default=helpdesk.outbound.models.new_subscription_secret,
                        help_text="Signs every delivery: X-Helpdesk-Signature is sha256=<hex HMAC-SHA256 of '<X-Helpdesk-Timestamp>.<body>'> keyed with this secret.",
                        max_length=200,
                        verbose_name="secret",
                    ),
                ),
                (
                    "event_types",
                    models.JSONField(
                        default=list,
                        help_text='The events to send, e.g. ["ticket.created", "refund.issued"].',
                        verbose_name="events",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "stores",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Only events of these stores; none selected: every store.",
                        related_name="+",
                        to="customers.store",
                        verbose_name="stores",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook subscription",
                "verbose_name_plural": "webhook subscriptions",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="CommerceWebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("platform", models.CharField(max_length=20, verbose_name="platform")),
                ("topic", models.CharField(blank=True, max_length=100, verbose_name="topic")),
                ("webhook_id", models.CharField(blank=True, max_length=200, verbose_name="delivery id")),
                ("body_sha256", models.CharField(max_length=64, verbose_name="body SHA-256")),
                ("payload", models.JSONField(blank=True, default=dict, verbose_name="payload")),
                (
                    "object_id",
                    models.CharField(
                        blank=True,
                        help_text="The order, refund, … it is about.",
                        max_length=64,
                        verbose_name="platform object id",
                    ),
                ),
                (
                    "order_platform_id",
                    models.CharField(
                        blank=True, db_index=True, max_length=64, verbose_name="platform order id"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("processed", "Processed"),
                            ("ignored", "Unknown topic (kept)"),
                            ("waiting", "Waiting for its order"),
                            ("stale", "Older than what is stored"),
                            ("failed", "Could not be applied"),
                        ],
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=500, verbose_name="reason")),
                ("received_at", models.DateTimeField(auto_now_add=True, verbose_name="received")),
                ("processed_at", models.DateTimeField(blank=True, null=True, verbose_name="processed")),
                (
                    "store",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.store",
                        verbose_name="store",
                    ),
                ),
            ],
            options={
                "verbose_name": "commerce webhook delivery",
                "verbose_name_plural": "commerce webhook deliveries",
                "ordering": ["-received_at"],
                "indexes": [
                    models.Index(
                        fields=["store", "status", "order_platform_id"], name="commercedelivery_waiting_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("webhook_id", ""), _negated=True),
                        fields=("store", "webhook_id"),
                        name="commercedelivery_unique_webhook_id",
                    ),
                    models.UniqueConstraint(
                        fields=("store", "topic", "body_sha256"), name="commercedelivery_unique_content"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "delivery_id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="delivery id"
                    ),
                ),
                ("event_id", models.UUIDField(db_index=True, editable=False, verbose_name="event id")),
                (
                    "event_type",
                    models.CharField(
                        choices=[
                            ("ticket.created", "Ticket created"),
                            ("ticket.solved", "Ticket solved"),
                            ("message.created", "Message created"),
                            ("return.approved", "Return approved"),
                            ("refund.issued", "Refund issued"),
                            ("shipment.anomaly", "Shipment anomaly"),
                            ("survey.answered", "Survey answered"),
                        ],
                        max_length=40,
                        verbose_name="event",
                    ),
                ),
                ("payload", models.JSONField(default=dict, verbose_name="payload")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("retrying", "Failed, will retry"),
                            ("delivered", "Delivered"),
                            ("failed", "Failed, no more retries"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="last attempt")),
                (
                    "last_response_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="last response code"
                    ),
                ),
                (
                    "last_response_body",
                    models.CharField(blank=True, max_length=1000, verbose_name="last response (excerpt)"),
                ),
                ("last_error", models.CharField(blank=True, max_length=500, verbose_name="last error")),
                ("next_retry_at", models.DateTimeField(blank=True, null=True, verbose_name="next retry")),
                ("delivered_at", models.DateTimeField(blank=True, null=True, verbose_name="delivered")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "store",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.store",
                        verbose_name="store",
                    ),
                ),
                (
                    "subscription",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="helpdesk.webhooksubscription",
                        verbose_name="subscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["status", "next_retry_at"], name="webhookdelivery_retry_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event_id", "subscription"), name="webhookdelivery_unique_event"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("delivered_at__isnull", True), ("status", "delivered"), _connector="OR"
                        ),
                        name="webhookdelivery_delivered_has_status",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
