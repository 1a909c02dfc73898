"""DirtyDay is now demands.RecountDay (demands 0009 took over its table): removed from the
dashboard's state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0004_view_indexes"),
        ("demands", "0009_recountday"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="DirtyDay")],
                                            database_operations=[]),
    ]
