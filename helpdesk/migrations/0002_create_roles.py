"""Create the three roles (groups) with their permissions.

Permissions normally appear only after all migrations (post_migrate), so they are
created here first; the role definitions live in this migration on purpose, so it
never imports application code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("customers", "logistics", "returns", "tickets", "helpdesk")

AGENT = [
    *(f"{app}.view_*" for app in APPS),
    "tickets.change_ticket",
    "tickets.add_message",
    "tickets.add_attachment",
    "tickets.add_ticketevent",
    "customers.change_customer",
    "customers.add_customertag",
    "customers.delete_customertag",
    "returns.add_returnrequest",
    "returns.add_returnline",
    "returns.add_compensationoffer",
    # Deciding returns in review and inspecting them (granted to existing databases by returns 0004).
    "returns.change_returnrequest",
    "returns.change_returnline",
]
TEAM_LEAD = [
    *AGENT,
    "tickets.assign_ticket",
    "tickets.merge_ticket",
    "tickets.export_tickets",
    "tickets.add_replytemplate",
    "tickets.change_replytemplate",
    "tickets.add_replytemplatevariant",
    "tickets.change_replytemplatevariant",
    "tickets.delete_replytemplatevariant",
    "tickets.change_agentprofile",
    "returns.change_returnrequest",
    "returns.change_returnline",
    "returns.add_refund",
    "returns.change_compensationoffer",
    "customers.add_tag",
]
MANAGER = [
    *(f"{app}.*" for app in APPS),
    "django_celery_beat.*",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
]
ROLES = {"Agent": AGENT, "Team lead": TEAM_LEAD, "Manager": MANAGER}


def _matching(Permission, pattern):
    app_label, codename = pattern.split(".", 1)
    perms = Permission.objects.filter(content_type__app_label=app_label)
    if codename == "*":
        return list(perms)
    if codename.endswith("*"):
        # "view_*" means the default view permission of every model, never a custom
        # permission that happens to share the prefix (tickets.view_all_tickets).
        action = codename[:-1]
        return [
            perm
            for perm in perms.select_related("content_type")
            if perm.codename == action + perm.content_type.model
        ]
    found = list(perms.filter(codename=codename))
    if not found:
        raise LookupError(f"Role permission {pattern} does not exist")
    return found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which is what
        # the migration state's configs look like; restore whatever was there after.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, patterns in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = {perm.pk: perm for pattern in patterns for perm in _matching(Permission, pattern)}
        group.permissions.set(perms.values())


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("logistics", "0001_initial"),
        ("returns", "0001_initial"),
        ("tickets", "0001_initial"),
        ("django_celery_beat", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
