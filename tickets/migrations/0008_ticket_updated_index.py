"""Index tickets by (updated_at, id): a live inbox that lost its connection asks what changed
since its last position (``tickets.selectors.ticket_changed_since``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        # The brief said 0005_inbox_queue_indexes, but two leaves stop every `migrate` (pytest
        # included) while 0006 and 0007 exist: this stays linear. The lead may re-order.
        ("tickets", "0007_macros"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),
        ),
    ]
