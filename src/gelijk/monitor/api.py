"""REST API for automated delivery from the enforcement systems: POST a file (multipart), then
poll the import until it is done or failed. Token authentication (a service account holding
``monitor.import_data``); the same checks and the same all-or-nothing validation as the page."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gelijk.core.api import HasPermission
from gelijk.monitor import policies, selectors
from gelijk.monitor.models import DataImport
from gelijk.monitor.services.imports import MonitorError, Upload, import_start

TAG = ["Monitor"]


class ImportSerializer(serializers.ModelSerializer):
    # Plain strings rather than choice fields: the schema's enum names would collide with the
    # other apps' "kind" and "status" fields.
    kind = serializers.CharField(read_only=True, help_text="actions | survey")
    source = serializers.CharField(read_only=True, help_text="upload | api | demo")
    status = serializers.CharField(
        read_only=True, help_text="queued | running | done | failed | replaced"
    )
    status_url = serializers.SerializerMethodField(help_text="Poll this URL for progress.")
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = DataImport
        fields = [
            "id",
            "kind",
            "source",
            "status",
            "stage",
            "progress_done",
            "progress_total",
            "file_name",
            "file_format",
            "size_bytes",
            "sha256",
            "replace_overlapping",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
            "rows_read",
            "rows_stored",
            "period_start",
            "period_end",
            "error_message",
            "error_report",
            "notes",
            "status_url",
        ]
        read_only_fields = fields

    def get_status_url(self, obj) -> str:
        return reverse("monitor:api-import", kwargs={"pk": obj.pk})

    def get_uploaded_by(self, obj) -> str | None:
        return obj.uploaded_by.get_username() if obj.uploaded_by else None


class UploadSerializer(serializers.Serializer):
    kind = serializers.RegexField(
        r"^(actions|survey)$",
        help_text="actions: enforcement actions (docs/data-contracts/enforcement-actions.md); "
        "survey: experience-survey microdata (experience-survey.md).",
        error_messages={"invalid": "Kies 'actions' of 'survey'."},
    )
    file = serializers.FileField(help_text=".csv, .xlsx or .parquet")
    replace_overlapping = serializers.BooleanField(
        default=False,
        help_text="The file is a new version of an earlier delivery: imports sharing action ids "
        "with it are marked as replaced instead of the import being refused.",
    )
    survey_period_start = serializers.DateField(
        required=False,
        help_text="Survey only: first day of the fieldwork (YYYY-MM-DD). A run uses the survey "
        "whose fieldwork overlaps its period; without a period a survey is used only when no "
        "dated survey fits.",
    )
    survey_period_end = serializers.DateField(
        required=False, help_text="Survey only: last day of the fieldwork (YYYY-MM-DD)."
    )

    def validate(self, attrs):
        start, end = attrs.get("survey_period_start"), attrs.get("survey_period_end")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                _("Geef bij een enquête zowel het begin als het einde van het veldwerk.")
            )
        return attrs


_ERROR = inline_serializer("MonitorImportError", {"detail": serializers.CharField()})


class ImportListView(APIView):
    permission_classes = [HasPermission]
    required_permission = policies.IMPORT
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAG,
        summary="Recent imports",
        responses={200: ImportSerializer(many=True)},
    )
    def get(self, request):
        rows = selectors.imports(request.user)[:50]
        return Response(ImportSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Deliver a file",
        description=(
            "Queues the import and returns 202 with its status URL. The file is validated as a "
            "whole: one invalid row fails the import (status 'failed', row-level report in "
            "error_report) and nothing is stored. One import runs at a time: while another runs "
            "the answer is 409."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={
            202: ImportSerializer,
            400: OpenApiResponse(_ERROR, description="Wrong file type, duplicate file, ..."),
            409: OpenApiResponse(_ERROR, description="Another import is running."),
        },
    )
    def post(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            imp = import_start(
                user=request.user,
                kind=data.validated_data["kind"],
                upload=Upload(upload.name, upload, upload.size),
                replace_overlapping=data.validated_data["replace_overlapping"],
                source=DataImport.Source.API,
                survey_period=(
                    (
                        data.validated_data["survey_period_start"],
                        data.validated_data["survey_period_end"],
                    )
                    if "survey_period_start" in data.validated_data
                    else None
                ),
            )
        except MonitorError as exc:
            return Response(
                {"detail": exc.message},
                status=status.HTTP_409_CONFLICT if exc.busy else status.HTTP_400_BAD_REQUEST,
            )
        return Response(ImportSerializer(imp).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    permission_classes = [HasPermission]
    required_permission = policies.IMPORT

    @extend_schema(tags=TAG, summary="Status of an import", responses={200: ImportSerializer})
    def get(self, request, pk: int):
        imp = selectors.import_get(request.user, pk)
        if imp is None:
            raise Http404
        return Response(ImportSerializer(imp).data)
