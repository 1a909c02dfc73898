"""Notice delivery benchmark (issue 13). Not a test.

N notices (one event each, to N people with a phone and a WeChat binding) are written through
`core.notices.notify`, each in its own transaction as a service would; their outbox rows go
through the real task queue (huey, consumed here by a thread consumer) and out through the
real SDKs (Tencent Cloud SMS, wechatpy) to the loopback fake providers of tests/fake_providers,
which answer a transient error to every Fth request. The periodic pass (`outbox.deliver_due`)
then takes the retries, with the clock moved past each wait. Finally it counts what the
providers accepted: every row sent once, no duplicates.

  .venv/bin/python bench/notices_delivery.py -n 10000 --fail-every 20

Prints `notices: sent=… retried=… failed=… duplicates=… seconds=…` last. All traffic stays on
127.0.0.1; the run uses a fresh temporary WENMING_VAR_DIR (SQLite) that it removes afterwards.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000, help="notices (people), at most 100000")
    ap.add_argument("--fail-every", type=int, default=20, help="every Fth provider request fails once (0: none)")
    ap.add_argument("--workers", type=int, default=4, help="queue consumer threads")
    args = ap.parse_args()
    n = max(1, min(args.n, 100_000))
    var = Path(tempfile.mkdtemp(prefix="wenming-notices-"))
    os.environ.update({"WENMING_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "wenming.settings", "NO_PROXY": "127.0.0.1"})
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    try:
        run(n, args.fail_every, args.workers)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def run(n: int, fail_every: int, workers: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from tests.fake_providers import Providers, channel_settings
    from wenming.core import notices, outbox
    from wenming.core.models import Delivery
    from wenming.regions.choices import NodeKind, Role
    from wenming.regions.models import User
    from wenming.regions.services import node_create

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    village = node_create(name="龙舌坝社区", kind=NodeKind.VILLAGE,
                          parent=node_create(name="江北街道", kind=NodeKind.TOWN,
                                             parent=node_create(name="巴州区", kind=NodeKind.DISTRICT)))
    User.objects.bulk_create([User(username=f"citizen{i:06d}", role=Role.CITIZEN, node=village, phone=f"139{i:08d}",
                                   wechat_openid=f"oBench{i:010d}") for i in range(n)], batch_size=2000)
    people = list(User.objects.filter(role=Role.CITIZEN).order_by("pk"))
    notices.register("bench:ping", "压测消息", sms=True, wechat=True)
    with Providers(fail_every=fail_every) as providers:
        settings.NOTICE_CHANNELS = channel_settings(providers)
        settings.NOTICE_CHANNELS["SMS"]["QUIET_HOURS"] = (24, 0)  # no quiet hours: the run may be at night
        HUEY.immediate = False
        consumer = HUEY.create_consumer(workers=workers, worker_type="thread", periodic=False)
        started = time.perf_counter()
        for i, person in enumerate(people):
            with transaction.atomic():
                notices.notify([person], key=f"bench:ping:{i}", title="订单已派出", body="龙舌坝助老服务队将上门",
                               link=f"/orders/{i}/", params=["助老助残", "龙舌坝助老服务队"])
        written = time.perf_counter() - started
        consumer.start()  # the workers and scheduler threads, without the signal handlers of run()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and (HUEY.pending_count() or Delivery.objects.filter(status="sending").exists()):
            time.sleep(0.5)
        consumer.stop(graceful=True)
        queued = time.perf_counter() - started
        by_queue = Delivery.objects.filter(status="sent").count()
        now = timezone.now()
        for wait in settings.NOTICE_CHANNELS["RETRY_SECONDS"] + [0]:
            if not Delivery.objects.filter(status="pending").exists():
                break
            now += dt.timedelta(seconds=wait + 1)
            outbox.deliver_due(now=now, limit=10 * n)
        total = time.perf_counter() - started
        rows = collections.Counter(Delivery.objects.values_list("status", flat=True))
        retried = Delivery.objects.filter(attempts__gt=1).count()
        contexts = [m["SessionContext"] for m in providers.sms]
        openids = [m["touser"] for m in providers.wechat]
        duplicates = (len(contexts) - len(set(contexts))) + (len(openids) - len(set(openids)))
    print(f"rows: {dict(rows)} (2 per notice: SMS and WeChat)")
    print(f"provider accepted: sms={len(providers.sms)} wechat={len(providers.wechat)} "
          f"refused_requests={len(providers.refused)} tokens_fetched={providers.tokens_issued}")
    print(f"sent by the queue right after commit: {by_queue}; the rest by the periodic pass after their waits")
    print(f"timing: notify {written:.1f}s ({n / written:.0f}/s), through the queue {queued:.1f}s, "
          f"with retries {total:.1f}s; machine {os.cpu_count()} cores")
    print(f"notices: n={n} sent={rows.get('sent', 0)} retried={retried} failed={rows.get('failed', 0)} "
          f"duplicates={duplicates} seconds={total:.1f}")


if __name__ == "__main__":
    main()
