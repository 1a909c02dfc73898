"""Summary rows per node at every level, a monthly table, a category split and dirty days.

The summary is derived data: the old rows are dropped and the state cleared, so the next
run of the refresh job rebuilds everything in the new shape.
"""

import django.db.models.deletion
from django.db import migrations, models


def clear_state(apps, schema_editor):
    apps.get_model("dashboard", "SummaryState").objects.all().delete()


def stat_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("path", models.CharField(max_length=255, verbose_name="区域路径")),
        ("level", models.PositiveSmallIntegerField(verbose_name="层级")),
        ("metric", models.CharField(max_length=24, verbose_name="指标")),
        ("dim", models.CharField(blank=True, default="", max_length=64, verbose_name="分类")),
        ("value", models.DecimalField(decimal_places=1, max_digits=14, verbose_name="数值")),
        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                       to="regions.node", verbose_name="所属区县")),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_state, migrations.RunPython.noop),
        migrations.DeleteModel(name="DailyStat"),
        migrations.CreateModel(
            name="DailyStat",
            fields=[*stat_fields(), ("date", models.DateField(verbose_name="日期"))],
            options={
                "verbose_name": "每日统计", "verbose_name_plural": "每日统计",
                "indexes": [models.Index(fields=["district", "level", "metric", "date"], name="dailystat_children"),
                            models.Index(fields=["metric", "date"], name="dailystat_recount")],
                "constraints": [models.UniqueConstraint(fields=("path", "metric", "dim", "date"),
                                                        name="dailystat_once")],
            },
        ),
        migrations.CreateModel(
            name="MonthlyStat",
            fields=[*stat_fields(), ("month", models.DateField(verbose_name="月份"))],
            options={
                "verbose_name": "每月统计", "verbose_name_plural": "每月统计",
                "indexes": [models.Index(fields=["district", "level", "metric", "month"],
                                         name="monthlystat_children")],
                "constraints": [models.UniqueConstraint(fields=("path", "metric", "dim", "month"),
                                                        name="monthlystat_once")],
            },
        ),
        migrations.CreateModel(
            name="DirtyDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(verbose_name="登记日期")),
                ("marked_at", models.DateTimeField(verbose_name="标记时间")),
                ("district", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                               to="regions.node")),
            ],
            options={
                "verbose_name": "待重算日期", "verbose_name_plural": "待重算日期",
                "constraints": [models.UniqueConstraint(fields=("district", "date"), name="dirtyday_once")],
            },
        ),
    ]
