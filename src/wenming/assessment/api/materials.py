"""Monthly materials endpoints: the task lists, a task and its events, filing and review."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import selectors, services
from wenming.assessment.api.common import _parse
from wenming.assessment.serializers import (
    AssessApproveIn,
    AssessEventOut,
    AssessReasonIn,
    AssessSubmitIn,
    AssessTaskOut,
)
from wenming.core.parsers import UPLOAD_PARSERS


class TaskListApi(generics.ListAPIView):
    serializer_class = AssessTaskOut

    @extend_schema(parameters=[OpenApiParameter("period", str, description="YYYY-MM"),
                               OpenApiParameter("status", str, description="pending/submitted/returned/approved，可逗号分隔"),
                               OpenApiParameter("queue", str, description="mine：本单位待办；review：待审核")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        queue = params.get("queue")
        if queue == "mine":
            qs = selectors.unit_queue_for(user=self.request.user)
        elif queue == "review":
            qs = selectors.review_queue_for(user=self.request.user)
        else:
            qs = selectors.task_list_for(user=self.request.user, period=params.get("period") or None,
                                         status=params.get("status") or None)
        return qs.prefetch_related("files")


class TaskDetailApi(APIView):
    @extend_schema(responses=AssessTaskOut)
    def get(self, request, pk):
        return Response(AssessTaskOut(selectors.task_get_for(user=request.user, task_id=pk), context={"request": request}).data)


class TaskEventsApi(APIView):
    @extend_schema(responses=AssessEventOut(many=True))
    def get(self, request, pk):
        task = selectors.task_get_for(user=request.user, task_id=pk)
        return Response(AssessEventOut(selectors.events_for(target="task", target_id=task.pk), many=True).data)


class TaskSubmitApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request={"multipart/form-data": AssessSubmitIn, "application/json": AssessSubmitIn}, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessSubmitIn, request)
        task = services.task_submit(actor=request.user, task_id=pk, text=data["text"], photos=data["photos"],
                                    documents=data["documents"])
        return Response(AssessTaskOut(task, context={"request": request}).data)


class TaskApproveApi(APIView):
    @extend_schema(request=AssessApproveIn, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessApproveIn, request)
        return Response(AssessTaskOut(services.task_approve(actor=request.user, task_id=pk, score=data["score"],
                                                      note=data["note"]), context={"request": request}).data)


class TaskReturnApi(APIView):
    @extend_schema(request=AssessReasonIn, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessReasonIn, request)
        return Response(AssessTaskOut(services.task_return(actor=request.user, task_id=pk, reason=data["reason"]), context={"request": request}).data)
