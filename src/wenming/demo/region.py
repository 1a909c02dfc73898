"""The region tree of the demo district, its practice stations and departments, built through
the regions services."""

import random
from dataclasses import dataclass, field

from django.conf import settings

from wenming.demo import places
from wenming.regions.choices import NodeKind
from wenming.regions.models import Department, Node, Station
from wenming.regions.services import department_create, node_create, station_create


@dataclass
class Village:
    node: Node
    station: Station
    town: Node


@dataclass
class Region:
    district: Node
    center: Station
    towns: list[tuple[Node, Station]] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    grids: list[Node] = field(default_factory=list)

    @property
    def home(self) -> Village:
        """The village the demo accounts live in."""
        return self.villages[0]


def _station_phone(rng: random.Random) -> str:
    return f"0827-{rng.randrange(5200000, 5299999)}"


def region_build(rng: random.Random, *, towns: int, stations: int) -> Region:
    """District → towns (each with an institute) → villages (each with a station) → a few grids."""
    code = settings.WENMING["DISTRICT_CODE"]
    district = node_create(name=places.DISTRICT_NAME, kind=NodeKind.DISTRICT, code=code,
                           latitude=places.coordinate(places.DISTRICT_LAT),
                           longitude=places.coordinate(places.DISTRICT_LON))
    center = station_create(node=district, name=places.CENTER_NAME, address=places.CENTER_ADDRESS,
                            phone="0827-5266012")
    region = Region(district=district, center=center)
    for plan in places.plan_towns(rng, towns=towns, stations=stations):
        town_code = f"{code}{plan.index:03d}"
        town = node_create(name=plan.name, kind=NodeKind.TOWN, parent=district, code=f"{town_code}000",
                           latitude=plan.latitude, longitude=plan.longitude)
        institute = station_create(node=town, name=f"{plan.name}新时代文明实践所",
                                   address=f"巴中市巴州区{plan.name}便民服务中心", phone=_station_phone(rng))
        region.towns.append((town, institute))
        for j, (name, lat, lon) in enumerate(plan.villages, start=1):
            village = node_create(name=name, kind=NodeKind.VILLAGE, parent=town, code=f"{town_code}{j:03d}",
                                  latitude=lat, longitude=lon)
            station = station_create(node=village, name=f"{name}新时代文明实践站",
                                     address=f"巴中市巴州区{plan.name}{name}党群服务中心", phone=_station_phone(rng))
            region.villages.append(Village(node=village, station=station, town=town))
    _grids_build(rng, region)
    for name, short in places.DEPARTMENTS:
        region.departments[short] = department_create(district=district, name=name, short_name=short)
    return region


def _grids_build(rng: random.Random, region: Region) -> None:
    """All four grids under the home community; two or three under a few urban communities."""
    communities = [v for v in region.villages[1:] if v.node.name.endswith("社区")]
    chosen = [(region.home, 4)] + [(v, rng.choice((2, 3))) for v in rng.sample(communities, min(6, len(communities)))]
    for village, count in chosen:
        for name in places.GRID_NAMES[:count]:
            region.grids.append(node_create(name=name, kind=NodeKind.GRID, parent=village.node,
                                            latitude=village.node.latitude, longitude=village.node.longitude))
