from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wenming.core.errors import InvalidInput
from wenming.core.inputs import record_id
from wenming.regions.models import Node
from wenming.regions.outlines import import_outlines


class Command(BaseCommand):
    help = ("Store region outlines (区域边界) from a GeoJSON FeatureCollection: one feature per town or "
            "village of the district, matched by 区划代码 (properties code/区划代码/adcode) or by name. "
            "Any bad feature stops the import before anything is written.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .geojson / .json file, UTF-8")
        parser.add_argument("--district", required=True, help="the district: its id, 区划代码 or name")
        parser.add_argument("--by", choices=["code", "name"], default="code",
                            help="match features to regions by code (default) or name")

    def handle(self, *args, file, district, by, **options):
        node = (Node.objects.filter(kind="district", code=district).first()
                or Node.objects.filter(kind="district", name=district).first()
                or (Node.objects.filter(kind="district", pk=record_id(district) or 0).first()))
        if node is None:
            raise CommandError(f"找不到区县：{district}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            stored = import_outlines(path.read_bytes(), district=node, by=by)
        except InvalidInput as exc:
            lines = [exc.message] + [f"  {where}：{'；'.join(msgs)}" for where, msgs in (exc.errors or {}).items()]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(f"已导入 {stored} 个区域边界（{node.name}）。"))
