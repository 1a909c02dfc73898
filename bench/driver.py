"""Baseline 1: the rows of one order lifecycle written straight through the database driver.

Per lifecycle, five transactions, shaped like the service's (orders/services.py):

  place     BEGIN; INSERT order RETURNING id; UPDATE order SET number; INSERT event; COMMIT
  dispatch  BEGIN; SELECT status, version; UPDATE order ... WHERE id AND status AND version
            (compare-and-set, must hit one row); INSERT event; COMMIT
  accept    same as dispatch
  complete  same, plus per volunteer INSERT service_record and
            UPDATE volunteer SET total_hours = total_hours + h
  rate      same as dispatch

SQLite: one connection per client thread, WAL, synchronous=NORMAL, foreign_keys=ON,
BEGIN IMMEDIATE and a 20 s busy timeout, as the app's settings configure Django.
PostgreSQL: one psycopg connection per client thread, default isolation (read committed).

Column lists and constant defaults come from the models' _meta once, before the run, so
that the rows are the same shape as the app's; nothing Django runs inside the timed loop.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


class CASLost(Exception):
    pass


def _template(model, connection) -> dict:
    """column → constant default, prepared for the database like Django would."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


def plan(fx: dict, layer: str = "driver") -> dict:
    """Everything the driver needs, read from Django once (runs in the main thread)."""
    from django.conf import settings
    from django.db import connection

    from wenming.core.crypto import encrypt
    from wenming.orders.models import Order, OrderEvent
    from wenming.volunteers.models import ServiceRecord, Volunteer

    db = settings.DATABASES["default"]
    vendor = "sqlite" if db["ENGINE"].endswith("sqlite3") else "postgres"
    nullable = {}
    for model in (Order, OrderEvent, ServiceRecord):
        nullable[model._meta.db_table] = {f.column for f in model._meta.concrete_fields if f.null}
    team = fx["teams"][layer]
    return {
        "vendor": vendor,
        "sqlite_path": str(db["NAME"]) if vendor == "sqlite" else None,
        "pg": {k: db.get(k.upper()) for k in ("name", "user", "password", "host", "port")} if vendor == "postgres"
        else None,
        "t_order": Order._meta.db_table, "t_event": OrderEvent._meta.db_table,
        "t_record": ServiceRecord._meta.db_table, "t_volunteer": Volunteer._meta.db_table,
        "order_tpl": _template(Order, connection), "event_tpl": _template(OrderEvent, connection),
        "record_tpl": _template(ServiceRecord, connection), "nullable": nullable,
        "fx": fx, "team": team,
        # the app encrypts the phone on every save; the driver writes one ciphertext made up front
        "phone_cipher": encrypt("13800138000"),
    }


