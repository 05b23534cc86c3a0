"""Stores get a public key for their contact form, chat widget and webhook URLs, a webhook
secret, and the sites allowed to embed the chat widget.

Existing stores each get their own random key and secret (a column default would give
every row the same value), then the key becomes unique.
"""

import secrets

from django.db import migrations, models

import customers.models


def give_each_store_its_keys(apps, schema_editor):
    Store = apps.get_model("customers", "Store")
    for store in Store.objects.filter(models.Q(inbound_key__isnull=True) | models.Q(webhook_secret="")):
        store.inbound_key = store.inbound_key or secrets.token_urlsafe(24)
        store.webhook_secret = store.webhook_secret or secrets.token_urlsafe(32)
        store.save(update_fields=["inbound_key", "webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="inbound_key",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="store",
            name="webhook_secret",
            field=models.CharField(default="", max_length=200),
        ),
        migrations.AddField(
            model_name="store",
            name="allowed_origins",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Origins allowed to embed the chat widget, e.g. ["https://shop.example.com"].',
                verbose_name="chat widget sites",
            ),
        ),
        migrations.RunPython(give_each_store_its_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="store",
            name="inbound_key",
            field=models.CharField(
                default=customers.models.new_inbound_key,
                help_text="Names the store in the contact form, chat widget and platform webhook URLs. Public (it is in the shop's pages); change it to retire old URLs.",
                max_length=64,
                unique=True,
                verbose_name="public key",
            ),
        ),
        migrations.AlterField(
            model_name="store",
            name="webhook_secret",
            field=models.CharField(
                default=customers.models.new_webhook_secret,
                help_text="Verifies platform webhooks: Shopify's app API secret key, the WooCommerce webhook's secret, or the key of the X-Helpdesk-Signature HMAC for the other platforms.",
                max_length=200,
                verbose_name="webhook secret",
            ),
        ),
    ]
