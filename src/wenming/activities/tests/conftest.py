from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wenming.activities.services import PublishInput, activity_publish


@pytest.fixture
def publish(world):
    """publish(**overrides) -> Activity at 龙舌坝 station by its admin; by default it is under way now."""

    def make(actor=None, **kw):
        now = timezone.now()
        data = dict(title="重阳敬老志愿服务", kind="values", station=world.station_a.pk, place="龙舌坝社区活动室",
                    starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
                    signup_opens_at=now - timedelta(days=2), signup_closes_at=now + timedelta(hours=1),
                    capacity=5, skills_wanted="陪伴、理发", latitude=Decimal("31.871"), longitude=Decimal("106.751"))
        data.update(kw)
        return activity_publish(actor=actor or world.station_admin, data=PublishInput(**data))

    return make


@pytest.fixture
def future(world, publish):
    now = timezone.now()
    return publish(starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=3),
                   signup_closes_at=now + timedelta(days=1))


def shift(monkeypatch, delta):
    """Move the clock seen by the services by `delta`."""
    real = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real + delta)