class DriverClient:
    """One client thread's connection and the five steps."""

    def __init__(self, p: dict):
        self.p = p
        self.vendor = p["vendor"]
        self.statements = 0
        self.selects = 0
        if self.vendor == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(p["sqlite_path"], timeout=20, isolation_level=None,
                                        check_same_thread=False)
            for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"):
                self.conn.execute(pragma)
            self.ph = "?"
        else:
            import psycopg

            pg = p["pg"]
            self.conn = psycopg.connect(dbname=pg["name"], user=pg["user"] or "postgres",
                                        password=pg["password"] or None, host=pg["host"] or None,
                                        port=pg["port"] or None)
            self.ph = "%s"

    # -- value adapters ------------------------------------------------------------------
    def ts(self, value: dt.datetime):
        if self.vendor == "sqlite":   # Django's sqlite backend: naive UTC text
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def dec(self, value: Decimal):
        return str(value) if self.vendor == "sqlite" else value

    def date(self, value: dt.date):
        return value.isoformat() if self.vendor == "sqlite" else value

    def js(self, value: dict):
        if self.vendor == "sqlite":
            return json.dumps(value)
        from psycopg.types.json import Jsonb

        return Jsonb(value)

    # -- plumbing ------------------------------------------------------------------------
    def begin(self):
        if self.vendor == "sqlite":
            self.conn.execute("BEGIN IMMEDIATE")
        # psycopg opens a transaction with the first statement

    def commit(self):
        self.conn.commit() if self.vendor == "postgres" else self.conn.execute("COMMIT")

    def rollback(self):
        self.conn.rollback() if self.vendor == "postgres" else self.conn.execute("ROLLBACK")

    def x(self, sql: str, params=()):
        self.statements += 1
        self.selects += sql.lstrip().upper().startswith("SELECT")
        return self.conn.execute(sql.replace("%s", self.ph), params)

    def insert(self, table: str, tpl: dict, values: dict, returning: bool = False):
        row = dict(tpl)
        row.update(values)
        missing = [c for c, v in row.items() if v is None and c not in self.p["nullable"][table]]
        if missing:
            raise RuntimeError(f"driver baseline cannot fill NOT NULL columns {missing} of {table}")
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(["%s"] * len(row))
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})' + (' RETURNING "id"' if returning else "")
        cur = self.x(sql, list(row.values()))
        return cur.fetchone()[0] if returning else None

    def event(self, order_id, actor_id, now, kind, from_status, to_status, note="", data=None):
        self.insert(self.p["t_event"], self.p["event_tpl"], {
            "order_id": order_id, "district_id": self.p["fx"]["district_id"], "actor_id": actor_id,
            "at": self.ts(now), "kind": kind, "from_status": from_status, "to_status": to_status,
            "note": note, "data": self.js(data or {})})

    def cas(self, order_id, src, dst, ts_col, due_days, extra: dict):
        """SELECT the version, then UPDATE ... WHERE status and version match: one row or lost."""
        t = self.p["t_order"]
        status, version = self.x(f'SELECT "status", "version" FROM "{t}" WHERE "id" = %s', [order_id]).fetchone()
        if status != src:
            raise CASLost(f"order {order_id} is {status}, not {src}")
        now = dt.datetime.now(UTC)
        sets = {"status": dst, ts_col: self.ts(now),
                "due_at": self.ts(now + dt.timedelta(days=due_days)) if due_days else None,
                "is_overdue": False, "escalation_level": 0, "escalated_to_id": None}
        sets.update(extra)
        assign = ", ".join(f'"{c}" = %s' for c in sets)
        cur = self.x(f'UPDATE "{t}" SET {assign}, "version" = "version" + 1 '
                     f'WHERE "id" = %s AND "status" = %s AND "version" = %s',
                     [*sets.values(), order_id, src, version])
        if cur.rowcount != 1:
            raise CASLost(f"order {order_id}: compare-and-set hit {cur.rowcount} rows")
        return now

    def step(self, fn, *args):
        self.begin()
        try:
            out = fn(*args)
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return out

    # -- the five steps ------------------------------------------------------------------
    def _place(self):
        fx, now = self.p["fx"], dt.datetime.now(UTC)
        t = self.p["t_order"]
        oid = self.insert(t, self.p["order_tpl"], {
            "district_id": fx["district_id"], "station_id": fx["station_id"], "path": fx["station_path"],
            "service_item_id": fx["service_item_id"], "citizen_id": fx["citizen"]["id"],
            "contact_name": "基准citizen", "contact_phone": self.p["phone_cipher"],
            "address": "基准测试社区1号", "description": "基准测试：上门助老服务", "status": "submitted",
            "version": 0, "submitted_at": self.ts(now), "due_at": self.ts(now + dt.timedelta(days=1)),
        }, returning=True)
        number = f"FW{now.astimezone(SHANGHAI):%Y%m%d}{oid:06d}"
        self.x(f'UPDATE "{t}" SET "number" = %s WHERE "id" = %s', [number, oid])
        self.event(oid, fx["citizen"]["id"], now, "place", None, "submitted")
        return oid

    def _dispatch(self, oid):
        team = self.p["team"]["id"]
        now = self.cas(oid, "submitted", "dispatched", "dispatched_at", 1,
                       {"team_id": team, "dispatch_mode": "assign"})
        self.event(oid, self.p["fx"]["station_admin"]["id"], now, "dispatch", "submitted", "dispatched",
                   data={"team": team, "mode": "assign"})

    def _accept(self, oid):
        now = self.cas(oid, "dispatched", "accepted", "accepted_at", 5, {})
        self.event(oid, self.p["team"]["leader"]["id"], now, "accept", "dispatched", "accepted",
                   data={"team": self.p["team"]["id"]})

    def _complete(self, oid, hours: Decimal):
        leader = self.p["team"]["leader"]["id"]
        summary = "已完成上门服务"
        now = self.cas(oid, "accepted", "completed", "completed_at", None,
                       {"summary": summary, "served_count": 2})
        vols = self.p["team"]["volunteers"]
        self.event(oid, leader, now, "complete", "accepted", "completed", note=summary,
                   data={"hours": [{"volunteer": v, "hours": str(hours)} for v in vols]})
        served_on = now.astimezone(SHANGHAI).date()
        for v in vols:
            self.insert(self.p["t_record"], self.p["record_tpl"], {
                "volunteer_id": v, "district_id": self.p["fx"]["district_id"], "source": "order",
                "source_id": oid, "title": f"{self.p['fx']['service_item_name']}（#{oid}）",
                "place": "基准测试社区1号", "served_on": self.date(served_on), "hours": self.dec(hours),
                "confirmed_by_id": leader, "created_at": self.ts(now)})
            self.x(f'UPDATE "{self.p["t_volunteer"]}" SET "total_hours" = "total_hours" + %s WHERE "id" = %s',
                   [self.dec(hours), v])

    def _rate(self, oid):
        comment = "很满意"
        now = self.cas(oid, "completed", "rated", "rated_at", None, {"score": 5, "comment": comment})
        self.event(oid, self.p["fx"]["citizen"]["id"], now, "rate", "completed", "rated", note=comment,
                   data={"score": 5})

    def run_step(self, name: str, oid, hours: Decimal):
        if name == "place":
            return self.step(self._place)
        if name == "complete":
            self.step(self._complete, oid, hours)
        else:
            self.step(getattr(self, f"_{name}"), oid)
        return oid

    def close(self):
        self.conn.close()
