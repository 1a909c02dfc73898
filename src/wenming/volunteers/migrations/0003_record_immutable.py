"""Confirmed service records are immutable: the database refuses any UPDATE of a record.

Corrections go through a reversing entry (services.service_record_reverse). The only way
past the trigger is a row in volunteers_recordunlock inside the same transaction, which
only the demo builder writes (to backdate what it fabricates). DELETE is left to
on_delete=PROTECT and the services (flush in tests and `demo --reset` must still work).
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER volunteers_record_immutable
BEFORE UPDATE ON volunteers_servicerecord
WHEN NOT EXISTS (SELECT 1 FROM volunteers_recordunlock)
BEGIN
    SELECT RAISE(ABORT, 'service records are immutable; add a reversing entry');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS volunteers_record_immutable;"

PG_UP = """
CREATE OR REPLACE FUNCTION volunteers_record_immutable() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM volunteers_recordunlock) THEN
        RAISE EXCEPTION 'service records are immutable; add a reversing entry';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER volunteers_record_immutable BEFORE UPDATE ON volunteers_servicerecord
FOR EACH ROW EXECUTE FUNCTION volunteers_record_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS volunteers_record_immutable ON volunteers_servicerecord;
DROP FUNCTION IF EXISTS volunteers_record_immutable();
"""


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_certificate_membership_recordunlock_and_more")]
    operations = [migrations.RunPython(up, down)]
