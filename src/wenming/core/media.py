"""Uploaded files (照片, 附件) served only to those who may read the record they belong to.

Each app registers, in its AppConfig.ready(), the folder its uploads go to, the model and file
field that hold them, and the selector that says whether a user may read one: the same scope as
the record's own page, so a photo of an order is shown to exactly those who see the order. A
file outside the reader's scope, unknown, or asked for anonymously is a 404, as a record would be.

The app streams the file itself (the embedded set-up), or, with MEDIA_ACCEL_REDIRECT set, answers
with an X-Accel-Redirect to nginx's internal location, which then sends it (docs/SECURITY.md).
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse

from wenming.core.errors import NotFound


@dataclass(frozen=True)
class MediaKind:
    folder: str                       # "orders/": where upload_to puts them
    model: str                        # "orders.OrderPhoto"
    field: str                        # "image"
    readable: Callable[[object, object], bool]  # (user, instance) -> may this user read it?
    public: Callable[[object], bool] | None = None  # (instance) -> shown to everyone?


_KINDS: list[MediaKind] = []
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def register(kind: MediaKind) -> None:
    if all(k.folder != kind.folder for k in _KINDS):
        _KINDS.append(kind)


def _kind_of(path: str) -> MediaKind | None:
    return next((k for k in _KINDS if path.startswith(k.folder)), None)


def media_owner(*, user, path: str):
    """The record holding the file at `path` if `user` may read it; NotFound otherwise."""
    if not path or path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise NotFound()
    kind = _kind_of(path)
    if kind is None:
        raise NotFound()
    instance = apps.get_model(kind.model).objects.filter(**{kind.field: path}).first()
    if instance is None:
        raise NotFound()
    if kind.public and kind.public(instance):
        return instance, kind
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    if not kind.readable(user, instance):
        raise NotFound()
    return instance, kind


def media_response(request, path: str):
    try:
        instance, kind = media_owner(user=request.user, path=path)
    except NotFound:
        raise Http404() from None
    stored = getattr(instance, kind.field)
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    name = getattr(instance, "name", "") or stored.name.rsplit("/", 1)[-1]
    disposition = "inline" if content_type in IMAGE_TYPES else "attachment"
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(stored.name)
    else:
        if not stored.storage.exists(stored.name):
            raise Http404()
        response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    # shown to people signed in: never kept by a shared cache, kept an hour by their browser
    response["Cache-Control"] = "private, max-age=3600"
    # a file is never a page: no script runs from it even if a browser were to sniff it as HTML
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def media_url(serializer_context: dict, stored) -> str:
    """The absolute address of an uploaded file for an API answer (a client outside the site
    cannot resolve "/media/…")."""
    request = serializer_context.get("request")
    return request.build_absolute_uri(stored.url) if request is not None else stored.url
