"""Signing in from the district's WeChat 公众号 (网页授权, snsapi_base), through `wechatpy`'s
OAuth client: the menu opens /login/wechat/, WeChat sends the person back with a code, the code
becomes their openid under the 公众号.

An openid bound to an account signs in to it. A new openid is bound only to an account that has
proved its phone: the person signs in once with their phone and SMS code, and from then on the
公众号 menu signs them in directly (and their messages can come as WeChat template messages).
"""

from django.conf import settings
from django.db import transaction

from wenming.core.errors import InvalidInput, TransitionRefused
from wenming.regions.codes import Code
from wenming.regions.models import User


def _oauth(redirect_uri: str = "", state: str = ""):
    from wechatpy.oauth import WeChatOAuth

    cfg = settings.NOTICE_CHANNELS["WECHAT"]
    client = WeChatOAuth(cfg["APP_ID"], cfg["APP_SECRET"], redirect_uri, scope="snsapi_base", state=state)
    client.API_BASE_URL = cfg["OAUTH_API_BASE"]
    return client


def configured() -> bool:
    cfg = settings.NOTICE_CHANNELS["WECHAT"]
    return bool(cfg["APP_ID"] and cfg["APP_SECRET"])


def authorize_url(*, redirect_uri: str, state: str) -> str:
    return _oauth(redirect_uri, state).authorize_url


def openid_for(code) -> str:
    """The person's openid for the code WeChat sent back (400 for a code WeChat does not know)."""
    from wechatpy.exceptions import WeChatClientException

    if not isinstance(code, str) or not code or len(code) > 128 or not code.isascii():
        raise InvalidInput("微信授权无效，请重新进入", errors={"code": ["授权码无效"]})
    try:
        return _oauth().fetch_access_token(code)["openid"]
    except WeChatClientException:
        raise InvalidInput("微信授权已失效，请从公众号菜单重新进入", errors={"code": ["授权码无效或已使用"]}) from None


def account_of(openid: str) -> User | None:
    return User.objects.filter(wechat_openid=openid, is_active=True).first() if openid else None


@transaction.atomic
def wechat_bind(*, user, openid: str) -> User:
    """Bind `openid` to `user` (who has just proved their phone). An openid bound to another
    account stays there (409): one WeChat person, one account."""
    if not openid or len(openid) > 64:
        raise InvalidInput("微信身份无效", errors={"openid": ["无效"]})
    holder = User.objects.select_for_update().filter(wechat_openid=openid).exclude(pk=user.pk).first()
    if holder is not None:
        raise TransitionRefused("该微信已绑定其他账号", code=Code.WECHAT_BOUND_ELSEWHERE)
    User.objects.filter(pk=user.pk).update(wechat_openid=openid)
    user.wechat_openid = openid
    return user
