"""Managers configure mailboxes: give the Manager role the new model's permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    tickets = apps.get_app_config("tickets")
    original = getattr(tickets, "models_module", None)
    tickets.models_module = True
    create_permissions(tickets, apps=apps, verbosity=0)
    tickets.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager = Group.objects.filter(name="Manager").first()
    if manager is not None:
        manager.permissions.add(
            *Permission.objects.filter(content_type__app_label="tickets", content_type__model="mailbox")
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Manager"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="tickets", content_type__model="mailbox")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_mailboxes_message_warnings_kept_auto_replies"),
        ("helpdesk", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
