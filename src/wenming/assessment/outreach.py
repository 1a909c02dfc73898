"""Public-service ads inventory and exemplary-people selection with public voting.

Anti-stuffing (docs/ASSESSMENT.md): one vote per voter per campaign per day, held by a unique
constraint; a voter is the account when logged in, else the phone number given (as a keyed
digest), else a random browser cookie; and at most VOTES_PER_IP_PER_DAY votes per campaign
from one IP address a day (429 beyond).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wenming.assessment import permissions, selectors
from wenming.assessment.choices import AdCondition, AdKind, NomineeCategory, NomineeStatus
from wenming.assessment.codes import Code
from wenming.assessment.events import event_write
from wenming.assessment.models import Campaign, Nominee, PublicAd, Vote
from wenming.assessment.selectors import ad_get_for, district_id_of, is_office, unit_get_for
from wenming.assessment.services.common import _require_office_admin, _text
from wenming.core import workflow
from wenming.core.crypto import digest
from wenming.core.errors import (
    ActionForbidden,
    DomainError,
    InvalidInput,
    NotFound,
    TransitionRefused,
)
from wenming.core.inputs import record_id
from wenming.core.uploads import clean_photo
from wenming.core.validators import validate_phone
from wenming.regions.models import Node


class TooManyVotes(DomainError):
    status_code = 429
    default_code = "too_many_votes"


def _district(actor) -> Node:
    return Node.objects.get(pk=district_id_of(actor))


# ---------------------------------------------------------------------------- ads


@transaction.atomic
def ad_record(*, actor, place: str, kind: str, size: str = "", unit_id=None, photo=None,
              condition: str = AdCondition.GOOD, checked_on: dt.date | None = None) -> PublicAd:
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有文明办或督查员可以登记公益广告", code=Code.OFFICE_ONLY)
    if kind not in AdKind.values:
        raise InvalidInput("形式有误", errors={"kind": ["未知的广告形式"]})
    if condition not in AdCondition.values:
        raise InvalidInput("状况有误", errors={"condition": ["未知的状况"]})
    unit = unit_get_for(user=actor, unit_id=unit_id) if unit_id not in (None, "") else None
    ad = PublicAd.objects.create(district=_district(actor), place=_text(place, "place", max_length=200), kind=kind,
                                 size=_text(size, "size", required=False, max_length=40), unit=unit,
                                 photo=clean_photo(photo, field="photo") if photo else "", condition=condition,
                                 last_checked=checked_on or timezone.localdate())
    event_write(district_id=ad.district_id, target="ad", target_id=ad.pk, actor=actor, action="create",
                to_status=condition)
    return ad


@transaction.atomic
def ad_check(*, actor, ad_id, condition: str, photo=None, note: str = "", checked_on=None) -> PublicAd:
    """Record an inspection of an ad; faded or damaged ones are flagged for replacement."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有文明办或督查员可以检查公益广告", code=Code.OFFICE_ONLY)
    ad = ad_get_for(user=actor, ad_id=ad_id)
    if condition not in AdCondition.values:
        raise InvalidInput("状况有误", errors={"condition": ["未知的状况"]})
    before = ad.condition
    ad.condition = condition
    ad.note = _text(note, "note", required=False, max_length=200)
    ad.last_checked = checked_on or timezone.localdate()
    if photo:
        ad.photo = clean_photo(photo, field="photo")
    ad.save()
    event_write(district_id=ad.district_id, target="ad", target_id=ad.pk, actor=actor, action="check",
                from_status=before, to_status=condition, note=ad.note)
    return ad


# ---------------------------------------------------------------------------- nominations and votes


@transaction.atomic
def campaign_create(*, actor, title: str, starts_on: dt.date, ends_on: dt.date) -> Campaign:
    _require_office_admin(actor)
    if ends_on < starts_on:
        raise InvalidInput("日期有误", errors={"ends_on": ["截止日期不能早于开始日期"]})
    return Campaign.objects.create(district=_district(actor), title=_text(title, "title", max_length=100),
                                   starts_on=starts_on, ends_on=ends_on)


