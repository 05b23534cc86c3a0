"""REST API tokens and idempotency records; managers get to create and revoke tokens in admin."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

API_MODELS = ("apitoken", "idempotencykey")


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
            *Permission.objects.filter(content_type__app_label="helpdesk", content_type__model__in=API_MODELS)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Manager"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="helpdesk", content_type__model__in=API_MODELS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_create_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Who uses it, e.g. “ERP sync”.", max_length=100, verbose_name="name"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("personal", "Personal (a person's scripts)"),
                            ("integration", "Integration (another system)"),
                        ],
                        default="integration",
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                (
                    "prefix",
                    models.CharField(
                        editable=False,
                        help_text="The start of the token, to recognise it.",
                        max_length=12,
                        verbose_name="prefix",
                    ),
                ),
                (
                    "token_hash",
                    models.CharField(
                        editable=False, max_length=64, unique=True, verbose_name="SHA-256 of the token"
                    ),
                ),
                ("scopes", models.JSONField(blank=True, default=list, verbose_name="scopes")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created"
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last used"),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        blank=True, help_text="Empty: never.", null=True, verbose_name="expires"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="revoked"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The token has this user's permissions and sees this user's stores.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="acts as",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "owner",
                    models.CharField(
                        help_text="token:<id> or user:<id>", max_length=40, verbose_name="owner"
                    ),
                ),
                ("key", models.CharField(max_length=255, verbose_name="key")),
                ("method", models.CharField(max_length=10, verbose_name="method")),
                ("path", models.CharField(max_length=500, verbose_name="path")),
                ("request_hash", models.CharField(max_length=64, verbose_name="SHA-256 of the request body")),
                (
                    "state",
                    models.CharField(
                        choices=[("processing", "Processing"), ("completed", "Completed")],
                        default="processing",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "response_status",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="response status"),
                ),
                ("response_body", models.JSONField(blank=True, null=True, verbose_name="response body")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
            ],
            options={
                "verbose_name": "idempotency key",
                "verbose_name_plural": "idempotency keys",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["created_at"], name="idempotencykey_created_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "key", "method", "path"), name="idempotencykey_unique_request"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state", "processing"), ("response_status__isnull", False), _connector="OR"
                        ),
                        name="idempotencykey_completed_has_status",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
