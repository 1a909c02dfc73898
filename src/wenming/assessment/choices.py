"""States, kinds and the transition tables of the assessment app (docs/ASSESSMENT.md)."""

from django.db import models


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    TOWN = "town", "乡镇/街道"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"


FREQUENCY_BY_LABEL = {"每月": Frequency.MONTHLY, "月": Frequency.MONTHLY, "monthly": Frequency.MONTHLY,
                      "每季度": Frequency.QUARTERLY, "季度": Frequency.QUARTERLY, "quarterly": Frequency.QUARTERLY,
                      "每年": Frequency.YEARLY, "年": Frequency.YEARLY, "yearly": Frequency.YEARLY}


class TaskStatus(models.TextChoices):
    PENDING = "pending", "待申报"        # created by the month-start job, nothing filed yet
    SUBMITTED = "submitted", "待审核"    # the unit filed (or refiled); waits for the office
    RETURNED = "returned", "已退回"      # the office sent it back with reasons; the unit refiles
    APPROVED = "approved", "已通过"      # approved with a score; final


# action: (allowed sources, target)
TASK_TRANSITIONS = {
    "submit": ({TaskStatus.PENDING, TaskStatus.RETURNED}, TaskStatus.SUBMITTED),
    "approve": ({TaskStatus.SUBMITTED}, TaskStatus.APPROVED),
    "return": ({TaskStatus.SUBMITTED}, TaskStatus.RETURNED),
}

TASK_ACTION_LABEL = {"create": "生成任务", "submit": "申报", "approve": "审核通过", "return": "退回"}


class FileKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文档"


class CardColor(models.TextChoices):
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


class CardStatus(models.TextChoices):
    ISSUED = "issued", "已发出"       # in force
    APPEALED = "appealed", "申诉中"   # the unit appealed; the office decides
    UPHELD = "upheld", "维持"         # appeal refused: stays in force
    REVOKED = "revoked", "已撤销"     # appeal granted: no longer counts
    WITHDRAWN = "withdrawn", "已撤回"  # a red from yellows whose rule no longer holds after a yellow was revoked


CARD_IN_FORCE = (CardStatus.ISSUED, CardStatus.APPEALED, CardStatus.UPHELD)

CARD_TRANSITIONS = {
    "appeal": ({CardStatus.ISSUED}, CardStatus.APPEALED),
    "uphold": ({CardStatus.APPEALED}, CardStatus.UPHELD),
    "revoke": ({CardStatus.APPEALED}, CardStatus.REVOKED),
    # the system, when a yellow it rested on is revoked and too few yellows remain in force
    "withdraw": ({CardStatus.ISSUED, CardStatus.APPEALED, CardStatus.UPHELD}, CardStatus.WITHDRAWN),
    # the month-end job, when new yellows make the quarter's rule hold again
    "reissue": ({CardStatus.WITHDRAWN}, CardStatus.ISSUED),
}


class CardRuleCode(models.TextChoices):
    YELLOW_LATE = "yellow_late", "逾期申报（黄牌）"
    YELLOW_RETURNED = "yellow_returned", "多次退回（黄牌）"
    RED_YELLOWS = "red_yellows", "季度内多张黄牌（红牌）"
    RED_NOTHING_FILED = "red_nothing_filed", "整月未申报（红牌）"


class SiteKind(models.TextChoices):
    MARKET = "market", "农贸市场"
    BACK_STREET = "back_street", "背街小巷"
    TOILET = "toilet", "公共厕所"
    INTERSECTION = "intersection", "交通路口"
    COMPOUND = "compound", "居民小区"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"            # a rectification order is out, deadline running
    REPORTED = "reported", "待复查"    # the unit reported the fix; the inspector re-checks
    CLOSED = "closed", "已销号"        # re-check passed; final


PROBLEM_TRANSITIONS = {
    "report": ({ProblemStatus.OPEN}, ProblemStatus.REPORTED),
    "close": ({ProblemStatus.REPORTED}, ProblemStatus.CLOSED),
    "reopen": ({ProblemStatus.REPORTED}, ProblemStatus.OPEN),
}

PROBLEM_ACTION_LABEL = {"create": "登记问题", "report": "报告整改", "close": "复查通过", "reopen": "复查未通过",
                        "escalate": "逾期升级"}


class PhotoStage(models.TextChoices):
    FOUND = "found", "发现"
    FIXED = "fixed", "整改后"


class MeasureKind(models.TextChoices):
    TALK = "talk", "约谈"
    NOTICE = "notice", "通报批评"
    ORDER = "order", "限期整改通知"
    OTHER = "other", "其他"


class AdKind(models.TextChoices):
    BILLBOARD = "billboard", "户外广告牌"
    WALL = "wall", "墙体广告"
    LIGHTBOX = "lightbox", "灯箱/道旗"
    SCREEN = "screen", "电子屏"
    FENCE = "fence", "围挡"
    OTHER = "other", "其他"


class AdCondition(models.TextChoices):
    GOOD = "good", "完好"
    FADED = "faded", "褪色"       # flagged for replacement
    DAMAGED = "damaged", "破损"   # flagged for replacement


AD_NEEDS_REPLACEMENT = (AdCondition.FADED, AdCondition.DAMAGED)


class NomineeCategory(models.TextChoices):
    GOOD_PERSON = "good_person", "身边好人"
    GOOD_YOUTH = "good_youth", "新时代好少年"
    MORAL_MODEL = "moral_model", "道德模范"


class NomineeStatus(models.TextChoices):
    PENDING = "pending", "待审核"     # nominated; not public yet
    APPROVED = "approved", "已公示"   # public, can be voted for
    REJECTED = "rejected", "未通过"
