from django.urls import path

from gelijk.monitor import api
from gelijk.monitor.views import dashboards, exports, methods, work

app_name = "monitor"

M = "monitor/"

urlpatterns = [
    path(M, dashboards.overview, name="overview"),
    path(f"{M}kaart/", dashboards.wijk_map, name="map"),
    path(f"{M}trends/", dashboards.trends, name="trends"),
    path(f"{M}uitkomstentoets/", dashboards.outcome, name="outcome"),
    path(f"{M}licht-en-donker/", dashboards.darkness, name="darkness"),
    path(f"{M}drempeltoets/", dashboards.threshold, name="threshold"),
    path(f"{M}bias-scan/", dashboards.scan, name="scan"),
    path(f"{M}teams-en-handhavers/", dashboards.benchmark, name="benchmark"),
    path(f"{M}signalen/", dashboards.signals, name="signals"),
    path(f"{M}wat-kan-de-monitor-zien/", dashboards.detect, name="detect"),
    path(f"{M}vergelijken/", dashboards.compare, name="compare"),
    path(f"{M}methoden/", methods.methods, name="methods"),
    path(f"{M}methoden/<slug:slug>/", methods.method, name="method"),
    path(f"{M}imports/", work.imports, name="imports"),
    path(f"{M}imports/<int:pk>/", work.import_detail, name="import"),
    path(f"{M}analyses/", work.runs, name="runs"),
    path(f"{M}analyses/<int:pk>/", work.run_detail, name="run"),
    path(f"{M}analyses/<int:pk>/rapport.pdf", exports.export_pdf, name="export-pdf"),
    path(f"{M}analyses/<int:pk>/cijfers.csv", exports.export_csv, name="export-csv"),
    path(
        f"{M}analyses/<int:pk>/engine.<str:fmt>",
        exports.export_engine,
        name="export-engine",
    ),
    path("api/monitor/imports/", api.ImportListView.as_view(), name="api-imports"),
    path("api/monitor/imports/<int:pk>/", api.ImportDetailView.as_view(), name="api-import"),
]
