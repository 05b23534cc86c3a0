"""IMAP polling state on mailboxes: position (UIDVALIDITY, last UID), backfill, schedule, lease."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_inbox_queue_indexes"),
    ]

    operations = [
        migrations.RenameField(model_name="mailbox", old_name="uidvalidity", new_name="imap_uidvalidity"),
        migrations.RenameField(model_name="mailbox", old_name="last_uid", new_name="imap_last_uid"),
        migrations.AlterField(
            model_name="mailbox",
            name="imap_last_uid",
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name="last UID stored"),
        ),
        migrations.AlterField(
            model_name="mailbox",
            name="imap_ssl",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "On: TLS from the start (usually port 993). Off: port 143, upgraded with STARTTLS "
                    "when the server offers it."
                ),
                verbose_name="IMAP over TLS",
            ),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_poll_seconds",
            field=models.PositiveIntegerField(
                default=60,
                validators=[django.core.validators.MinValueValidator(10)],
                verbose_name="poll every (seconds)",
            ),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_backfill_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text=(
                    "On the first connection, and when the server renumbers the folder (UIDVALIDITY "
                    "changes), also fetch the mail received in this many past days. 0: only new mail."
                ),
                verbose_name="backfill (days)",
            ),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_source",
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name="position in"),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_backfill_uid",
            field=models.PositiveBigIntegerField(
                default=0, editable=False, verbose_name="backfill up to UID"
            ),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_backfill_since",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="backfill since"),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_next_poll_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="next poll"),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_failures",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="failed polls in a row"
            ),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="imap_lease_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="mailbox",
            constraint=models.CheckConstraint(
                condition=models.Q(imap_poll_seconds__gte=10), name="mailbox_poll_interval_min"
            ),
        ),
    ]
