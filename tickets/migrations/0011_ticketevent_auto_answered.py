"""Ticket events record an answer sent automatically (self-service deflection)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_triage_scores"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("status", "Status changed"),
                    ("assigned", "Assigned"),
                    ("priority", "Priority changed"),
                    ("team", "Routed"),
                    ("tagged", "Tagged"),
                    ("merged", "Merged"),
                    ("sla_breached", "SLA breached"),
                    ("intent_corrected", "Intent corrected"),
                    ("escalated", "Escalated"),
                    ("claim_flagged", "Claim flagged for review"),
                    ("split", "Split"),
                    ("auto_answered", "Answered automatically"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
