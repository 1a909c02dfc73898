"""Helpers for the apps' tests."""

import io
from contextlib import contextmanager

from django.db import transaction
from openpyxl import load_workbook

from wenming.core.excel import XLSX

# the password of every test account (the demo accounts' password too)
PASSWORD = "Wenming@2026"


def read_export(resp) -> tuple[str, list, list[dict]]:
    """A list export (core.excel) as (title, headers, rows as dicts by header), after checking
    that the response is one."""
    assert resp.status_code == 200, resp.content[:300]
    assert resp["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(resp.content)).worksheets[0].iter_rows(values_only=True))
    head = list(rows[1])
    return rows[0][0], head, [dict(zip(head, r, strict=True)) for r in rows[2:]]


def api_client(user=None):
    """An API client, signed in as `user` when one is given (DRF's force_authenticate)."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def signed_in(user):
    """A page client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@contextmanager
def rolled_back():
    """Try one request and undo whatever it wrote, so many cases can share one record."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)

