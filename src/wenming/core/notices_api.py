"""GET /api/v1/notices/ (the caller's own inbox) and POST /api/v1/notices/read/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.api import Pagination
from wenming.core.errors import InvalidInput
from wenming.core.inputs import record_id
from wenming.core.models import Notice
from wenming.core.notices import inbox, mark_read, unread_count


class NoticeOut(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "key", "title", "body", "link", "created_at", "read_at"]


class NoticeListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("NoticePage", {
        "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": NoticeOut(many=True)}),
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        summary="我的消息（最新在前）；未读数在 X-Unread-Count")
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(inbox(request.user), request, view=self)
        response = paginator.get_paginated_response(NoticeOut(page, many=True).data)
        response["X-Unread-Count"] = str(unread_count(request.user))
        return response


class NoticeReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer("NoticeReadIn", {"id": serializers.IntegerField(required=False)}),
        responses=inline_serializer("NoticeReadOut", {"marked": serializers.IntegerField(),
                                                      "unread": serializers.IntegerField()}),
        summary="标为已读：给 id 标一条，不给标全部")
    def post(self, request):
        raw = request.data.get("id")
        if raw is not None and record_id(raw) is None:
            raise InvalidInput("id 必须是整数", errors={"id": ["必须是整数"]})
        marked = mark_read(request.user, record_id(raw) if raw is not None else None)
        return Response({"marked": marked, "unread": unread_count(request.user)})
