"""Outreach pages: public-service ads, nominations and the public voting page."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from wenming.assessment import outreach, permissions, selectors
from wenming.assessment.choices import AdCondition, AdKind, NomineeCategory
from wenming.core.errors import NotFound
from wenming.core.pages import run_service


@login_required
def ads(request):
    if request.method == "POST":
        post = request.POST
        if post.get("ad"):
            run_service(request, outreach.ad_check, actor=request.user, ad_id=post["ad"],
                        condition=post.get("condition", ""), note=post.get("note", ""),
                        photo=request.FILES.get("photo"), success="检查结果已记录")
        else:
            run_service(request, outreach.ad_record, actor=request.user, place=post.get("place", ""),
                        kind=post.get("kind", ""), size=post.get("size", ""), unit_id=post.get("unit") or None,
                        photo=request.FILES.get("photo"), condition=post.get("condition", "good"),
                        success="公益广告已登记")
        return redirect("assessment:ads")
    items = sorted(selectors.ad_list_for(user=request.user), key=lambda a: (not a.needs_replacement, a.place))
    return render(request, "assessment/ads.html", {
        "ads": items, "flagged": sum(a.needs_replacement for a in items), "kinds": AdKind.choices,
        "conditions": AdCondition.choices, "units": selectors.unit_list_for(user=request.user),
        "can_edit": permissions.can_inspect(request.user),
    })


@login_required
def campaigns(request):
    post = request.POST
    if request.method == "POST":
        if post.get("review"):
            run_service(request, outreach.nominee_review, actor=request.user, nominee_id=post["review"],
                        approve=post.get("approve") == "1", success="已审核")
        elif post.get("campaign"):
            run_service(request, outreach.nominee_nominate, actor=request.user, campaign_id=post["campaign"],
                        name=post.get("name", ""), category=post.get("category", ""), story=post.get("story", ""),
                        photo=request.FILES.get("photo"), success="推荐已提交，文明办审核后公示")
        else:
            try:
                starts, ends = dt.date.fromisoformat(post.get("starts_on", "")), dt.date.fromisoformat(post.get("ends_on", ""))
            except ValueError:
                messages.error(request, "请填写投票起止日期")
            else:
                run_service(request, outreach.campaign_create, actor=request.user, title=post.get("title", ""),
                            starts_on=starts, ends_on=ends, success="评选已创建")
        return redirect("assessment:campaigns")
    is_admin = permissions.is_office_admin(request.user)
    return render(request, "assessment/campaigns.html", {
        "campaigns": selectors.campaign_list_for(user=request.user)[:20], "is_admin": is_admin,
        "categories": NomineeCategory.choices,
        "pending": selectors.nominee_pending_for(user=request.user) if is_admin else [],
    })


def vote(request, pk):
    """The public voting page: no account needed."""
    from wenming.assessment.api.outreach import VOTER_COOKIE, cast_vote
    from wenming.assessment.models import Campaign

    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    new_cookie = None
    if request.method == "POST":
        result = run_service(request, cast_vote, request, nominee_id=request.POST.get("nominee"),
                             phone=request.POST.get("phone", "").strip(), success="投票成功，感谢参与！")
        if result is not None:
            new_cookie = result[1]
        response = redirect("assessment:vote", pk=pk)
    else:
        today = timezone.localdate()
        response = render(request, "assessment/vote.html", {
            "campaign": campaign, "nominees": selectors.nominee_list_public(campaign_id=campaign.pk),
            "open": campaign.starts_on <= today <= campaign.ends_on,
        })
    if new_cookie:
        response.set_cookie(VOTER_COOKIE, new_cookie, max_age=400 * 86400, httponly=True, samesite="Lax")
    return response
