"""Demo data: a library of VTH standard letters and vacancy texts (``demo_letters.yaml``), with
improved second versions and three finished batch scans, so the trend shows the library
getting better. Idempotent: a second run finds the letters and adds nothing."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gelijk.core import demo
from gelijk.core.models import Team

# Days before today of each step of the timeline: versions written in step i, then a
# whole-library batch scan a week or two later.
STEPS = (270, 150, 40)
BATCH_AFTER_DAYS = 10
BATCH_RUNNER = "analist"


def demo_letters() -> list[dict]:
    text = (resources.files("gelijk.language") / "demo_letters.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["letters"]


@demo.register("language", order=40)
def seed(seed: int) -> dict:
    from gelijk.language import services
    from gelijk.language.models import Letter, ScanBatch

    letters_data = demo_letters()
    if Letter.objects.filter(title=letters_data[0]["title"]).exists():
        return {"letters": Letter.objects.count(), "batches": ScanBatch.objects.count()}
    users = {u.username: u for u in get_user_model().objects.all()}
    missing = {BATCH_RUNNER, *(entry["author"] for entry in letters_data)} - set(users)
    if missing:
        raise RuntimeError(
            f"the language demo needs the core demo users {sorted(missing)}; run the core demo"
        )
    teams = {t.code: t for t in Team.objects.all()}
    today = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    letters: dict[str, Letter] = {}
    versions = batches = 0
    with transaction.atomic():
        for step, days in enumerate(STEPS):
            at = today - timedelta(days=days)
            for i, entry in enumerate(letters_data):
                for version in entry["versions"]:
                    if version["at"] != step:
                        continue
                    author = users[entry["author"]]
                    when = at + timedelta(hours=i)
                    if entry["title"] not in letters:
                        letters[entry["title"]] = services.letter_create(
                            user=author,
                            title=entry["title"],
                            kind=entry["kind"],
                            team=teams[entry["team"]],
                            text=version["text"],
                            note=version["note"],
                            at=when,
                        )
                    else:
                        services.letter_add_version(
                            letters[entry["title"]],
                            user=author,
                            text=version["text"],
                            note=version["note"],
                            at=when,
                        )
                    versions += 1
            scan_at = at + timedelta(days=BATCH_AFTER_DAYS)
            batch = services.batch_create(user=users[BATCH_RUNNER], at=scan_at)
            services.batch_run(batch.pk, at=scan_at)
            batches += 1
    return {"letters": len(letters), "versions": versions, "batches": batches}
