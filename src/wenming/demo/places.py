"""The shape of the demo district: towns, village names, departments and coordinates.

Town names are Bazhou's streets and towns; village and community names are invented
but sound like the place (坝, 垭, 湾, 沟 are how hills and valleys get named there).
"""

import random
from dataclasses import dataclass
from decimal import Decimal

DISTRICT_NAME = "巴州区"
CENTER_NAME = "巴州区新时代文明实践中心"
CENTER_ADDRESS = "巴中市巴州区江北大道中段巴州区新时代文明实践中心"
DISTRICT_LAT, DISTRICT_LON = 31.851, 106.768

# (name, latitude offset, longitude offset) from the district seat; streets sit in town,
# towns spread over the hills within about ±0.25°.
TOWNS = (
    ("江北街道", 0.012, -0.010), ("东城街道", 0.004, 0.028), ("西城街道", -0.002, -0.035),
    ("宕梁街道", -0.030, 0.045), ("回风街道", -0.022, -0.006), ("兴文街道", -0.048, -0.060),
    ("时新街道", 0.040, 0.050), ("曾口镇", -0.160, 0.150), ("梁永镇", -0.210, -0.060),
    ("清江镇", 0.120, 0.200), ("水宁寺镇", 0.150, -0.120), ("化成镇", 0.090, -0.200),
    ("大茅坪镇", -0.100, 0.240), ("三江镇", -0.180, -0.190), ("鼎山镇", 0.220, 0.040),
    ("平梁镇", -0.060, -0.230), ("光辉镇", 0.200, -0.020), ("枣林镇", -0.230, 0.080),
    ("大和乡", 0.060, 0.230), ("天马山镇", 0.240, 0.150), ("凤溪镇", -0.130, -0.110),
    ("金碑乡", 0.170, 0.230),
)

# the station the demo accounts live in: the first village of the first town
HOME_VILLAGE = "龙舌坝社区"

URBAN_NAMES = (
    "滨河", "江北", "望王", "莲花", "回龙", "南池", "北龛", "东门", "西华", "红旗", "光明", "人民",
    "朝阳", "新华", "文峰", "金山", "玉堂", "翠屏", "五福", "三台", "双龙", "柳津", "白云", "书院",
    "奎星", "龙泉", "凤凰", "兴合", "玉井", "黄家沟", "塔子山", "宕梁", "津桥", "后坝", "廻风", "草坝",
    "老观", "鹿鸣", "彩虹", "平昌路", "江南", "得胜", "梓潼", "寿山", "桃园", "杨柳", "金桂", "枫林",
    "九龙", "青山", "兴隆", "银杏", "华府", "晏家", "石城", "明月", "南龛", "苏山", "梁家", "江月",
    "云台", "福星", "天星", "华岩", "紫薇", "龙城", "菜园", "学府", "新民", "文昌",
)
RURAL_FIRST = "青白黄石龙凤金银桂柏松桃杏梨竹茶马鹤双三五七九新高平长大小上中东西南北清红碧翠安兴福寿永太和宝玉丰乐观明"
RURAL_SECOND = "山河湾坝岩沟坪垭梁岭桥塘溪林坡嘴庙寺场台井田园坎口滩垇堰"

GRID_NAMES = ("第一网格", "第二网格", "第三网格", "第四网格")

DEPARTMENTS = (
    ("区综合行政执法局", "城管"), ("区公安分局交警大队", "交警"), ("区环境卫生服务中心", "环卫"),
    ("区住房和城乡建设局", "住建"), ("区民政局", "民政"), ("区卫生健康局", "卫健"),
    ("区市场监督管理局", "市场监管"), ("区生态环境分局", "生态环境"), ("区水务局", "水务"),
    ("区交通运输局", "交通"), ("区教育科技局", "教科"), ("区文化广播电视和旅游局", "文广旅"),
    ("区应急管理局", "应急"), ("区自然资源分局", "自然资源"),
)


@dataclass(frozen=True)
class TownPlan:
    index: int
    name: str
    is_street: bool
    latitude: Decimal
    longitude: Decimal
    villages: tuple[tuple[str, Decimal, Decimal], ...]


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _split(total: int, parts: int, weights: list[float]) -> list[int]:
    """Share `total` among `parts` in proportion to `weights`, each at least one (largest remainder)."""
    spare = total - parts
    raw = [spare * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(parts), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _unique_name(rng: random.Random, used: set[str], urban: bool, suffix: str) -> str:
    pool = [n for n in URBAN_NAMES if n + suffix not in used] if urban else []
    if pool:
        name = rng.choice(pool) + suffix
    else:
        while True:
            name = rng.choice(RURAL_FIRST) + rng.choice(RURAL_SECOND) + suffix
            if name not in used:
                break
    used.add(name)
    return name


def plan_towns(rng: random.Random, *, towns: int, stations: int) -> list[TownPlan]:
    """Which towns exist and which villages each has, with coordinates; deterministic per seed."""
    if not 1 <= towns <= len(TOWNS):
        raise ValueError(f"towns must be 1–{len(TOWNS)}")
    if stations < towns:
        raise ValueError("need at least one village station per town")
    chosen = TOWNS[:towns]
    # streets are smaller (8–11 communities), rural towns larger (11–18 villages)
    weights = [rng.uniform(8, 11) if name.endswith("街道") else rng.uniform(11, 18) for name, _, _ in chosen]
    counts = _split(stations, towns, weights)
    used = {HOME_VILLAGE}
    plans = []
    for index, ((name, dlat, dlon), count) in enumerate(zip(chosen, counts, strict=True), start=1):
        is_street = name.endswith("街道")
        lat, lon = DISTRICT_LAT + dlat, DISTRICT_LON + dlon
        villages = []
        for j in range(count):
            if index == 1 and j == 0:
                village = HOME_VILLAGE
            elif not is_street and j == 0:
                # the town seat is a community named after the town
                village = name.removesuffix("镇").removesuffix("乡") + "社区"
                used.add(village)
            else:
                urban = is_street or rng.random() < 0.1
                village = _unique_name(rng, used, urban, "社区" if urban else "村")
            spread = 0.012 if is_street else 0.035
            villages.append((village, coordinate(lat + rng.uniform(-spread, spread)),
                             coordinate(lon + rng.uniform(-spread, spread))))
        plans.append(TownPlan(index=index, name=name, is_street=is_street, latitude=coordinate(lat),
                              longitude=coordinate(lon), villages=tuple(villages)))
    return plans
