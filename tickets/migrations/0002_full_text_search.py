"""PostgreSQL full-text search columns for tickets and messages.

Generated tsvector columns with GIN indexes, maintained by PostgreSQL itself so bulk
loads and every write path stay searchable. The 'simple' configuration because
messages arrive in a dozen languages. On SQLite nothing is created and
``tickets.selectors.ticket_search`` falls back to substring matching.
"""

from django.db import migrations

FORWARD = [
    """ALTER TABLE tickets_ticket ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(reference, '') || ' ' || coalesce(subject, ''))
    ) STORED""",
    "CREATE INDEX ticket_search_gin ON tickets_ticket USING gin (search)",
    """ALTER TABLE tickets_message ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(body_text, ''))
    ) STORED""",
    "CREATE INDEX message_search_gin ON tickets_message USING gin (search)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS message_search_gin",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search",
    "DROP INDEX IF EXISTS ticket_search_gin",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
