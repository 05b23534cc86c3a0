from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        # The brief said 0005_inbox_queue_indexes, but two leaves stop every `migrate` (pytest
        # included) while 0006-0008 exist: this stays linear. The lead may re-order.
        ("tickets", "0008_ticket_updated_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="translation",
            name="pivot_language",
            field=models.CharField(
                blank=True,
                help_text="The language translated through when no direct pack is installed (English).",
                max_length=10,
                verbose_name="through",
            ),
        ),
    ]
