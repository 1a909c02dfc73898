"""No page scrolls sideways on a 390 px phone: every role's menu pages, its start page and the
pages every account has (messages, their settings, the outbox), with records on them (an
order, a demand sent to a department, a volunteer waiting for review), in Debian's chromium.

A page fails when `document.documentElement.scrollWidth` exceeds the viewport; the failure
names the widest elements, so the fix is easy to find."""

import pytest

from tests.plugins.browser import sign_in
from wenming.core.navigation import menu_for, start_page_for
from wenming.orders.services import PlaceInput, order_dispatch, order_place
from wenming.regions.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["citizen", "volunteer_user", "team_leader", "station_admin", "institute_admin", "center_admin",
         "leader", "dept_handler", "office_admin"]
EVERYONE = ["/notices/", "/notices/settings/", "/notices/outbox/"]

WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .map(e => [e.getBoundingClientRect().right, e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')])
    .filter(([right]) => right > limit + 1).sort((a, b) => b[0] - a[0]).slice(0, 3)
    .map(([right, name]) => name + ' ' + Math.round(right));
}"""


def _records(w):
    order = order_place(actor=w.citizen, data=PlaceInput(
        service_item=w.item_elder.pk, description="老人行动不便，需要有人陪同去医院复查，并帮忙取药和办理医保报销手续",
        address="龙舌坝社区3栋2单元402", contact_phone="13800001111", station=w.station_a.pk))
    order_dispatch(order_id=order.pk, actor=w.station_admin, team_id=w.team.pk)
    return order


def _pages(user) -> list[str]:
    pages = [url for _label, url in menu_for(user) if not url.startswith("/admin")]
    start = start_page_for(user)
    if start:
        from django.urls import reverse

        pages.append(reverse(start))
    return list(dict.fromkeys(pages + EVERYONE))


# those who see the order's own page (its number and long need must not widen it)
SEES_THE_ORDER = {"citizen", "team_leader", "station_admin", "institute_admin", "center_admin", "leader"}


def test_no_main_page_of_any_role_scrolls_sideways_on_a_phone(world, live_url, browser_page):
    order = _records(world)
    too_wide, visited = [], 0
    for role in ROLES:
        user = User.objects.get(pk=getattr(world, role).pk)
        page = browser_page("phone")
        sign_in(page, live_url, user.username)
        extra = [f"/orders/{order.pk}/"] if role in SEES_THE_ORDER else []
        for path in _pages(user) + extra:
            visited += 1
            response = page.goto(f"{live_url}{path}")
            if response is None or response.status >= 400:
                too_wide.append(f"{role} {path}: HTTP {response.status if response else '-'}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                too_wide.append(f"{role} {path}: {width}px — {page.evaluate(WIDEST)}")
        page.close()
    assert too_wide == []
    assert visited >= 5 * len(ROLES)  # the menus were really read
