"""Region outlines (区域边界): imported from a GeoJSON file, checked before anything is written,
simplified, and drawn on the dashboard's map instead of the stations' hull."""

import json
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from wenming.core.errors import InvalidInput
from wenming.regions.models import Node, RegionOutline
from wenming.regions.outlines import MAX_POINTS, clean_geometry, exterior_rings, import_outlines

pytestmark = pytest.mark.django_db

SQUARE = [[106.70, 31.80], [106.80, 31.80], [106.80, 31.90], [106.70, 31.90], [106.70, 31.80]]


def _feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _file(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def _circle(n, lon=106.75, lat=31.85, r=0.05):
    ring = [[lon + r * math.cos(2 * math.pi * i / n), lat + r * math.sin(2 * math.pi * i / n)] for i in range(n)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


@pytest.fixture
def coded(world):
    Node.objects.filter(pk=world.town_a.pk).update(code="511902001")
    Node.objects.filter(pk=world.town_b.pk).update(code="511902101")
    return world


def test_import_by_code_stores_each_town_and_the_map_draws_it(coded):
    from wenming.dashboard.data import station_map

    w = coded
    town_b_shape = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[106.9, 31.9], [107.0, 31.9], [107.0, 32.0],
                                                                      [106.9, 31.9]]]]}
    assert import_outlines(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, code="511902001"),
                                 _feature(town_b_shape, 区划代码="511902101", name="曾口镇")), district=w.district) == 2
    stored = RegionOutline.objects.get(node=w.town_a)
    assert stored.geometry["type"] == "Polygon" and stored.points == 5
    outlines = station_map(w.district)["outlines"]
    a = [o for o in outlines if o["name"] == w.town_a.name]
    b = [o for o in outlines if o["name"] == w.town_b.name]
    assert [o["source"] for o in a] == ["stored"] and a[0]["points"] == SQUARE
    assert len(b) == 2 and {o["source"] for o in b} == {"stored"}  # one outline per polygon of a MultiPolygon
    # importing again replaces, never duplicates
    import_outlines(_file(_feature(_circle(12), code="511902001")), district=w.district)
    assert RegionOutline.objects.filter(node=w.town_a).count() == 1
    assert RegionOutline.objects.get(node=w.town_a).points == 13


def test_a_region_without_an_outline_falls_back_to_the_hull(coded):
    from decimal import Decimal

    from wenming.dashboard.data import station_map
    from wenming.regions.services import node_create, station_create

    w = coded
    for i, (lon, lat) in enumerate(SQUARE[:4]):
        village = node_create(parent=w.town_b, kind="village", name=f"边界村{i}")
        station_create(node=village, name=f"边界站{i}", latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
    import_outlines(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, code="511902001")), district=w.district)
    sources = {o["name"]: o["source"] for o in station_map(w.district)["outlines"]}
    assert sources == {w.town_a.name: "stored", w.town_b.name: "hull"}


def test_any_bad_feature_writes_nothing_and_names_each_problem(coded):
    w = coded
    good = _feature({"type": "Polygon", "coordinates": [SQUARE]}, code="511902001")
    bad = [
        _feature({"type": "Polygon", "coordinates": [SQUARE]}, code="999999"),            # unknown place
        _feature({"type": "Point", "coordinates": [106.7, 31.8]}, code="511902101"),       # not a polygon
        _feature({"type": "Polygon", "coordinates": [[[31.8, 206.7], [31.9, 206.8], [31.9, 206.7], [31.8, 206.7]]]},
                 code="511902101"),                                                        # lat/lon swapped
        _feature({"type": "Polygon", "coordinates": [[["a", "b"]]]}, code="511902101"),    # not numbers
        _feature({"type": "Polygon", "coordinates": []}, code="511902101"),                # empty
        "not a feature",
    ]
    for feature in bad:
        with pytest.raises(InvalidInput) as err:
            import_outlines(_file(good, feature), district=w.district)
        assert err.value.message == "边界文件有误，未导入任何边界。"
        assert any(key.startswith("第2个要素") for key in err.value.errors), err.value.errors
        assert not RegionOutline.objects.exists()
    for content, message in [(b"\xff\xfe", "UTF-8"), (b"{}", "FeatureCollection"), (b"[1, 2]", "FeatureCollection"),
                             (_file(), "FeatureCollection")]:
        with pytest.raises(InvalidInput, match=message):
            import_outlines(content, district=w.district)
    with pytest.raises(InvalidInput):
        import_outlines(_file(good), district=w.district, by="adcode")
    assert not RegionOutline.objects.exists()


def test_a_place_of_another_district_is_unknown(coded):
    from wenming.regions.services import node_create

    w = coded
    other = node_create(name="恩阳区", kind="district")
    with pytest.raises(InvalidInput):
        import_outlines(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, code="511902001")), district=other)
    assert import_outlines(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, name="江北街道")),
                           district=w.district, by="name") == 1


def test_detailed_boundaries_are_simplified_and_crossing_ones_repaired():
    detailed = clean_geometry(_circle(5000))
    rings = exterior_rings(detailed)
    assert 10 < sum(len(r) for r in rings) <= MAX_POINTS
    # still the same place: every kept point on the original circle
    for lon, lat in rings[0]:
        assert abs(math.hypot(lon - 106.75, lat - 31.85) - 0.05) < 1e-5
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    repaired = clean_geometry(bowtie)
    assert repaired["type"] in ("Polygon", "MultiPolygon") and exterior_rings(repaired)
    assert clean_geometry(_feature({"type": "Polygon", "coordinates": [SQUARE]}))["coordinates"] == [SQUARE]


def test_command_and_admin_import(coded, tmp_path, client):
    w = coded
    path = tmp_path / "bazhou.geojson"
    path.write_bytes(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, code="511902001")))
    call_command("import_outlines", str(path), "--district", "巴州区")
    assert RegionOutline.objects.filter(node=w.town_a).exists()
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(_file(_feature({"type": "Polygon", "coordinates": [SQUARE]}, code="404")))
    with pytest.raises(CommandError, match="第1个要素"):
        call_command("import_outlines", str(bad), "--district", str(w.district.pk))
    with pytest.raises(CommandError, match="找不到区县"):
        call_command("import_outlines", str(path), "--district", "不存在区")
    # the admin: centre admins import for their district; others may only look
    client.force_login(w.center_admin)
    assert "导入边界文件" in client.get("/admin/regions/regionoutline/").content.decode()
    upload = SimpleUploadedFile("b.geojson", _file(_feature(_circle(8), code="511902101")))
    r = client.post("/admin/regions/regionoutline/import/", {"district": w.district.pk, "by": "code", "file": upload})
    assert r.status_code == 302 and RegionOutline.objects.filter(node=w.town_b).exists()
    upload = SimpleUploadedFile("c.geojson", b"not json")
    r = client.post("/admin/regions/regionoutline/import/", {"district": w.district.pk, "by": "code", "file": upload},
                    follow=True)
    assert "不是 UTF-8 编码的 GeoJSON" in r.content.decode()
    client.force_login(w.institute_admin)
    assert client.get("/admin/regions/regionoutline/import/").status_code == 403
    assert "导入边界文件" not in client.get("/admin/regions/regionoutline/").content.decode()
