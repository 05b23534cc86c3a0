"""Stores may answer simple questions automatically above an intent confidence; off (empty)
for every existing store until a manager turns it on."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_store_inbound_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="auto_answer_threshold",
            field=models.FloatField(
                blank=True,
                help_text="Where-is-my-order (with a linked parcel), return-policy and refund-status questions are answered at once, with live facts, when the intent confidence is at least this (0–1, e.g. 0.8). Empty: never answer automatically.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(1.0),
                ],
                verbose_name="answer automatically from confidence",
            ),
        ),
        migrations.AddConstraint(
            model_name="store",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("auto_answer_threshold__isnull", True),
                    models.Q(("auto_answer_threshold__gte", 0), ("auto_answer_threshold__lte", 1)),
                    _connector="OR",
                ),
                name="store_auto_answer_threshold_0_to_1",
            ),
        ),
    ]
