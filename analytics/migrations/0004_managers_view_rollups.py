from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLLUPS = ("ticketday", "intentday", "agentday", "rollupstate")


def grant(apps, schema_editor):
    config = apps.get_app_config("analytics")
    config.models_module, original = True, getattr(config, "models_module", None)
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    views = Permission.objects.filter(
        content_type__app_label="analytics", codename__in=[f"view_{model}" for model in ROLLUPS]
    )
    for group in Group.objects.filter(name="Manager"):
        group.permissions.add(*views)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    views = Permission.objects.filter(
        content_type__app_label="analytics", codename__in=[f"view_{model}" for model in ROLLUPS]
    )
    for group in Group.objects.filter(name="Manager"):
        group.permissions.remove(*views)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_intent_day_apart")]

    operations = [migrations.RunPython(grant, revoke)]
