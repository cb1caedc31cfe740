"""Batch scans: progress counted letter by letter, results per letter, one batch at a time,
the trend over whole-library batches, and the progress page with and without JavaScript."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.urls import reverse

from gelijk.core.models import AuditEntry
from gelijk.language import selectors, services
from gelijk.language.models import Letter, LetterScan, ScanBatch
from tests.conftest import verified_client
from tests.language.conftest import CLEAN_LETTER, PROBLEM_LETTER


@pytest.fixture
def library(make_letter):
    return [
        make_letter(title="Schone brief", text=CLEAN_LETTER),
        make_letter(title="Brief met fouten", text=PROBLEM_LETTER),
        make_letter(title="Nog een schone brief", text=CLEAN_LETTER + "\n\nTot ziens."),
    ]


def test_a_batch_scans_the_newest_version_of_every_letter(library, analist, writer):
    services.letter_add_version(library[1], user=writer, text=PROBLEM_LETTER + "\n\nP.S.")
    batch = services.batch_start(user=analist)  # the test settings run tasks immediately
    batch.refresh_from_db()
    assert (batch.status, batch.scope, batch.total, batch.done_count) == ("done", "all", 3, 3)
    assert (batch.failed_count, batch.clean_count) == (0, 2)
    scans = LetterScan.objects.filter(batch=batch)
    newest = {lt.latest_version_id for lt in Letter.objects.all()}
    assert {s.version_id for s in scans} == newest
    assert library[1].versions.get(number=2).pk in newest
    assert sum(s.b1_and_clean for s in scans) == batch.clean_count
    actions = list(
        AuditEntry.objects.filter(object_type="language.ScanBatch").values_list("action", flat=True)
    )
    assert actions == ["create", "change"]


def test_progress_is_counted_after_each_letter(library, analist):
    seen = []
    original = services._scan_row

    def spy(version, *args, **kwargs):
        seen.append(ScanBatch.objects.get().done_count)
        return original(version, *args, **kwargs)

    with mock.patch.object(services, "_scan_row", side_effect=spy):
        services.batch_start(user=analist)
    assert seen == [0, 1, 2]
    assert ScanBatch.objects.get().done_count == 3


def test_one_letter_that_fails_does_not_stop_the_batch(library, analist):
    original = services._scan_row

    def flaky(version, *args, **kwargs):
        if version.letter.title == "Brief met fouten":
            raise RuntimeError("kapot")
        return original(version, *args, **kwargs)

    with mock.patch.object(services, "_scan_row", side_effect=flaky):
        batch = services.batch_start(user=analist)
    batch.refresh_from_db()
    assert (batch.status, batch.done_count, batch.failed_count, batch.scanned) == ("done", 3, 1, 2)


def test_a_selection_and_its_mistakes(library, analist):
    batch = services.batch_start(user=analist, letter_ids=[library[0].pk])
    assert (batch.scope, batch.total, batch.letter_ids) == ("selection", 1, [library[0].pk])
    with pytest.raises(services.LanguageError, match="minstens één brief"):
        services.batch_start(user=analist, letter_ids=[])
    with pytest.raises(services.LanguageError, match="bestaan niet"):
        services.batch_start(user=analist, letter_ids=[library[0].pk, 999_999])


def test_only_one_batch_at_a_time(library, analist):
    ScanBatch.objects.create(scope="all", letter_ids=[library[0].pk], total=1)
    with pytest.raises(services.LanguageError, match="Er loopt al een batchscan"):
        services.batch_start(user=analist)
    assert ScanBatch.objects.count() == 1


def test_an_empty_library_cannot_be_scanned(analist):
    with pytest.raises(services.LanguageError, match="bibliotheek is nog leeg"):
        services.batch_start(user=analist)


def test_starting_a_batch_needs_the_permission(client, library, writer, analist):
    verified_client(client, writer)
    response = client.post(reverse("language:batch-start"), {"scope": "all"})
    assert response.status_code == 403
    assert not ScanBatch.objects.exists()
    verified_client(client, analist)
    assert client.get(reverse("language:batch-start")).status_code == 405
    response = client.post(
        reverse("language:batch-start"), {"scope": "selection", "letters": ["x"]}
    )
    assert response.status_code == 302 and response.url == reverse("language:library")
    response = client.post(reverse("language:batch-start"), {"scope": "all"})
    batch = ScanBatch.objects.get()
    assert response.url == reverse("language:batch", args=[batch.pk])


def test_the_trend_counts_whole_library_batches_only(library, analist, writer):
    first = services.batch_start(user=analist)
    services.batch_start(user=analist, letter_ids=[library[0].pk])
    services.letter_add_version(library[1], user=writer, text=CLEAN_LETTER + "\n\nGroet.")
    third = services.batch_start(user=analist)
    points = selectors.trend(analist)
    assert [p.batch.pk for p in points] == [first.pk, third.pk]
    assert [(p.clean, p.scanned) for p in points] == [(2, 3), (3, 3)]
    assert points[0].share == pytest.approx(2 / 3)


def test_batches_page_has_the_chart_spec_and_the_same_figures_in_a_table(client, library, analist):
    services.batch_start(user=analist)
    verified_client(client, analist)
    html = client.get(reverse("language:batches")).content.decode()
    island = html.split('<script id="trend-spec" type="application/json">')[1].split("</script>")[0]
    spec = json.loads(island)
    assert [(v["schoon"], v["n"], v["aandeel"]) for v in spec["data"]["values"]] == [(2, 3, 0.6667)]
    assert 'data-gelijk-vega="trend-spec"' in html and "67%" in html
    assert "<script>" not in html  # no inline executable script (CSP)


def test_progress_page_polls_until_done_and_has_a_reload_link(client, library, analist):
    batch = ScanBatch.objects.create(
        scope="all", letter_ids=[lt.pk for lt in library], total=3, created_by=analist
    )
    verified_client(client, analist)
    url = reverse("language:batch", args=[batch.pk])
    waiting = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 2s" hx-select="#batch-state"' in waiting
    assert f'<a class="utrecht-link" href="{url}">Vernieuw de pagina</a>' in waiting
    assert "htmx.min.js" in waiting and "includeIndicatorStyles" in waiting
    assert "0 van 3 brieven gescand" in waiting
    services.batch_run(batch.pk)
    done = client.get(url).content.decode()
    assert "hx-get" not in done and "htmx.min.js" not in done
    assert "3 van 3 brieven gescand" in done and "Uitkomst per brief" in done
    assert "Klaar: 3 brieven gescand." in done
    assert services.batch_run(batch.pk).status == "done"  # a second run changes nothing
    assert LetterScan.objects.filter(batch=batch).count() == 3


def test_a_batch_whose_worker_died_is_marked_failed_and_frees_the_lock(library, analist):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    dead = ScanBatch.objects.create(
        scope="all", letter_ids=[library[0].pk], total=1, created_at=now - timedelta(hours=3)
    )
    ScanBatch.objects.filter(pk=dead.pk).update(
        status="running", started_at=now - timedelta(hours=3), heartbeat_at=now - timedelta(hours=2)
    )
    batch = services.batch_start(user=analist)
    dead.refresh_from_db()
    assert (dead.status, dead.busy) == ("failed", None)
    assert "geen teken van leven" in dead.error
    assert batch.status == "done" and batch.busy is None
    assert AuditEntry.objects.filter(
        object_type="language.ScanBatch", object_id=str(dead.pk), result="failed"
    ).exists()


def test_a_recent_running_batch_still_holds_the_lock(library, analist, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.GELIJK_LANGUAGE_STALE_MINUTES = 60
    busy = ScanBatch.objects.create(scope="all", letter_ids=[library[0].pk], total=1)
    ScanBatch.objects.filter(pk=busy.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(minutes=59)
    )
    with pytest.raises(services.LanguageError, match="Er loopt al een batchscan"):
        services.batch_start(user=analist)
    busy.refresh_from_db()
    assert busy.status == "running" and busy.busy is True


def test_the_database_allows_one_working_batch_even_past_the_check(library):
    from django.db import IntegrityError, transaction

    ScanBatch.objects.create(scope="all", letter_ids=[library[0].pk], total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanBatch.objects.create(scope="all", letter_ids=[library[0].pk], total=1)
    done = ScanBatch.objects.create(
        scope="all", letter_ids=[library[0].pk], total=1, status="done", busy=None
    )
    assert done.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanBatch.objects.create(
            scope="all", letter_ids=[library[0].pk], total=1, status="done", busy=True
        )
