from django.urls import path

from gelijk.algorithms import api
from gelijk.algorithms.views import assessments, audits, pilot, public, register

app_name = "algorithms"

urlpatterns = [
    # Public register and open data
    path("algoritmeregister/", public.register_list, name="public-list"),
    path("algoritmeregister/export.json", api.PublicExport.as_view(), name="public-export"),
    path("algoritmeregister/<str:ref>/", public.register_detail, name="public-detail"),
    path(
        "algoritmeregister/<str:ref>/toetsen/",
        public.register_assessments,
        name="public-assessments",
    ),
    path(
        "algoritmeregister/<str:ref>/export.json",
        api.PublicExportOne.as_view(),
        name="public-detail-export",
    ),
    # Back office: register
    path("backoffice/algoritmes/", register.algorithm_list, name="list"),
    path("backoffice/algoritmes/nieuw/", register.algorithm_create, name="create"),
    path("backoffice/algoritmes/importeren/", register.register_import, name="import"),
    path("backoffice/algoritmes/<int:pk>/", register.algorithm_detail, name="detail"),
    path("backoffice/algoritmes/<int:pk>/bewerken/", register.algorithm_edit, name="edit"),
    path("backoffice/algoritmes/<int:pk>/eigenaar/", register.algorithm_owner, name="owner"),
    path(
        "backoffice/algoritmes/<int:pk>/publicatie/",
        register.algorithm_transition,
        name="transition",
    ),
    path(
        "backoffice/algoritmes/<int:pk>/versies/<int:number>/",
        register.version_detail,
        name="version",
    ),
    path(
        "backoffice/algoritmes/<int:pk>/versies/<int:number>/terugzetten/",
        register.version_restore,
        name="version-restore",
    ),
    path(
        "backoffice/algoritmes/<int:pk>/versies/<int:number>/export.json",
        register.version_export,
        name="version-export",
    ),
    # Back office: assessments
    path("backoffice/toetsen/", assessments.assessment_list, name="assessment-list"),
    path("backoffice/toetsen/toetskaders/", assessments.framework_list, name="frameworks"),
    path("backoffice/toetsen/nieuw/", assessments.assessment_create, name="assessment-create"),
    path("backoffice/toetsen/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path(
        "backoffice/toetsen/<int:pk>/deel/<slug:section>/",
        assessments.assessment_section,
        name="assessment-section",
    ),
    path(
        "backoffice/toetsen/<int:pk>/stap/",
        assessments.assessment_transition,
        name="assessment-transition",
    ),
    path(
        "backoffice/toetsen/<int:pk>/ondertekenen/",
        assessments.assessment_sign,
        name="assessment-sign",
    ),
    path(
        "backoffice/toetsen/<int:pk>/beoordelaars/",
        assessments.assessment_reviewers,
        name="assessment-reviewers",
    ),
    path(
        "backoffice/toetsen/<int:pk>/opnieuw/",
        assessments.assessment_renew,
        name="assessment-renew",
    ),
    path("backoffice/toetsen/<int:pk>/bewijs/", assessments.evidence_add, name="evidence-add"),
    path("backoffice/bewijs/<int:pk>/", assessments.evidence_download, name="evidence-download"),
    path(
        "backoffice/bewijs/<int:pk>/verwijderen/",
        assessments.evidence_remove,
        name="evidence-remove",
    ),
    # Back office: bias audits
    path("backoffice/algoritmes/<int:pk>/audits/", audits.audit_history, name="audits"),
    path(
        "backoffice/algoritmes/<int:pk>/audits/gegevens/",
        audits.dataset_upload,
        name="dataset-upload",
    ),
    path("backoffice/audits/gegevens/<int:dataset>/", audits.audit_create, name="audit-create"),
    path("backoffice/audits/<int:pk>/", audits.audit_detail, name="audit-detail"),
    path("backoffice/audits/<int:pk>/rapport.html", audits.audit_report_html, name="audit-html"),
    path("backoffice/audits/<int:pk>/rapport.json", audits.audit_report_json, name="audit-json"),
    path("backoffice/audits/<int:pk>/opnieuw/", audits.audit_retry, name="audit-retry"),
    # Back office: Uthiek pilot
    path("backoffice/uthiek-pilot/", pilot.pilot, name="pilot"),
    path("backoffice/uthiek-pilot/processen/nieuw/", pilot.process_edit, name="process-create"),
    path("backoffice/uthiek-pilot/processen/<int:pk>/", pilot.process_edit, name="process-edit"),
    path(
        "backoffice/uthiek-pilot/processen/<int:process>/instrumenten/nieuw/",
        pilot.instrument_edit,
        name="instrument-create",
    ),
    path(
        "backoffice/uthiek-pilot/instrumenten/<int:pk>/",
        pilot.instrument_edit,
        name="instrument-edit",
    ),
    # Staff API
    path("api/algoritmes/", api.AlgorithmListApi.as_view(), name="api-list"),
    path("api/algoritmes/import/", api.ImportApi.as_view(), name="api-import"),
    path("api/algoritmes/<int:pk>/", api.AlgorithmDetailApi.as_view(), name="api-detail"),
    path(
        "api/algoritmes/<int:pk>/versies/", api.AlgorithmVersionApi.as_view(), name="api-versions"
    ),
    path(
        "api/algoritmes/<int:pk>/publicatie/",
        api.AlgorithmTransitionApi.as_view(),
        name="api-transition",
    ),
]
