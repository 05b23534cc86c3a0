from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from helpdesk.schedule import periodic_tasks


def install() -> str:
    out = StringIO()
    call_command("install_schedule", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_install_schedule_creates_every_declared_task_once():
    install()
    install()

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {entry.name for entry in periodic_tasks()} <= names
    assert PeriodicTask.objects.filter(name="Worker heartbeat").count() == 1


@pytest.mark.django_db
def test_install_schedule_keeps_a_managers_pause_but_repairs_the_task_name():
    install()
    task = PeriodicTask.objects.get(name="Worker heartbeat")
    task.enabled = False
    task.task = "helpdesk.tasks.renamed_by_mistake"
    task.save()

    output = install()

    task.refresh_from_db()
    assert task.enabled is False
    assert task.task == "helpdesk.tasks.heartbeat"
    assert "1 updated" in output


@pytest.mark.django_db
def test_a_manager_sees_the_schedule_in_admin(client, manager):
    install()
    client.force_login(manager)

    page = client.get("/admin/django_celery_beat/periodictask/")

    assert page.status_code == 200
    assert "Worker heartbeat" in page.content.decode()
