from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from helpdesk.schedule import periodic_tasks


class Command(BaseCommand):
    help = "Install the periodic task schedule declared in helpdesk/schedule.py into Celery beat."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = updated = 0
        for entry in periodic_tasks():
            schedule: dict[str, Any]
            if entry.every_seconds is not None:
                interval, _ = IntervalSchedule.objects.get_or_create(
                    every=entry.every_seconds, period=IntervalSchedule.SECONDS
                )
                schedule = {"interval": interval, "crontab": None}
            else:
                minute, hour, day_of_month, month_of_year, day_of_week = (entry.crontab or "").split()
                crontab, _ = CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_month=day_of_month,
                    month_of_year=month_of_year,
                    day_of_week=day_of_week,
                    timezone="UTC",
                )
                schedule = {"crontab": crontab, "interval": None}
            task = PeriodicTask.objects.filter(name=entry.name).first()
            if task is None:
                PeriodicTask.objects.create(
                    name=entry.name, task=entry.task, description=entry.description, **schedule
                )
                created += 1
                continue
            # Keep a manager's pause (enabled=False) but bring the task and timing up to date.
            changed = task.task != entry.task or any(
                getattr(task, f"{key}_id") != (value.pk if value else None) for key, value in schedule.items()
            )
            if changed:
                task.task = entry.task
                for key, value in schedule.items():
                    setattr(task, key, value)
                task.save()
                updated += 1
        self.stdout.write(
            f"Periodic tasks: {created} created, {updated} updated, {len(periodic_tasks())} declared."
        )
