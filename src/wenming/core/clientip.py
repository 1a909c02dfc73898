"""The address of the person at the other end, behind as many proxies as the installation trusts.

`TRUSTED_PROXIES` (settings, from the environment; default 0) is how many reverse proxies of
our own stand in front of the app (nginx: 1). With none, the address is the connection's
(REMOTE_ADDR) and X-Forwarded-For is ignored: anyone may send that header, and a limit keyed on
it is no limit. With N, it is the N-th address from the right of X-Forwarded-For, the one our
outermost proxy saw; what the client put to the left of it is not trusted. Login lockouts,
request throttles and per-address limits (votes, Open311) all key on this.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    hops = [h for h in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if h.strip()]
    if not hops:
        return remote
    chosen = hops[-proxies] if len(hops) >= proxies else hops[0]
    return _valid(chosen) or remote
