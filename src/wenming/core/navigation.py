"""The top menu each role sees, and where each role starts after logging in.

Each app may declare in `<app>/nav.py`:
  NAV = {role: [(order, label, url_name), ...]}   (role None: anonymous visitors)
  START = {role: url_name}                         (a later app in INSTALLED_APPS wins)
Core merges them without importing the apps by name, so imports still point down.
"""

from functools import lru_cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@lru_cache(maxsize=1)
def _declarations():
    nav: dict = {}
    start: dict = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("wenming."):
            continue
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.nav":
                continue
            raise
        for role, entries in getattr(module, "NAV", {}).items():
            nav.setdefault(role, []).extend(entries)
        start.update(getattr(module, "START", {}))
    for entries in nav.values():
        entries.sort(key=lambda e: e[0])
    return nav, start


def _role(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return "center_admin" if user.is_superuser else user.role


def menu_for(user) -> list[tuple[str, str]]:
    nav, _ = _declarations()
    items = []
    for _order, label, name in nav.get(_role(user), []):
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    if getattr(user, "is_staff", False):
        items.append(("后台管理", reverse("admin:index")))
    return items


def start_page_for(user) -> str | None:
    _, start = _declarations()
    return start.get(_role(user))
