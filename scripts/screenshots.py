"""Screenshot the main pages of a running demo for each role, at phone and desktop size.

    WENMING_VAR_DIR=var .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 artifacts/review

Not a test: it is how we look at what people see. Needs Debian's chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2),
         "desktop": dict(viewport={"width": 1440, "height": 900})}
TOURS = {
    None: ["/", "/orders/new/", "/login/"],
    "citizen": ["/orders/mine/", "/orders/new/", "first:/orders/mine/"],
    "team_leader": ["/orders/tasks/", "/orders/tasks/?tab=serving", "first:/orders/tasks/?tab=serving"],
    "station_admin": ["/orders/console/", "first:/orders/console/", "/admin/"],
    "center_admin": ["/orders/console/", "/admin/orders/order/"],
    "leader": ["/orders/console/"],
}


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, opts in SIZES.items():
            for user, paths in TOURS.items():
                ctx = browser.new_context(locale="zh-CN", **opts)
                page = ctx.new_page()
                if user:
                    page.goto(f"{base}/login/")
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", "Wenming@2026")
                    page.click("button:has-text('登录')")
                for n, path in enumerate(paths):
                    if path.startswith("first:"):
                        page.goto(base + path[6:])
                        link = page.locator("a[href^='/orders/'][href$='/']").filter(has_text="FW").first
                        if link.count() == 0:
                            link = page.locator("a.order-card, .order-card a").first
                        link.click()
                    else:
                        page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    name = f"{size}-{user or 'anon'}-{n}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    print(out / name)
                ctx.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2] if len(sys.argv) > 2 else "artifacts/review"))
