"""The outside channels' senders, each through its provider's own SDK: Tencent Cloud SMS
(短信, `tencentcloud-sdk-python-sms`) and WeChat 公众号 template messages (模板消息, `wechatpy`).

A sender takes one `Delivery` and returns `Sent(provider, ref)` or raises `SendError` —
`permanent` when trying again cannot help (a wrong number, an unapproved template, a person
who left the 公众号). Without credentials a channel is the outbox log: nothing leaves the
machine, the row is marked sent by provider "log" and listed on the outbox page, so the demo
runs offline. Tests and benchmarks point the SDKs at a loopback fake of the providers' HTTP APIs
(`ENDPOINT` / `API_BASE`)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

LOG = "log"


@dataclass(frozen=True)
class Sent:
    provider: str
    ref: str


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message[:200]
        self.permanent = permanent


# ---------------------------------------------------------------------------- SMS (Tencent Cloud)

# the provider's codes that another try cannot fix (its "错误码" list)
SMS_PERMANENT = {
    "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.SignatureIncorrectOrUnapproved",
    "InvalidParameterValue.TemplateParameterFormatError", "InvalidParameterValue.TemplateParameterLengthLimit",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail", "FailedOperation.MissingTemplateToModify",
    "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureFailure", "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
}


def sms_configured() -> bool:
    cfg = settings.NOTICE_CHANNELS["SMS"]
    return bool(cfg["SECRET_ID"] and cfg["SECRET_KEY"] and cfg["SDK_APP_ID"])


def send_sms(delivery, phone: str) -> Sent:
    if not sms_configured():
        return Sent(LOG, f"log-sms-{delivery.pk}")
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client

    cfg = settings.NOTICE_CHANNELS["SMS"]
    template = cfg["TEMPLATES"].get(delivery.kind) or cfg["DEFAULT_TEMPLATE"]
    if not template:
        raise SendError(f"「{delivery.kind}」没有已审核的短信模板", permanent=True)
    http = HttpProfile(protocol=cfg["SCHEME"], endpoint=cfg["ENDPOINT"] or None, reqTimeout=10)
    client = sms_client.SmsClient(credential.Credential(cfg["SECRET_ID"], cfg["SECRET_KEY"]), cfg["REGION"],
                                  ClientProfile(httpProfile=http))
    req = models.SendSmsRequest()
    req.PhoneNumberSet = [f"+86{phone}"]
    req.SmsSdkAppId = cfg["SDK_APP_ID"]
    req.SignName = cfg["SIGN_NAME"]
    req.TemplateId = str(template)
    req.TemplateParamSet = [str(p) for p in delivery.params]
    req.SessionContext = str(delivery.pk)  # comes back in the provider's receipt
    try:
        resp = client.SendSms(req)
    except TencentCloudSDKException as exc:
        raise SendError(f"{exc.code}: {exc.message}", permanent=exc.code in SMS_PERMANENT) from None
    except Exception as exc:  # noqa: BLE001 — the network: refused, reset, timed out; try again later
        raise SendError(f"网络错误：{type(exc).__name__}") from None
    status = (resp.SendStatusSet or [None])[0]
    if status is None:
        raise SendError("服务商未返回发送结果")
    if status.Code != "Ok":
        raise SendError(f"{status.Code}: {status.Message}", permanent=status.Code in SMS_PERMANENT)
    return Sent("tencent", status.SerialNo or resp.RequestId or "")


# ---------------------------------------------------------------------------- WeChat (公众号)

# errcodes another try cannot fix: invalid openid, the person unsubscribed, no such template
WECHAT_PERMANENT = {40003, 43004, 40037, 43101, 47003}


def wechat_configured() -> bool:
    cfg = settings.NOTICE_CHANNELS["WECHAT"]
    return bool(cfg["APP_ID"] and cfg["APP_SECRET"])


def _wechat_client():
    from wechatpy import WeChatClient
    from wechatpy.session import SessionStorage

    class CacheStorage(SessionStorage):
        """The access token in the shared cache, so every worker uses the one token (the
        公众号 allows only 2,000 token fetches a day)."""

        def get(self, key, default=None):
            return cache.get(f"wechat:{key}", default)

        def set(self, key, value, ttl=None):
            cache.set(f"wechat:{key}", value, ttl)

        def delete(self, key):
            cache.delete(f"wechat:{key}")

    class Client(WeChatClient):
        """The SDK's client, with the API's base address taken from the settings."""

        API_BASE_URL = settings.NOTICE_CHANNELS["WECHAT"]["API_BASE"]

        def fetch_access_token(self):
            return self._fetch_access_token(url=f"{self.API_BASE_URL}token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})

    cfg = settings.NOTICE_CHANNELS["WECHAT"]
    client = Client(cfg["APP_ID"], cfg["APP_SECRET"], session=CacheStorage(), timeout=10)
    return client


def send_wechat(delivery, openid: str) -> Sent:
    if not wechat_configured():
        return Sent(LOG, f"log-wechat-{delivery.pk}")
    from wechatpy.exceptions import WeChatClientException

    cfg = settings.NOTICE_CHANNELS["WECHAT"]
    template = cfg["TEMPLATES"].get(delivery.kind) or cfg["DEFAULT_TEMPLATE"]
    if not template:
        raise SendError(f"「{delivery.kind}」没有模板消息模板", permanent=True)
    data = {"first": {"value": delivery.title}, "remark": {"value": delivery.body}}
    for i, value in enumerate(delivery.params[:5], start=1):
        data[f"keyword{i}"] = {"value": value}
    url = settings.NOTICE_CHANNELS["SITE_URL"].rstrip("/") + delivery.link if delivery.link else None
    try:
        resp = _wechat_client().message.send_template(openid, template, data, url=url)
    except WeChatClientException as exc:
        raise SendError(f"{exc.errcode}: {exc.errmsg}", permanent=exc.errcode in WECHAT_PERMANENT) from None
    except Exception as exc:  # noqa: BLE001 — the network: try again later
        raise SendError(f"网络错误：{type(exc).__name__}") from None
    return Sent("wechat", str(resp.get("msgid", "")))
