"""A volunteer's whole path in a real browser, on a phone: register, be approved, sign up,
check in and out with the venue QR code, see hours and stars change, get a certificate that
the public page verifies."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.plugins.browser import sign_in
from wenming.activities.models import Signup
from wenming.activities.services import PublishInput, activity_publish
from wenming.volunteers.models import ServiceRecord, Volunteer
from wenming.volunteers.services import service_hours_credit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_volunteer_registers_serves_and_gets_a_verified_certificate(world, live_url, browser_page):
    w = world
    now = timezone.now()
    activity = activity_publish(actor=w.station_admin, data=PublishInput(
        title="“清洁家园”环境整治", kind="values", station=w.station_a.pk, place="龙舌坝社区广场",
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
        signup_opens_at=now - timedelta(days=1), signup_closes_at=now + timedelta(hours=1), capacity=10,
        skills_wanted="无"))

    # 1. registration on a phone
    phone = browser_page("phone")
    phone.goto(f"{live_url}/volunteers/register/")
    phone.fill("input[name=name]", "陈晓")
    phone.fill("input[name=phone]", "13712345678")
    phone.fill("input[name=id_number]", "511902199001011231")  # wrong check digit first
    phone.fill("input[name=password]", "Volunteer@2026")
    phone.select_option("select[name=home_station]", str(w.station_a.pk))
    phone.check(f"input[name=categories][value='{w.cat_elder.pk}']")
    phone.check("input[name=availability][value='5-morning']")
    phone.click("button:has-text('提交注册')")
    phone.wait_for_selector("text=校验位不正确")
    browser_page.screenshot(phone, "v1-register-error-phone")
    phone.fill("input[name=id_number]", "511902199001011232")
    phone.fill("input[name=password]", "Volunteer@2026")
    phone.click("button:has-text('提交注册')")
    phone.wait_for_selector("text=等待")
    browser_page.screenshot(phone, "v2-pending-phone")
    volunteer = Volunteer.objects.get(name="陈晓")
    assert volunteer.status == "pending"

    # 2. the station approves, at a desk
    admin = browser_page("desktop")
    sign_in(admin, live_url, "station_admin")
    admin.goto(f"{live_url}/volunteers/review/")
    browser_page.screenshot(admin, "v3-review-desktop")
    admin.locator(".card", has_text="陈晓").locator("button[value=approve]").click()
    admin.wait_for_selector("text=没有待审核的志愿者")
    volunteer.refresh_from_db()
    assert volunteer.status == "approved"
    # an earlier history (confirmed elsewhere) of 98 hours, so one more activity earns the first star
    for i in range(49):
        service_hours_credit(volunteer=volunteer, hours=Decimal("2"), source=ServiceRecord.Source.ORDER,
                             source_id=9000 + i, title="助老服务", place="龙舌坝社区",
                             served_on=date(2026, 1, 1) + timedelta(days=i), confirmed_by=w.station_admin)

    # 3. sign up from the calendar
    phone.goto(f"{live_url}/volunteers/me/")
    assert phone.locator("[data-testid=total-hours]").inner_text() == "98.0"
    assert phone.locator("[data-testid=stars]").get_attribute("aria-label") == "0星"
    phone.goto(f"{live_url}/activities/")
    phone.click("text=“清洁家园”环境整治")
    browser_page.screenshot(phone, "v4-activity-phone")
    phone.click("button:has-text('我要报名')")
    phone.wait_for_selector("text=报名成功")
    assert Signup.objects.filter(activity=activity, volunteer=volunteer, status="signed").exists()

    # 4. check in and out by opening the URL the venue QR code encodes
    admin.goto(f"{live_url}/activities/{activity.pk}/qr/")
    assert admin.locator("[data-testid=venue-qr] svg").count() == 1
    browser_page.screenshot(admin, "v5-venue-qr-desktop")
    checkin_url = admin.locator("[data-testid=scan-url]").get_attribute("href")
    phone.goto(checkin_url)
    phone.click("button:has-text('确认签到')")
    phone.wait_for_selector("[data-testid=scan-result]")
    browser_page.screenshot(phone, "v6-checked-in-phone")
    phone.goto(checkin_url)
    phone.click("button:has-text('确认签到')")
    phone.wait_for_selector("text=不能重复签到")
    admin.goto(f"{live_url}/activities/{activity.pk}/qr/?phase=out")
    phone.goto(admin.locator("[data-testid=scan-url]").get_attribute("href"))
    phone.click("button:has-text('确认签退')")
    phone.wait_for_selector("text=签退成功")
    signup = Signup.objects.get(activity=activity, volunteer=volunteer)
    assert signup.checkin_at and signup.checkout_at

    # 5. the organizer confirms attendance (a few seconds on site: the organizer enters the hours)
    admin.goto(f"{live_url}/activities/{activity.pk}/attendance/")
    admin.check(f"input[name=attended_{signup.pk}]")
    admin.fill(f"input[name=hours_{signup.pk}]", "2.5")
    browser_page.screenshot(admin, "v7-attendance-desktop")
    admin.click("[data-testid=confirm-btn]")
    admin.wait_for_selector("text=不能重复计入")

    # 6. hours and stars changed
    phone.goto(f"{live_url}/volunteers/me/")
    assert phone.locator("[data-testid=total-hours]").inner_text() == "100.5"
    assert phone.locator("[data-testid=stars]").get_attribute("aria-label") == "1星"
    browser_page.screenshot(phone, "v8-my-page-phone")

    # 7. a certificate, verified by the public page (an anonymous visitor)
    phone.click("button:has-text('出具证明')")
    phone.wait_for_selector("[data-testid=cert-code]")
    browser_page.screenshot(phone, "v9-certificate-phone")
    with phone.expect_download() as download:
        phone.click("[data-testid=pdf-link]")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/FontFile" in pdf
    verify_url = phone.locator("[data-testid=verify-link]").get_attribute("href")
    visitor = browser_page("phone")
    visitor.goto(verify_url)
    assert "证明真实有效" in visitor.locator("[data-testid=verdict]").inner_text()
    assert "100.5" in visitor.content() and "511902" not in visitor.content()
    browser_page.screenshot(visitor, "v10-verify-phone")
