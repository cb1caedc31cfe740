"""REST API: a throttled public submit endpoint and staff endpoints under the same access
rules as the pages (selectors → access.scope; services for every write)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from gelijk.core import audit
from gelijk.core.api import HasPermission
from gelijk.core.middleware import client_ip
from gelijk.core.models import District
from gelijk.reporting import interface, selectors, texts
from gelijk.reporting.choices import Channel, ConsentKind, ContactKind, Ground, Service
from gelijk.reporting.models import Case, CaseEvent
from gelijk.reporting.services.cases import (
    MAX_DESCRIPTION,
    Submission,
    case_submit,
    case_transition,
    validate_submission,
)
from gelijk.reporting.workflow import CaseError, State

TAG = ["Meldingen en klachten"]


class SubmitThrottle(SimpleRateThrottle):
    """Per client address; the rate is GELIJK_REPORTING_SUBMIT_RATE (shared with the form)."""

    scope = "reporting_submit"

    def get_rate(self):
        return settings.GELIJK_REPORTING_SUBMIT_RATE

    def get_cache_key(self, request, view):
        # The same address as the form's limit, not DRF's own look-up.
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def _errors(exc: CaseError) -> dict:
    return {exc.field or "non_field_errors": [str(exc.message)]}


class SubmitSerializer(serializers.Serializer):
    submission_key = serializers.UUIDField(
        help_text="Random UUID chosen by the client. Sending the same key again stores nothing "
        "new and returns the existing reference (safe retries)."
    )
    description = serializers.CharField(max_length=MAX_DESCRIPTION, help_text="What happened.")
    occurred_on = serializers.DateField(help_text="Date of the event; not in the future.")
    occurred_time = serializers.TimeField(required=False, allow_null=True)
    service = serializers.ChoiceField(choices=Service.choices, help_text="Service concerned.")
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=District.objects.all(),
        required=False,
        allow_null=True,
        help_text="CBS wijk code, e.g. WK034401.",
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactKind.choices), required=False
    )
    officer_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=Ground.choices),
        required=False,
        help_text="Perceived grounds (special-category data): needs consent_sensitive.",
    )
    ground_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    consent_contact = serializers.BooleanField(
        default=False, help_text=str(texts.CONSENT_TEXTS[ConsentKind.CONTACT])
    )
    consent_art1 = serializers.BooleanField(
        default=False, help_text=str(texts.CONSENT_TEXTS[ConsentKind.ART1])
    )
    consent_sensitive = serializers.BooleanField(
        default=False, help_text=str(texts.CONSENT_TEXTS[ConsentKind.SENSITIVE])
    )
    formal_complaint = serializers.BooleanField(
        default=False, help_text="The resident asks for formal complaint handling (Awb 9:4)."
    )

    def validate(self, data):
        self.submission = Submission(
            description=data["description"],
            occurred_on=data["occurred_on"],
            occurred_time=data.get("occurred_time"),
            service=data["service"],
            district=data.get("district"),
            location=data.get("location", ""),
            contact_kinds=data.get("contact_kinds") or [],
            officer_number=data.get("officer_number", ""),
            grounds=data.get("grounds") or [],
            ground_other=data.get("ground_other", ""),
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            address=data.get("address", ""),
            consents={
                ConsentKind.CONTACT: data["consent_contact"],
                ConsentKind.ART1: data["consent_art1"],
                ConsentKind.SENSITIVE: data["consent_sensitive"],
            },
            requested_complaint=data["formal_complaint"],
        )
        try:
            validate_submission(self.submission)
        except CaseError as exc:
            raise serializers.ValidationError(_errors(exc)) from None
        return data


SubmitResponse = inline_serializer(
    "ReportSubmitted",
    {
        "reference": serializers.CharField(help_text="Tracking code (kenmerk)."),
        "secret": serializers.CharField(
            allow_null=True,
            help_text="Shown once; needed with the code on /melden/status/. Null for a repeat.",
        ),
        "duplicate": serializers.BooleanField(),
        "receipt": serializers.CharField(help_text="Acknowledgement text (Awb 9:6)."),
        "status_url": serializers.CharField(),
    },
)


class PublicSubmitView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SubmitThrottle]

    @extend_schema(
        tags=TAG,
        summary="Submit a report (public)",
        description=(
            "Anonymous reporting endpoint, throttled per client address "
            "(GELIJK_REPORTING_SUBMIT_RATE). Idempotent per submission_key: a repeat returns "
            "200 with the same reference and no secret. Attachments are accepted on the web "
            "form only."
        ),
        request=SubmitSerializer,
        responses={
            201: SubmitResponse,
            200: SubmitResponse,
            400: OpenApiTypes.OBJECT,
            429: OpenApiTypes.OBJECT,
        },
        auth=[],
    )
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = case_submit(
                serializer.submission,
                submission_key=serializer.validated_data["submission_key"],
                channel=Channel.API,
            )
        except CaseError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "reference": result.case.reference,
                "secret": result.secret,
                "duplicate": not result.created,
                "receipt": texts.receipt_text(result.case),
                "status_url": request.build_absolute_uri("/melden/status/"),
            },
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class CaseSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Current state (workflow.State).")
    handler = serializers.SlugRelatedField(slug_field="username", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "channel",
            "service",
            "department_code",
            "status",
            "received_at",
            "due_at",
            "extension_weeks",
            "advisory_committee",
            "closed_at",
            "outcome",
            "handler",
            "district",
            "tag_team",
            "tag_themes",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField(read_only=True)
    grounds = serializers.ListField(child=serializers.CharField(), read_only=True, allow_null=True)
    occurred_on = serializers.DateField(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "description", "grounds", "occurred_on"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="Event kind (choices.EventKind).")
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True, help_text="State after a status event.")

    class Meta:
        model = CaseEvent
        fields = ["kind", "from_state", "to_state", "actor", "public", "text", "data", "created_at"]
        read_only_fields = fields


class _Staff:
    permission_classes = [HasPermission]
    required_permission = "reporting.view_case"

    def case(self):
        case = selectors.case_get(self.request.user, self.kwargs["reference"])
        if case is None:
            raise Http404
        return case


@extend_schema(
    tags=TAG,
    summary="List cases (staff)",
    description="Cases the user may see: never those about the user's own department or the "
    "user themself (independence rule). Filters as on the back-office list.",
    parameters=[
        OpenApiParameter("status", str, description="A state, or 'open'."),
        OpenApiParameter("soort", str, description="melding or complaint."),
        OpenApiParameter("termijn", str, description="'verlopen' or 'binnenkort'."),
    ],
)
class CaseListView(_Staff, generics.ListAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        audit.record(audit.Action.VIEW, object_type="reporting.Case", detail={"api_list": True})
        return selectors.case_list(self.request.user, self.request.query_params)


@extend_schema(tags=TAG, summary="One case file (staff)", description="Audit-logged.")
class CaseDetailView(_Staff, generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer

    def get_object(self):
        return self.case()


@extend_schema(tags=TAG, summary="History of a case (staff)", description="Append-only events.")
class CaseHistoryView(_Staff, generics.ListAPIView):
    serializer_class = EventSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.case_history(self.request.user, self.case())


class TransitionSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=State.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    not_handled_ground = serializers.CharField(required=False, allow_blank=True, default="")
    hearing_waived = serializers.CharField(required=False, allow_blank=True, default="")
    resident_satisfied = serializers.BooleanField(required=False, default=False)


class CaseTransitionView(_Staff, APIView):
    required_permission = "reporting.handle_case"

    @extend_schema(
        tags=TAG,
        summary="Move a case to its next state (staff)",
        description="Follows the declared transition table. An illegal or incomplete move "
        "answers 400 with the field it concerns; a decision needs reasons (Awb 9:12).",
        request=TransitionSerializer,
        responses={200: CaseSerializer, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request, reference):
        case = self.case()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        target = data.pop("target")
        try:
            case_transition(case, target, request.user, **data)
        except CaseError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        case = selectors.cases(request.user).get(pk=case.pk)
        return Response(CaseSerializer(case).data)


class StatisticsView(APIView):
    permission_classes = [HasPermission]
    required_permission = "reporting.view_statistics"

    @extend_schema(
        tags=TAG,
        summary="Aggregated figures (staff)",
        description="Every count through the small-cell rule (null = suppressed); median "
        "handling time with a 95% order-statistic interval and its n.",
        parameters=[OpenApiParameter("jaar", int, description="Only cases received in this year.")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        year = request.query_params.get("jaar")
        year = int(year) if year and year.isdigit() else None
        audit.record(audit.Action.VIEW, object_type="reporting.Statistics", detail={"api": True})
        figures = selectors.statistics(request.user, year=year)
        return Response(_jsonable(figures))


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class LearningSignalsView(APIView):
    permission_classes = [HasPermission]
    required_permission = "reporting.view_statistics"

    @extend_schema(
        tags=TAG,
        summary="Learning signals by month (staff)",
        description="Counts by month × team, wijk, theme or ground, after the small-cell rule "
        "(null = suppressed). Same data as gelijk.reporting.interface.learning_signals.",
        parameters=[
            OpenApiParameter("dimensie", str, enum=list(interface.DIMENSIONS), required=True)
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        dimension = request.query_params.get("dimensie", "")
        if dimension not in interface.DIMENSIONS:
            return Response(
                {"dimensie": [f"Kies een van: {', '.join(interface.DIMENSIONS)}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(interface.learning_signals(request.user, dimension).to_dict())
