"""Agents decide the returns the rules sent to review and inspect what comes back.

The rules decide most returns on their own; what is left is the agents' daily work, so they may
approve, reject and inspect (``change_returnrequest``, ``change_returnline``). Money stays with
team leads and managers: refunds by hand (``add_refund``) are not granted here.
"""

from django.db import migrations

CODENAMES = ("change_returnrequest", "change_returnline")


def grant_to_agents(apps, schema_editor):
    agents = apps.get_model("auth", "Group").objects.filter(name="Agent").first()
    if agents is not None:
        agents.permissions.add(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="returns", codename__in=CODENAMES
            )
        )


def revoke_from_agents(apps, schema_editor):
    agents = apps.get_model("auth", "Group").objects.filter(name="Agent").first()
    if agents is not None:
        agents.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="returns", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("returns", "0003_compensation"), ("helpdesk", "0002_create_roles")]

    operations = [migrations.RunPython(grant_to_agents, revoke_from_agents)]
