"""Default satisfaction levels and a starting category tree; both are edited in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from wenming.demands.defaults import ensure_defaults

    ensure_defaults(apps.get_model("demands", "SatisfactionLevel"), apps.get_model("demands", "Category"))


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
