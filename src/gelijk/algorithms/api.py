"""REST API of the algorithm register (documented in the OpenAPI schema, /api/docs/).

Public, no login:

- ``GET /algoritmeregister/export.json``: every published algorithm, a JSON list of
  Publicatiestandaard 1.0 records (valid against the standard's JSON schema).
- ``GET /algoritmeregister/{slug or id}/export.json``: one published algorithm.

Staff (session with second factor, or a service token):

- ``GET /api/algoritmes/`` and ``GET /api/algoritmes/{id}/``: the register with concepts
  (``algorithms.view_register``).
- ``POST /api/algoritmes/``: a new algorithm; ``POST /api/algoritmes/{id}/versies/``: its next
  version; ``POST /api/algoritmes/{id}/publicatie/``: a workflow step (release, withdraw,
  publish, reject, retract); ``POST /api/algoritmes/import/``: records in the standard's or the
  national register's format, all or nothing.

Errors: 400 with ``errors`` per field for a record that fails the standard, 403 when the role
may not take the step, 409 for a step the workflow does not allow now (e.g. publishing a
concept, or approving one's own release), each with the specific messages.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from gelijk.algorithms import records, selectors, workflow
from gelijk.algorithms.models import Algorithm
from gelijk.algorithms.services import register
from gelijk.algorithms.standard import FieldDef, Standard, load
from gelijk.core.api import HasPermission

TAG_PUBLIC = "algoritmeregister (openbaar)"
TAG_STAFF = "algoritmeregister (medewerkers)"


def _record_field(f: FieldDef, *, output: bool) -> serializers.Field:
    common = {
        "required": output and f.required,
        "help_text": f"{f.label}. {f.explain}",
    }
    if f.kind == "list":
        return serializers.ListField(
            child=serializers.ChoiceField(choices=list(f.choices)),
            max_length=f.max_items,
            **common,
        )
    if f.kind in ("enum", "const"):
        choices = [f.const] if f.kind == "const" else list(f.choices)
        return serializers.ChoiceField(choices=choices, **common)
    if f.kind == "url":
        return serializers.URLField(max_length=f.max_length, **common)
    if f.kind == "month":
        return serializers.RegexField(regex=f.pattern or r"^\d{4}-\d{2}$", **common)
    return serializers.CharField(max_length=f.max_length, **common)


def record_serializer(standard: Standard, *, output: bool) -> type[serializers.Serializer]:
    """A serializer class describing a record of ``standard`` (for the OpenAPI schema)."""
    suffix = "" if output else "Invoer"
    name = f"Publicatiestandaard{standard.version.replace('.', '')}{suffix}"
    fields = {f.key: _record_field(f, output=output) for f in standard.fields}
    return type(name, (serializers.Serializer,), fields)


STANDARD = load()
RecordOut = record_serializer(STANDARD, output=True)
RecordIn = record_serializer(STANDARD, output=False)


class Problem(serializers.Serializer):
    detail = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    class Meta:
        ref_name = "AlgoritmeFout"


def _open_data(response: Response) -> Response:
    # Open data: other registers may fetch it from a browser too.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


class PublicExport(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="algoritmeregister_export",
        tags=[TAG_PUBLIC],
        summary="Alle gepubliceerde algoritmes (Publicatiestandaard 1.0)",
        description=(
            "Een JSON-lijst met de gepubliceerde versie van elk algoritme, in het formaat van "
            "de Algoritmeregister Publicatiestandaard 1.0. Elk record voldoet aan het JSON-"
            "schema van de standaard. Concepten staan er niet in."
        ),
        responses={200: RecordOut(many=True)},
        auth=[],
    )
    def get(self, request):
        return _open_data(Response(selectors.public_records()))


class PublicExportOne(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="algoritmeregister_export_een",
        tags=[TAG_PUBLIC],
        summary="Eén gepubliceerd algoritme (Publicatiestandaard 1.0)",
        description=(
            "Het algoritme met deze korte naam (slug) of dit nummer; 404 als het niet gepubliceerd "
            "is."
        ),
        responses={200: RecordOut, 404: Problem},
        auth=[],
    )
    def get(self, request, ref: str):
        return _open_data(Response(selectors.public_record(selectors.public_algorithm(ref))))


# --------------------------------------------------------------------------- staff


class Summary(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=workflow.State.choices)
    latest_version = serializers.IntegerField()
    published_version = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "AlgoritmeSamenvatting"


class VersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=workflow.State.choices)
    origin = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "AlgoritmeVersie"


class Detail(Summary):
    record = RecordIn()
    publication_gaps = serializers.ListField(child=serializers.CharField())
    versions = VersionOut(many=True)

    class Meta:
        ref_name = "AlgoritmeDetail"


class VersionIn(serializers.Serializer):
    record = RecordIn()
    note = serializers.CharField(required=False, max_length=500)
    base_version = serializers.IntegerField(
        required=False,
        help_text="De versie waarop u verder werkte; is er intussen een nieuwere, dan 409.",
    )

    class Meta:
        ref_name = "AlgoritmeVersieInvoer"


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["release", "withdraw", "publish", "reject", "retract"]
    )
    reason = serializers.CharField(required=False, help_text="Verplicht bij reject en retract.")

    class Meta:
        ref_name = "PublicatieStap"


class ImportOut(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "ImportResultaat"


def _problem(exc: workflow.WorkflowError) -> Response:
    errors: dict = {}
    if isinstance(exc, register.RecordInvalid):
        errors = exc.checked.errors
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, register.ImportRejected):
        errors = {f"record {i.index}": i.checked.messages(STANDARD) for i in exc.items if not i.ok}
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, workflow.Refused):
        code = status.HTTP_403_FORBIDDEN
    elif exc.field in ("reason", "base_number"):
        code = status.HTTP_400_BAD_REQUEST if exc.field == "reason" else status.HTTP_409_CONFLICT
    else:
        code = status.HTTP_409_CONFLICT
    return Response(
        {"detail": exc.message, "messages": exc.messages, "errors": errors}, status=code
    )


def _summary(a: Algorithm, state: str) -> dict:
    return {
        "id": a.pk,
        "slug": a.slug,
        "name": a.latest_version.name if a.latest_version_id else a.slug,
        "state": state,
        "latest_version": a.latest_version.number if a.latest_version_id else None,
        "published_version": a.published_version.number if a.published_version_id else None,
        "updated_at": a.updated_at,
        "published_at": a.published_at,
    }


def _detail(user, a: Algorithm) -> dict:
    versions = selectors.algorithm_versions(user, a)
    latest_state = versions[0]["state"] if versions else workflow.State.CONCEPT
    panel = selectors.publication_panel(user, a)
    return {
        **_summary(a, latest_state),
        "record": a.latest_version.record if a.latest_version_id else {},
        "publication_gaps": [
            f"{g['label']}: {g['message']}" if g["label"] else g["message"] for g in panel["gaps"]
        ],
        "versions": [
            {
                "number": v["version"].number,
                "state": v["state"],
                "origin": v["version"].origin,
                "note": v["version"].note,
                "created_at": v["version"].created_at,
                "created_by": v["version"].created_by.get_username()
                if v["version"].created_by_id
                else None,
            }
            for v in versions
        ],
    }


def _record_from(request) -> tuple[dict | None, Response | None]:
    record = request.data.get("record") if isinstance(request.data, dict) else None
    if not isinstance(record, dict):
        return None, Response(
            {
                "detail": (
                    "Stuur een JSON-object met ‘record’: de velden van de Publicatiestandaard."
                ),
                "messages": [],
                "errors": {},
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return record, None


class AlgorithmListApi(APIView):
    permission_classes = [HasPermission]
    required_permission = "algorithms.view_register"

    @extend_schema(
        operation_id="algoritmes_lijst",
        tags=[TAG_STAFF],
        summary="Alle algoritmes, ook concepten",
        responses={200: Summary(many=True)},
    )
    def get(self, request):
        rows = selectors.algorithms_list(request.user, request.query_params)
        return Response([_summary(r.algorithm, r.state) for r in rows])

    @extend_schema(
        operation_id="algoritmes_nieuw",
        tags=[TAG_STAFF],
        summary="Een nieuw algoritme beschrijven (concept)",
        request=VersionIn,
        responses={201: Detail, 400: Problem, 403: Problem},
    )
    def post(self, request):
        record, bad = _record_from(request)
        if bad:
            return bad
        try:
            version = register.algorithm_create(
                user=request.user,
                record=record,
                origin=register.Origin.API,
                note=str(request.data.get("note", ""))[:500],
            )
        except workflow.WorkflowError as exc:
            return _problem(exc)
        return Response(_detail(request.user, version.algorithm), status=status.HTTP_201_CREATED)


def _algorithm(request, pk: int) -> Algorithm:
    return selectors.algorithm_get(request.user, pk)


class AlgorithmDetailApi(APIView):
    permission_classes = [HasPermission]
    required_permission = "algorithms.view_register"

    @extend_schema(
        operation_id="algoritme_detail",
        tags=[TAG_STAFF],
        summary="Een algoritme met zijn nieuwste versie en versiegeschiedenis",
        responses={200: Detail, 404: Problem},
    )
    def get(self, request, pk: int):
        return Response(_detail(request.user, _algorithm(request, pk)))


class AlgorithmVersionApi(APIView):
    permission_classes = [HasPermission]
    required_permission = "algorithms.view_register"

    @extend_schema(
        operation_id="algoritme_nieuwe_versie",
        tags=[TAG_STAFF],
        summary="De volgende versie van een algoritme opslaan",
        request=VersionIn,
        responses={201: Detail, 400: Problem, 403: Problem, 409: Problem},
    )
    def post(self, request, pk: int):
        algorithm = _algorithm(request, pk)
        record, bad = _record_from(request)
        if bad:
            return bad
        base = request.data.get("base_version")
        try:
            register.algorithm_version_save(
                algorithm,
                user=request.user,
                record=record,
                origin=register.Origin.API,
                note=str(request.data.get("note", ""))[:500],
                base_number=int(base) if str(base or "").isdigit() else None,
            )
        except workflow.WorkflowError as exc:
            return _problem(exc)
        algorithm.refresh_from_db()
        return Response(_detail(request.user, algorithm), status=status.HTTP_201_CREATED)


class AlgorithmTransitionApi(APIView):
    permission_classes = [HasPermission]
    required_permission = "algorithms.view_register"

    @extend_schema(
        operation_id="algoritme_publicatiestap",
        tags=[TAG_STAFF],
        summary=(
            "Een stap in de publicatie: aanbieden, terugnemen, publiceren, afwijzen, terugtrekken"
        ),
        description=(
            "Vier ogen: publiceren en afwijzen doet een goedkeurder die de versie niet zelf "
            "heeft aangeboden. Publiceren kan niet zolang een verplicht veld of een verplichte "
            "toets ontbreekt; de fout noemt elk ontbrekend punt."
        ),
        request=TransitionIn,
        responses={200: Detail, 400: Problem, 403: Problem, 409: Problem},
    )
    def post(self, request, pk: int):
        algorithm = _algorithm(request, pk)
        action = str(request.data.get("action", ""))
        try:
            register.publication_transition(
                algorithm,
                user=request.user,
                action=action,
                reason=str(request.data.get("reason", "")),
            )
        except workflow.WorkflowError as exc:
            return _problem(exc)
        algorithm.refresh_from_db()
        return Response(_detail(request.user, algorithm))


class ImportApi(APIView):
    permission_classes = [HasPermission]
    required_permission = "algorithms.edit_algorithm"

    @extend_schema(
        operation_id="algoritmes_import",
        tags=[TAG_STAFF],
        summary="Records importeren (Publicatiestandaard of landelijk registerformaat)",
        description=(
            "Eén record of een lijst. Alles of niets: heeft één record een fout, dan wordt niets "
            "opgeslagen en noemt het antwoord elke fout per record en veld. Een record met een "
            "bekende id (slug) of Bron-ID wordt de volgende versie van dat algoritme."
        ),
        request=RecordIn(many=True),
        responses={201: ImportOut, 400: Problem, 403: Problem},
        examples=[
            OpenApiExample(
                "Eén record",
                value={"name": "Parkeercontrole met scanauto", "status": "In gebruik"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        try:
            outcome = register.register_import(
                user=request.user, payload=request.data, source="API"
            )
        except records.ImportFormatError as exc:
            return Response(
                {"detail": str(exc), "messages": [str(exc)], "errors": {}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except workflow.WorkflowError as exc:
            return _problem(exc)
        return Response(
            {
                "created": [v.algorithm.slug for v in outcome.created],
                "updated": [v.algorithm.slug for v in outcome.updated],
                "unchanged": [a.slug for a in outcome.unchanged],
                "warnings": outcome.warnings,
            },
            status=status.HTTP_201_CREATED,
        )
