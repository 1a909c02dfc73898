"""Made-up people: Chinese names, mobile numbers and valid ID card numbers.

Everything comes from one seeded `random.Random`, so the same seed gives the same
people. ID numbers and phones are never repeated within one `People`.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from wenming.core.validators import id_check_char

# Common surnames, weighted roughly by how often they occur in north-eastern Sichuan
# (苟, 岳, 向, 母 are local to Bazhong).
SURNAMES = (
    ("王", 9), ("李", 9), ("张", 8), ("刘", 7), ("陈", 7), ("杨", 6), ("何", 5), ("罗", 5), ("赵", 4),
    ("黄", 4), ("周", 4), ("吴", 4), ("苟", 4), ("岳", 3), ("向", 3), ("徐", 3), ("孙", 3), ("胡", 3),
    ("朱", 3), ("郭", 3), ("马", 2), ("高", 2), ("林", 2), ("郑", 2), ("梁", 2), ("谢", 2), ("唐", 3),
    ("冯", 2), ("宋", 2), ("邓", 3), ("彭", 2), ("曾", 2), ("田", 2), ("袁", 2), ("蒋", 2), ("杜", 2),
    ("余", 2), ("任", 2), ("谭", 2), ("廖", 2), ("熊", 1), ("母", 2), ("侯", 1), ("雷", 1), ("文", 1),
    ("付", 2), ("鲜", 1), ("庞", 1), ("蒲", 1), ("景", 1),
)
MALE_CHARS = "伟强军磊勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊帆波东林峰海文亮成德顺福贵荣兵松川江"
FEMALE_CHARS = "芳娜敏静丽艳娟霞红燕玲婷雪琴梅莉兰英慧倩洁颖佳欣悦萍琳蓉秀玉桂春"
MALE_GIVEN = ("建国", "建华", "国强", "志强", "志明", "德明", "永福", "国华", "文斌", "俊杰", "子豪",
              "浩然", "宇航", "家豪", "明辉", "学军", "绍华", "长林", "正兵", "云龙")
FEMALE_GIVEN = ("秀英", "秀兰", "桂英", "玉兰", "桂兰", "秀珍", "淑华", "春梅", "丽华", "晓燕",
                "雨欣", "梓涵", "思琪", "欣怡", "婷婷", "佳怡", "紫涵", "雪梅", "红梅", "小琴")
MOBILE_PREFIXES = tuple(f"13{d}" for d in range(10)) + ("150", "151", "152", "153", "155", "156",
                                                        "157", "158", "159") + tuple(f"18{d}" for d in range(10))


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    id_number: str
    is_male: bool


class People:
    """A source of unique made-up residents of the district whose area code is `area`."""

    def __init__(self, rng: random.Random, area: str = "511902", born_from: int = 1950, born_to: int = 2005):
        self.rng = rng
        self.area = area
        self._first_day = date(born_from, 1, 1)
        self._days = (date(born_to, 12, 31) - self._first_day).days
        self._phones: set[str] = set()
        self._ids: set[str] = set()
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_weights = [w for _, w in SURNAMES]

    def with_rng(self, rng: random.Random) -> "People":
        """The same registry of numbers handed out, drawing from another random stream."""
        other = People.__new__(People)
        other.__dict__.update(self.__dict__)
        other.rng = rng
        return other

    def reserve(self, *, phones=(), id_numbers=()) -> None:
        """Numbers already handed out elsewhere, never to be generated again."""
        self._phones.update(phones)
        self._ids.update(id_numbers)

    def name(self, is_male: bool) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, self._surname_weights)[0]
        roll = rng.random()
        if roll < 0.25:
            given = rng.choice(MALE_GIVEN if is_male else FEMALE_GIVEN)
        elif roll < 0.6:
            given = rng.choice(MALE_CHARS if is_male else FEMALE_CHARS)
        else:
            pool = MALE_CHARS if is_male else FEMALE_CHARS
            given = rng.choice(pool) + rng.choice(pool)
        return surname + given

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def id_number(self, is_male: bool) -> str:
        """A GB 11643 ID number: area, birth date, sequence (odd for men), check character."""
        while True:
            born = self._first_day + timedelta(days=self.rng.randrange(self._days + 1))
            sequence = self.rng.randrange(100) * 10 + self.rng.randrange(0 if not is_male else 1, 10, 2)
            first17 = f"{self.area}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def person(self, is_male: bool | None = None) -> Person:
        if is_male is None:
            # volunteers in civilisation-practice work are somewhat more often women
            is_male = self.rng.random() < 0.45
        return Person(name=self.name(is_male), phone=self.phone(), id_number=self.id_number(is_male),
                      is_male=is_male)
