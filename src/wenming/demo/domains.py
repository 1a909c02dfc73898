"""Demo steps of the later domains (activities, demands, assessment), run after the orders.

Each lives in its own module `wenming.demo.<name>` defining
    LABEL = "生成……"                 # shown while it runs
    def build(ctx: DemoContext) -> None
so a domain's demo data can be added without touching the builder.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

DOMAIN_MODULES = ("activities_story", "demands_story", "assessment_story", "open311_story")


@dataclass
class DemoContext:
    region: object          # wenming.demo.region.Region: district, towns, villages, home village
    users: dict             # the DESIGN §6 accounts by username
    size: object            # wenming.demo.builder.DemoSize
    stream: Callable        # stream(name) -> random.Random, reproducible per part
    log: Callable[[str], None]


def domain_steps():
    for name in DOMAIN_MODULES:
        try:
            module = import_module(f"wenming.demo.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"wenming.demo.{name}":
                continue
            raise
        yield module.LABEL, module.build
