from django.urls import path

from gelijk.language.views import batches, library, rules, scan

app_name = "language"

BASE = "backoffice/taal/"

urlpatterns = [
    path(BASE, scan.scan, name="scan"),
    path(f"{BASE}brieven/", library.library, name="library"),
    path(f"{BASE}brieven/nieuw/", library.letter_new, name="letter-new"),
    path(f"{BASE}brieven/<int:pk>/", library.letter_detail, name="letter"),
    path(f"{BASE}brieven/<int:pk>/nieuwe-versie/", library.version_new, name="version-new"),
    path(f"{BASE}brieven/<int:pk>/vergelijken/", library.diff, name="diff"),
    path(f"{BASE}brieven/<int:pk>/versies/<int:number>/", library.version_detail, name="version"),
    path(
        f"{BASE}brieven/<int:pk>/versies/<int:number>/scannen/",
        library.version_scan,
        name="version-scan",
    ),
    path(f"{BASE}batchscans/", batches.batches, name="batches"),
    path(f"{BASE}batchscans/starten/", batches.batch_start, name="batch-start"),
    path(f"{BASE}batchscans/<int:pk>/", batches.batch_detail, name="batch"),
    path(f"{BASE}regels/", rules.rules, name="rules"),
    path(f"{BASE}regels/<int:pk>/uitzetten/", rules.rule_deactivate, name="rule-deactivate"),
]
