from django.db import DatabaseError, migrations, models, transaction

# The signed documents (a few KB each, written once per badge): PostgreSQL's lz4
# compresses them as well as its default pglz for a fraction of the CPU.
SIGNED_COLUMNS = ("ob2_jws", "ob3_jwt", "ob3_credential")


def signed_columns_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    table = schema_editor.quote_name(apps.get_model("badges", "Assertion")._meta.db_table)
    changes = ", ".join(f"ALTER COLUMN {schema_editor.quote_name(c)} SET COMPRESSION lz4" for c in SIGNED_COLUMNS)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} {changes}")
    except DatabaseError:  # a server built without lz4: keep the default
        pass


class Migration(migrations.Migration):

    dependencies = [
        ("badges", "0005_badge_issued_by_staff_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuebatch",
            name="chunks_done",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(signed_columns_lz4, migrations.RunPython.noop, elidable=True),
    ]
