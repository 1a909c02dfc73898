"""The pages' small behaviours (static/js/app.js) under the Content-Security-Policy.

No page carries an inline script or handler: the policy allows scripts from /static/ only, so
a script that an attacker's stored text might smuggle in is refused by the browser itself.
"""

import io

import pytest
from PIL import Image

from tests.plugins.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_the_browser_refuses_an_inline_script_and_the_suite_notices(world, live_url, browser_page):
    page = browser_page("phone")
    sign_in(page, live_url, "citizen")
    response = page.goto(f"{live_url}/demands/report/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy

    ran = page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.smuggled = 1'; document.body.appendChild(s); return window.smuggled === 1; }""")
    assert ran is False
    page.wait_for_timeout(100)  # the console message arrives after the refusal
    assert any("Content Security Policy" in v for v in browser_page.csp_violations)
    browser_page.csp_violations.clear()  # this page broke the policy on purpose


def test_report_page_locates_the_citizen_and_counts_the_photos(world, live_url, browser_page):
    page = browser_page("phone", geolocation={"latitude": 31.8512, "longitude": 106.7473},
                        permissions=["geolocation"])
    sign_in(page, live_url, "citizen")
    page.goto(f"{live_url}/demands/report/")
    page.click("#locate")
    page.wait_for_selector("#locate-msg:has-text('已记录位置')")
    assert page.input_value("#lat") == "31.851200"
    assert page.input_value("#lng") == "106.747300"

    photos = page.locator("input[name=photos]")
    photos.set_input_files([{"name": f"{n}.png", "mimeType": "image/png", "buffer": _png()} for n in range(2)])
    assert page.locator(".file-pick .muted").inner_text() == "已选 2 张"
    photos.set_input_files([])
    assert page.locator(".file-pick .muted").inner_text() == "未选择照片"
    browser_page.screenshot(page, "report-located-phone")


def test_a_refused_location_says_so_and_leaves_the_fields_empty(world, live_url, browser_page):
    page = browser_page("phone")  # no permission granted: the request fails
    sign_in(page, live_url, "citizen")
    page.goto(f"{live_url}/demands/report/")
    page.click("#locate")
    page.wait_for_selector("#locate-msg:has-text('定位失败')")
    assert page.input_value("#lat") == "" and page.input_value("#lng") == ""
