"""Loopback fakes of the outside providers' HTTP APIs, for tests and benchmarks: the real SDKs
are pointed at them (settings.NOTICE_CHANNELS ENDPOINT / API_BASE) and each request is checked
against what the provider documents.

- Tencent Cloud SMS (API 3.0, `SendSms`, version 2021-01-11): a POST of JSON to "/", signed
  TC3-HMAC-SHA256 — the fake recomputes the signature with the secret key and refuses a request
  whose signature, action, version or fields are wrong, as the provider would
  (`AuthFailure.SignatureFailure`, `InvalidParameter…`).
- WeChat 公众号: `GET /cgi-bin/token` (client_credential) and
  `POST /cgi-bin/message/template/send?access_token=…`.

`fail_every=N` makes every Nth send answer a transient error (InternalError / -1 system busy);
`permanent` (a set of phone numbers or openids) answers the provider's permanent error for them.
"""

import hashlib
import hmac
import itertools
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SECRET_ID = "AKIDfakeLoopback000000000000000000"
SECRET_KEY = "fakeLoopbackSecretKey0000000000000"
SDK_APP_ID = "1400000000"
WECHAT_APP_ID = "wx0000000000loopback"
WECHAT_SECRET = "loopbacksecret000000000000000000"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_signature(*, method: str, headers: dict, body: bytes, signed: list[str], timestamp: str, date: str,
                  service: str = "sms") -> str:
    """The signature Tencent Cloud's API 3.0 documents (签名方法 v3)."""
    canonical_headers = "".join(f"{h}:{headers[h].strip().lower() if h == 'content-type' else headers[h].strip()}\n"
                                for h in signed)
    canonical = "\n".join([method, "/", "", canonical_headers, ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + SECRET_KEY).encode(), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class Providers:
    def __init__(self, *, fail_every: int = 0, permanent=()):
        self.fail_every = fail_every
        self.permanent = set(permanent)
        self.sms: list[dict] = []  # accepted SendSms bodies
        self.wechat: list[dict] = []  # accepted template messages
        self.refused: list[str] = []  # why a request was refused
        self.tokens_issued = 0
        self._count = itertools.count(1)
        self._lock = threading.Lock()
        self._token = "loopback-token-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _transient(self) -> bool:
        with self._lock:
            n = next(self._count)
        return bool(self.fail_every) and n % self.fail_every == 0

    # ------------------------------------------------------------------ Tencent Cloud SMS

    def _sms(self, handler, body: bytes) -> dict:
        headers = {k.lower(): v for k, v in handler.headers.items()}

        def error(code, message):
            self.refused.append(code)
            return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}

        auth = headers.get("authorization", "")
        try:
            algorithm, rest = auth.split(" ", 1)
            parts = dict(p.strip().split("=", 1) for p in rest.split(","))
            secret_id, date, service, _ = parts["Credential"].split("/")
            signed = parts["SignedHeaders"].split(";")
        except (ValueError, KeyError):
            return error("AuthFailure.SignatureFailure", "malformed Authorization")
        if algorithm != "TC3-HMAC-SHA256" or secret_id != SECRET_ID or service != "sms":
            return error("AuthFailure.SecretIdNotFound", "unknown secret id")
        expected = tc3_signature(method=handler.command, headers=headers, body=body, signed=signed,
                                 timestamp=headers.get("x-tc-timestamp", ""), date=date)
        if not hmac.compare_digest(expected, parts.get("Signature", "")):
            return error("AuthFailure.SignatureFailure", "signature mismatch")
        if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
            return error("InvalidAction", "only SendSms 2021-01-11")
        req = json.loads(body)
        phones = req.get("PhoneNumberSet") or []
        if (req.get("SmsSdkAppId") != SDK_APP_ID or not req.get("SignName") or not req.get("TemplateId")
                or len(phones) != 1 or not str(phones[0]).startswith("+86")
                or not all(isinstance(p, str) for p in req.get("TemplateParamSet", []))):
            return error("InvalidParameterValue.TemplateParameterFormatError", "bad fields")
        if self._transient():
            return error("InternalError.Timeout", "请求超时")
        phone = phones[0]
        code = "InvalidParameterValue.IncorrectPhoneNumber" if phone[3:] in self.permanent else "Ok"
        if code == "Ok":
            with self._lock:
                self.sms.append(req)
        return {"Response": {"SendStatusSet": [{
            "SerialNo": uuid.uuid4().hex, "PhoneNumber": phone, "Fee": 1, "SessionContext": req.get("SessionContext", ""),
            "Code": code, "Message": "send success" if code == "Ok" else "incorrect number", "IsoCode": "CN"}],
            "RequestId": str(uuid.uuid4())}}

    # ------------------------------------------------------------------ WeChat

    def _wechat(self, handler, body: bytes) -> dict:
        url = urlparse(handler.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/sns/oauth2/access_token":  # web sign-in: the code → the person's openid
            if (q.get("appid"), q.get("secret"), q.get("grant_type")) != (WECHAT_APP_ID, WECHAT_SECRET,
                                                                           "authorization_code"):
                return {"errcode": 40013, "errmsg": "invalid appid"}
            code = q.get("code", "")
            if not code.startswith("code-"):
                return {"errcode": 40029, "errmsg": "invalid code"}
            return {"access_token": "web-" + code, "expires_in": 7200, "refresh_token": "r-" + code,
                    "openid": "o" + code.removeprefix("code-"), "scope": "snsapi_base"}
        if url.path == "/cgi-bin/token":
            if (q.get("grant_type"), q.get("appid"), q.get("secret")) != ("client_credential", WECHAT_APP_ID,
                                                                             WECHAT_SECRET):
                return {"errcode": 40013, "errmsg": "invalid appid"}
            with self._lock:
                self.tokens_issued += 1
            return {"access_token": self._token, "expires_in": 7200}
        if url.path == "/cgi-bin/message/template/send":
            if q.get("access_token") != self._token:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            msg = json.loads(body or b"{}")
            if not msg.get("touser") or not msg.get("template_id") or not isinstance(msg.get("data"), dict):
                return {"errcode": 47001, "errmsg": "data format error"}
            if msg["touser"] in self.permanent:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            if self._transient():
                return {"errcode": -1, "errmsg": "system error"}
            with self._lock:
                self.wechat.append(msg)
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._count)}
        return {"errcode": 404, "errmsg": "not found"}

    def _handler(self):
        providers = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                wechat = self.path.startswith(("/cgi-bin/", "/sns/"))
                answer = providers._wechat(self, body) if wechat else providers._sms(self, body)
                out = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                # what each provider answers with (the SMS SDK reads errors only from this exact type)
                self.send_header("Content-Type", "application/json; encoding=utf-8" if wechat else "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        return Handler


def channel_settings(providers: Providers) -> dict:
    """settings.NOTICE_CHANNELS pointed at `providers`, with templates for every kind."""
    return {
        "SMS": {"SECRET_ID": SECRET_ID, "SECRET_KEY": SECRET_KEY, "REGION": "ap-guangzhou", "SDK_APP_ID": SDK_APP_ID,
                "SIGN_NAME": "巴州文明实践", "TEMPLATES": {}, "DEFAULT_TEMPLATE": "2188888",
                "ENDPOINT": providers.address, "SCHEME": "http", "PER_SECOND": 1000, "QUIET_HOURS": (22, 8)},
        "WECHAT": {"APP_ID": WECHAT_APP_ID, "APP_SECRET": WECHAT_SECRET, "TEMPLATES": {},
                   "DEFAULT_TEMPLATE": "tmpl-loopback", "API_BASE": f"http://{providers.address}/cgi-bin/",
                   "OAUTH_API_BASE": f"http://{providers.address}/", "PER_SECOND": 1000},
        "SITE_URL": "https://wenming.example.gov.cn",
        "RETRY_SECONDS": [60, 300, 1800, 7200],
    }
