from django.urls import path, register_converter

from gelijk.reporting import api
from gelijk.reporting.views import office, public

app_name = "reporting"


class ReferenceConverter:
    regex = r"M-[A-Z0-9]{4}-[A-Z0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "ref")

OFFICE = "backoffice/meldingen/"

urlpatterns = [
    path("melden/", public.report, name="report"),
    path("melden/bevestiging/", public.confirmation, name="confirmation"),
    path("melden/status/", public.status, name="status"),
    path("melden/status/aanvullen/", public.status_add, name="status-add"),
    path("melden/status/afmelden/", public.status_leave, name="status-leave"),
    path(OFFICE, office.case_list, name="case-list"),
    path(f"{OFFICE}export.csv", office.case_export, name="case-export"),
    path(f"{OFFICE}nieuw/", office.case_new, name="case-new"),
    path(f"{OFFICE}termijnen/", office.deadlines, name="deadlines"),
    path(f"{OFFICE}cijfers/", office.statistics, name="statistics"),
    path(f"{OFFICE}jaarverslag/", office.annual_report, name="annual-report"),
    path(f"{OFFICE}jaarverslag.pdf", office.annual_report_pdf, name="annual-report-pdf"),
    path(f"{OFFICE}<ref:reference>/", office.case_detail, name="case-detail"),
    path(
        f"{OFFICE}<ref:reference>/bijlagen/<int:pk>/",
        office.attachment_download,
        name="attachment",
    ),
    path(
        f"{OFFICE}<ref:reference>/art1/<int:pk>.<str:fmt>",
        office.handoff_download,
        name="handoff-download",
    ),
    path(f"{OFFICE}<ref:reference>/<slug:action>/", office.case_action, name="case-action"),
    path("api/meldingen/", api.PublicSubmitView.as_view(), name="api-submit"),
    path("api/meldingen/zaken/", api.CaseListView.as_view(), name="api-case-list"),
    path(
        "api/meldingen/zaken/<ref:reference>/", api.CaseDetailView.as_view(), name="api-case-detail"
    ),
    path(
        "api/meldingen/zaken/<ref:reference>/geschiedenis/",
        api.CaseHistoryView.as_view(),
        name="api-case-history",
    ),
    path(
        "api/meldingen/zaken/<ref:reference>/overgang/",
        api.CaseTransitionView.as_view(),
        name="api-case-transition",
    ),
    path("api/meldingen/cijfers/", api.StatisticsView.as_view(), name="api-statistics"),
    path(
        "api/meldingen/leersignalen/",
        api.LearningSignalsView.as_view(),
        name="api-learning-signals",
    ),
]
