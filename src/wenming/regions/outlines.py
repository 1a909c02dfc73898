"""Region outlines (区域边界): a GeoJSON Polygon or MultiPolygon stored for a region node, drawn
on the dashboard's map under the stations. Where a region has none, the map draws the convex
hull of its stations instead (dashboard.data.station_map).

Outlines come from the district's own boundary file (a GeoJSON FeatureCollection, one feature
per town or village, matched by 区划代码 or name) through `import_outlines`, which checks every
feature before it writes any. A stored outline is simplified to at most MAX_POINTS points: a
wall screen needs the shape, not the surveyed detail, and the dashboard sends every child's
outline on every refresh.
"""

import json

from django.db import transaction
from shapely import make_valid
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from wenming.core.errors import InvalidInput
from wenming.regions.models import Node, RegionOutline

MAX_POINTS = 300
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 2000


def _points(geom: BaseGeometry) -> int:
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return sum(len(p.exterior.coords) for p in polys)


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygon parts of a geometry (make_valid may return a collection)."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys) if polys else None


def clean_geometry(raw) -> dict:
    """A stored outline from a GeoJSON geometry (or a Feature holding one): checked, repaired if
    it crosses itself, simplified, coordinates to 6 decimals. Raises InvalidInput saying why."""
    if isinstance(raw, dict) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidInput("边界须为 GeoJSON 的 Polygon 或 MultiPolygon。")
    try:
        geom = shape(raw)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
        raise InvalidInput(f"边界坐标格式不对：{exc}") from None
    if geom.is_empty:
        raise InvalidInput("边界没有坐标。")
    lon1, lat1, lon2, lat2 = geom.bounds
    if not (-180 <= lon1 <= lon2 <= 180 and -90 <= lat1 <= lat2 <= 90):
        raise InvalidInput("边界坐标须为经纬度（经度 -180～180，纬度 -90～90，先经度后纬度）。")
    if not geom.is_valid:
        geom = _polygonal(make_valid(geom))
        if geom is None or geom.is_empty:
            raise InvalidInput("边界自相交且无法修复。")
    tolerance = 0.00005  # about 5 m; doubled until the outline is small enough
    simple = geom
    while _points(simple) > MAX_POINTS:
        simple = geom.simplify(tolerance, preserve_topology=True)
        tolerance *= 2
    out = json.loads(json.dumps(mapping(simple)))  # tuples → lists
    out["coordinates"] = _rounded(out["coordinates"])
    return {"type": out["type"], "coordinates": out["coordinates"]}


def _rounded(coords):
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(coords[0]), 6), round(float(coords[1]), 6)]
    return [_rounded(c) for c in coords]


def exterior_rings(outline: dict | None) -> list[list[list[float]]]:
    """The outer ring of each polygon of a stored outline (holes are not drawn)."""
    if not outline:
        return []
    polys = outline["coordinates"] if outline["type"] == "MultiPolygon" else [outline["coordinates"]]
    return [poly[0] for poly in polys if poly]


def _match(feature: dict, places: dict, by: str) -> Node | None:
    props = feature.get("properties") or {}
    keys = ("code", "区划代码", "adcode", "CODE") if by == "code" else ("name", "名称", "NAME")
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return places.get(str(value).strip())
    return None


def import_outlines(content: bytes, *, district: Node, by: str = "code") -> int:
    """Store the outlines of a GeoJSON FeatureCollection on the district's towns and villages
    (or the district itself), matched by 区划代码 (`by="code"`) or name. Every feature is checked
    first; any error (bad JSON, an unknown place, a bad geometry) writes nothing and reports
    each problem by feature number. Returns the number of outlines stored."""
    if by not in ("code", "name"):
        raise InvalidInput("匹配方式须为 code 或 name。")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("文件不是 UTF-8 编码的 GeoJSON。") from None
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        raise InvalidInput("文件须为含要素的 GeoJSON FeatureCollection。")
    if len(features) > MAX_FEATURES:
        raise InvalidInput(f"要素超过 {MAX_FEATURES} 个。")
    nodes = list(Node.objects.filter(path__startswith=district.path).exclude(kind="grid"))
    places = {(n.code if by == "code" else n.name): n for n in nodes if (n.code if by == "code" else n.name)}
    cleaned, errors = {}, {}
    for i, feature in enumerate(features, 1):
        node = _match(feature, places, by) if isinstance(feature, dict) else None
        if node is None:
            errors[f"第{i}个要素"] = ["在本区县找不到对应的区域（按" + ("区划代码" if by == "code" else "名称") + "匹配）。"]
            continue
        try:
            cleaned[node.pk] = clean_geometry(feature)
        except InvalidInput as exc:
            errors[f"第{i}个要素（{node.name}）"] = [exc.message]
    if errors:
        raise InvalidInput("边界文件有误，未导入任何边界。", errors=errors)
    with transaction.atomic():
        for pk, outline in cleaned.items():
            RegionOutline.objects.update_or_create(node_id=pk, defaults={
                "geometry": outline, "points": sum(len(r) for r in exterior_rings(outline))})
    return len(cleaned)
