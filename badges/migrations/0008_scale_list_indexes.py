"""Indexes of the staff lists: their order (newest first), and on PostgreSQL a trigram
search of the person's e-mail and name (pg_trgm, a trusted extension: the database owner
may create it). The embedded SQLite default gets the plain indexes only."""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# The expression Django's icontains compares (UPPER(column::text) LIKE UPPER(pattern)):
# a trigram index on it serves that search with no change of its results.
TRIGRAM_INDEXES = {
    "assertion_email_trgm": "recipient_email",
    "assertion_name_trgm": "recipient_name",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "badges_assertion" '
                              f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('badges', '0008_wallets_offers'),
        ('issuers', '0003_audit_event'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assertion',
            index=models.Index(fields=['-issued_on', '-id'], name='assertion_recent_idx'),
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(fields=['issuer', '-created_at'], name='email_issuer_recent_idx'),
        ),
        # Does nothing on other databases (Django's CreateExtension checks the vendor).
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
