def test_order_walks_all_four_steps_through_the_api(world, api):
    w = world
    r = api(w.citizen).post("/api/v1/orders/", {"service_item": w.item_elder.pk, "description": "老人需要陪同就医",
                                                "address": "龙舌坝社区3栋", "contact_phone": "13800001111"}, format="json")
    assert r.status_code == 201, r.json()
    oid = r.json()["id"]
    assert r.json()["status"] == "submitted"
    r = api(w.station_admin).post(f"/api/v1/orders/{oid}/dispatch/", {"team": w.team.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "dispatched"
    r = api(w.team_leader).post(f"/api/v1/orders/{oid}/accept/", {}, format="json")
    assert r.status_code == 200, r.json()
    r = api(w.team_leader).post(f"/api/v1/orders/{oid}/complete/", {
        "summary": "陪同就医完成", "served_count": 1, "hours": [{"volunteer": w.vol1.pk, "hours": "2.5"}]}, format="json")
    assert r.status_code == 200, r.json()
    r = api(w.citizen).post(f"/api/v1/orders/{oid}/rate/", {"score": 5, "comment": "很好"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "rated"
    events = api(w.citizen).get(f"/api/v1/orders/{oid}/events/").json()
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "submitted"), ("submitted", "dispatched"), ("dispatched", "accepted"),
        ("accepted", "completed"), ("completed", "rated")]
    w.vol1.refresh_from_db()
    assert str(w.vol1.total_hours) == "2.5"
