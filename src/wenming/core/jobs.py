"""Finds the periodic jobs each app declares in `tasks.JOBS`, without core importing the apps."""

from importlib import import_module

from django.apps import apps


def registered_jobs() -> dict:
    jobs = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("wenming."):
            continue
        try:
            module = import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.tasks":
                continue
            raise
        jobs.update(getattr(module, "JOBS", {}))
    return jobs