@transaction.atomic
def nominee_nominate(*, actor, campaign_id, name: str, category: str, story: str, photo=None) -> Nominee:
    """Any signed-in person nominates; the office reviews before the nominee is public."""
    if not getattr(actor, "is_authenticated", False):
        raise ActionForbidden("请先登录再推荐", code=Code.LOGIN_REQUIRED)
    campaign = selectors.campaign_list_for(user=actor).filter(pk=record_id(campaign_id) or 0).first()
    if campaign is None:
        raise NotFound()
    if category not in NomineeCategory.values:
        raise InvalidInput("类别有误", errors={"category": ["未知的类别"]})
    return Nominee.objects.create(campaign=campaign, name=_text(name, "name", max_length=40), category=category,
                                  story=_text(story, "story"), nominated_by=actor, nominated_at=timezone.now(),
                                  photo=clean_photo(photo, field="photo") if photo else "")


def _nominee_event(nominee, *, actor, kind, from_status, to_status, at, note="", data=None):
    return event_write(district_id=nominee.campaign.district_id, target="nominee", target_id=nominee.pk, actor=actor,
                       action=kind, at=at, from_status=from_status, to_status=to_status, note=note, data=data)


NOMINEE_REVIEW = workflow.review_flow(Nominee, noun="候选人", pending=NomineeStatus.PENDING,
                                      approved=NomineeStatus.APPROVED, rejected=NomineeStatus.REJECTED,
                                      record=_nominee_event, reject_label="退回")


@transaction.atomic
def nominee_review(*, actor, nominee_id, approve: bool) -> Nominee:
    """The office approves a nominee (then public and open to votes) or turns it down."""
    _require_office_admin(actor)
    if not is_office(actor):
        raise NotFound()
    nominee = NOMINEE_REVIEW.lock(lambda: selectors.nominee_get_for(user=actor, nominee_id=nominee_id))
    return NOMINEE_REVIEW.move(nominee, action="approve" if approve else "reject",
                               kind="approve" if approve else "return", actor=actor)


def voter_key(*, user=None, phone: str = "", cookie: str = "") -> str:
    if getattr(user, "is_authenticated", False):
        return f"u:{user.pk}"
    if phone:
        try:
            return "p:" + digest(validate_phone(phone))
        except ValidationError:
            raise InvalidInput("手机号有误", errors={"phone": ["请输入正确的手机号"]}) from None
    if cookie and 16 <= len(cookie) <= 64 and cookie.isalnum():
        return "c:" + digest(cookie)[:64]
    raise InvalidInput("无法识别投票人", code=Code.NO_VOTER, errors={"phone": ["请填写手机号"]})


def nominee_vote(*, nominee_id, voter: str, ip: str, now=None) -> Nominee:
    """One vote per voter per campaign per day; at most N votes per IP per campaign per day."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    nominee = Nominee.objects.select_related("campaign").filter(
        pk=record_id(nominee_id) or 0, status=NomineeStatus.APPROVED).first()
    if nominee is None:
        raise NotFound()
    campaign = nominee.campaign
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise TransitionRefused("不在投票时间内", code=Code.VOTING_CLOSED)
    ip_key = digest(ip or "unknown")[:64]
    limit = settings.WENMING.get("VOTES_PER_IP_PER_DAY", 20)
    with transaction.atomic():
        # a campaign's votes queue on its row: counting the address's votes and adding one are then
        # one step (counted apart, 100 voters at once on PostgreSQL let 25–27 of 20 through)
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if Vote.objects.filter(campaign=campaign, ip=ip_key, day=today).count() >= limit:
            raise TooManyVotes("该网络今日投票次数已达上限，请明天再来", code=Code.IP_LIMIT)
        try:
            with transaction.atomic():
                Vote.objects.create(campaign=campaign, nominee=nominee, voter=voter, ip=ip_key, day=today, at=now)
        except IntegrityError:
            raise TransitionRefused("今天已经投过票了，明天再来吧", code=Code.ALREADY_VOTED) from None
        Nominee.objects.filter(pk=nominee.pk).update(votes=F("votes") + 1)
    nominee.refresh_from_db()
    return nominee
