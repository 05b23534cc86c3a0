"""Parcel anomalies: when the customer's notice is due (and why none was sent), and when a
severe one opened its ticket; indexes for the sweeps of care still owed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0003_tracking_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipmentanomaly",
            name="escalated_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Severe anomalies open a ticket, once.",
                null=True,
                verbose_name="ticket opened",
            ),
        ),
        migrations.AddField(
            model_name="shipmentanomaly",
            name="notice_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the customer is to be told: the next sensible hour of their day.",
                null=True,
                verbose_name="notice due",
            ),
        ),
        migrations.AddField(
            model_name="shipmentanomaly",
            name="notice_note",
            field=models.CharField(
                blank=True,
                help_text="Why no notice was sent, when none was.",
                max_length=300,
                verbose_name="notice",
            ),
        ),
        migrations.AddIndex(
            model_name="shipmentanomaly",
            index=models.Index(
                condition=models.Q(("customer_notified_at__isnull", True), ("notice_due_at__isnull", False)),
                fields=["notice_due_at"],
                name="anomaly_notice_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="shipmentanomaly",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", True)),
                fields=["severity"],
                name="anomaly_open_idx",
            ),
        ),
    ]
