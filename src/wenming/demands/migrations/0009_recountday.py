"""The dashboard's "days to recount" move to the demands app, which writes them beside each
demand event: the model changes hands in the state only, then its table takes the new name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("demands", "0008_media_lookup_index"),
        ("dashboard", "0004_view_indexes"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecountDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("date", models.DateField(verbose_name="登记日期")),
                        ("marked_at", models.DateTimeField(verbose_name="标记时间")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                       related_name="+", to="regions.node")),
                    ],
                    options={
                        "verbose_name": "待重算日期", "verbose_name_plural": "待重算日期",
                        "db_table": "dashboard_dirtyday",
                        "constraints": [models.UniqueConstraint(fields=("district", "date"), name="dirtyday_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="recountday", table=None),
    ]
