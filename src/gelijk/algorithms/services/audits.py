"""Bias audits: upload a decision file for an algorithm, choose the columns, run the fairness
engine in the background, keep the report.

Before anything is stored, the chosen columns are checked against the file (present, no
missing values, binary where a 0/1 is needed, a numeric score with a threshold inside its
range, a reference group that occurs): every problem is named with its column. The engine
checks again when it runs; an input error then marks the audit failed with its message.
"""

from __future__ import annotations

import hashlib
import logging
import math
from pathlib import PurePath

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gelijk.algorithms import files
from gelijk.algorithms.models import Algorithm, Assessment, AuditDataset, BiasAudit
from gelijk.algorithms.services import actor_of as _actor
from gelijk.algorithms.services import refusals_audited, require
from gelijk.algorithms.workflow import WorkflowError
from gelijk.core import audit, processing

log = logging.getLogger("gelijk.algorithms")
RUN = "algorithms.run_audit"
SCAN_SEED = 2026


class AuditInputError(WorkflowError):
    """Chosen columns or values that do not fit the data; ``errors`` maps form field ->
    messages."""

    def __init__(self, errors: dict[str, list[str]]):
        messages = [m for ms in errors.values() for m in ms]
        super().__init__(
            ngettext(
                "De audit kan zo niet worden gestart: %(n)s probleem.",
                "De audit kan zo niet worden gestart: %(n)s problemen.",
                len(messages),
            )
            % {"n": len(messages)},
            messages=messages,
        )
        self.errors = errors


def _refuse(user, obj) -> None:
    require(
        user,
        RUN,
        obj,
        _("Alleen een algoritme-eigenaar, privacy officer of analist kan bias-audits starten."),
        object_type="algorithms.BiasAudit",
    )


# --------------------------------------------------------------------------- datasets


@refusals_audited
@transaction.atomic
def dataset_upload(
    algorithm: Algorithm, *, user, name: str, data: bytes, description: str = ""
) -> AuditDataset:
    _refuse(user, algorithm)
    try:
        fmt, frame = files.read_dataset(name, data)
    except files.FileRefused as exc:
        raise WorkflowError(str(exc), field="file") from None
    sha = hashlib.sha256(data).hexdigest()
    dataset = AuditDataset(
        algorithm=algorithm,
        name=PurePath(name or "bestand").name[:200],
        format=fmt,
        size=len(data),
        sha256=sha,
        n_rows=len(frame),
        columns=files.describe_columns(frame),
        description=description.strip()[:300],
        uploaded_by=user,
    )
    dataset.file.save(f"{sha[:16]}.bin", files.encrypted(data), save=False)
    dataset.save()
    audit.record(
        audit.Action.CREATE,
        obj=dataset,
        detail={"algorithm": algorithm.slug, "rows": len(frame), "sha256": sha},
        actor=_actor(user),
    )
    processing.record("algorithm_bias_audit_data", subject="")
    return dataset


def load_frame(dataset: AuditDataset) -> pd.DataFrame:
    _fmt, frame = files.read_dataset(dataset.name, files.decrypted(dataset.file))
    return frame


# --------------------------------------------------------------------------- checks


def _binary_problem(series: pd.Series) -> str | None:
    values = set(pd.unique(series.dropna()))
    if not values <= {0, 1}:
        shown = ", ".join(sorted(str(v) for v in values if v not in (0, 1))[:5])
        return _("moet 0/1 of waar/onwaar zijn; er staan ook andere waarden in (%(v)s)") % {
            "v": shown
        }
    return None


def _missing_problem(series: pd.Series) -> str | None:
    n = int(series.isna().sum())
    if n:
        rows = (series.index[series.isna()][:10] + 2).tolist()  # + header, 1-based
        return _("heeft %(n)s lege cellen (regels %(rows)s)") % {
            "n": n,
            "rows": ", ".join(map(str, rows)) + (" …" if n > 10 else ""),
        }
    return None


def check_metrics_parameters(frame: pd.DataFrame, params: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    roles = [("label", _("uitkomst"), params.get("label"))]
    roles += [("prediction", _("beslissing"), params.get("prediction"))]
    roles += [("score", _("score"), params.get("score"))]
    roles += [("groups", _("groep"), g) for g in params.get("groups") or []]
    roles += [("random_sample", _("aselecte steekproef"), params.get("random_sample"))]
    missing = [(key, role, col) for key, role, col in roles if col and col not in frame.columns]
    if missing:
        for key, role, col in missing:
            add(
                key,
                _("De kolom ‘%(col)s’ (%(role)s) staat niet in het bestand.")
                % {"col": col, "role": role},
            )
        add(
            "__all__",
            _("Kolommen in het bestand: %(cols)s.") % {"cols": ", ".join(frame.columns[:40])},
        )
        return errors
    if not params.get("label"):
        add(
            "label",
            _("Kies de kolom met de werkelijke uitkomst (bijvoorbeeld ‘overtreding gevonden’)."),
        )
    if not params.get("groups"):
        add("groups", _("Kies minstens één kolom met groepen."))
    if bool(params.get("prediction")) == bool(params.get("score")):
        add(
            "prediction",
            _("Kies óf een kolom met de beslissing (0/1), óf een score met een drempel."),
        )
    for key, col in (
        ("label", params.get("label")),
        ("prediction", params.get("prediction")),
        ("random_sample", params.get("random_sample")),
    ):
        if col:
            for problem in (_missing_problem(frame[col]), _binary_problem(frame[col])):
                if problem:
                    add(key, f"‘{col}’ {problem}.")
    score = params.get("score")
    if score:
        series = frame[score]
        problem = _missing_problem(series)
        if problem:
            add("score", f"‘{score}’ {problem}.")
        elif not pd.api.types.is_numeric_dtype(series.dtype) or series.dtype == bool:
            add("score", _("De score ‘%(col)s’ moet een getal zijn.") % {"col": score})
        else:
            threshold = params.get("threshold")
            lo, hi = float(series.min()), float(series.max())
            if threshold is None:
                add("threshold", _("Geef de drempel: vanaf welke score wordt iemand geselecteerd?"))
            elif not lo < float(threshold) <= hi:
                add(
                    "threshold",
                    _(
                        "De drempel %(t)s ligt buiten de scores (%(lo)s tot %(hi)s): dan krijgt "
                        "iedereen dezelfde beslissing."
                    )
                    % {"t": threshold, "lo": f"{lo:g}", "hi": f"{hi:g}"},
                )
    reference = params.get("reference") or {}
    for col in params.get("groups") or []:
        problem = _missing_problem(frame[col])
        if problem:
            add("groups", f"‘{col}’ {problem}.")
            continue
        values = {str(v) for v in pd.unique(frame[col])}
        if len(values) > files.MAX_CATEGORIES:
            add(
                "groups",
                _(
                    "‘%(col)s’ heeft %(n)s verschillende waarden; een groepskolom mag er "
                    "hoogstens %(max)s hebben."
                )
                % {"col": col, "n": len(values), "max": files.MAX_CATEGORIES},
            )
        ref = reference.get(col)
        if ref and ref not in values:
            add(
                "reference",
                _("De referentiegroep ‘%(ref)s’ komt niet voor in ‘%(col)s’. Waarden: %(vals)s.")
                % {"ref": ref, "col": col, "vals": ", ".join(sorted(values)[:20])},
            )
    return errors


def check_scan_parameters(frame: pd.DataFrame, params: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    bias = params.get("bias")
    features = params.get("features") or []
    protected = params.get("protected") or []
    named = [("bias", _("biasvariabele"), bias)] if bias else []
    named += [("features", _("kenmerk"), c) for c in features]
    named += [("protected", _("beschermd kenmerk"), c) for c in protected]
    missing = [(k, r, c) for k, r, c in named if c not in frame.columns]
    for key, role, col in missing:
        add(
            key,
            _("De kolom ‘%(col)s’ (%(role)s) staat niet in het bestand.")
            % {"col": col, "role": role},
        )
    if missing:
        add(
            "__all__",
            _("Kolommen in het bestand: %(cols)s.") % {"cols": ", ".join(frame.columns[:40])},
        )
        return errors
    if not bias:
        add(
            "bias",
            _(
                "Kies de biasvariabele: de kolom met de uitkomst die nadelig is (bijvoorbeeld "
                "‘geselecteerd’)."
            ),
        )
    if not features:
        add("features", _("Kies minstens één kenmerk om op te clusteren."))
    stray = sorted(set(params.get("categorical") or []) - set(features))
    if stray:
        add(
            "categorical",
            _("%(cols)s is geen gekozen kenmerk; alleen kenmerken kunnen een categorie zijn.")
            % {"cols": ", ".join(stray)},
        )
    overlap = sorted(set(features) & ({bias} | set(protected)))
    if overlap:
        add(
            "features",
            _("%(cols)s kan niet tegelijk kenmerk en biasvariabele of beschermd kenmerk zijn.")
            % {"cols": ", ".join(overlap)},
        )
    if bias:
        series = frame[bias]
        problem = _missing_problem(series)
        if problem:
            add("bias", f"‘{bias}’ {problem}.")
        elif not (pd.api.types.is_numeric_dtype(series.dtype) or series.dtype == bool):
            add("bias", _("De biasvariabele ‘%(col)s’ moet 0/1 of een getal zijn.") % {"col": bias})
    for col in [*features, *protected]:
        problem = _missing_problem(frame[col])
        if problem:
            add("features" if col in features else "protected", f"‘{col}’ {problem}.")
    constant = [c for c in features if frame[c].nunique(dropna=True) < 2]
    if constant:
        add(
            "features",
            _("Deze kenmerken hebben overal dezelfde waarde en zeggen dus niets: %(cols)s.")
            % {"cols": ", ".join(constant)},
        )
    if len(frame) < 20:
        add(
            "__all__",
            _("Het bestand heeft %(n)s regels; de biasscan heeft er minstens 20 nodig.")
            % {"n": len(frame)},
        )
    return errors


# --------------------------------------------------------------------------- audits


@refusals_audited
@transaction.atomic
def audit_create(
    dataset: AuditDataset,
    *,
    user,
    kind: str,
    params: dict,
    title: str = "",
    assessment: Assessment | None = None,
) -> BiasAudit:
    """Check the parameters against the data, store the audit and queue the engine run."""
    _refuse(user, dataset.algorithm)
    if kind not in BiasAudit.Kind.values:
        raise WorkflowError(_("Kies het soort audit."), field="kind")
    if assessment is not None and assessment.algorithm_id != dataset.algorithm_id:
        raise WorkflowError(_("Die toets hoort bij een ander algoritme."), field="assessment")
    frame = load_frame(dataset)
    check = check_metrics_parameters if kind == BiasAudit.Kind.METRICS else check_scan_parameters
    errors = check(frame, params)
    if errors:
        raise AuditInputError(errors)
    audit_row = BiasAudit.objects.create(
        algorithm=dataset.algorithm,
        dataset=dataset,
        assessment=assessment,
        kind=kind,
        title=(title or "").strip()[:200] or f"{BiasAudit.Kind(kind).label} – {dataset.name}",
        parameters=params,
        created_by=user,
    )
    audit.record(
        audit.Action.CREATE,
        obj=audit_row,
        detail={"algorithm": dataset.algorithm.slug, "kind": kind, "parameters": params},
        actor=_actor(user),
    )
    from gelijk.algorithms.tasks import run_bias_audit

    # With the database task backend the queued row becomes visible with this transaction's
    # commit, so a failed request queues nothing.
    result = run_bias_audit.enqueue(audit_row.pk)
    BiasAudit.objects.filter(pk=audit_row.pk, task_id="").update(task_id=str(result.id))
    audit_row.refresh_from_db()
    return audit_row


def _finite(value):
    return value if isinstance(value, int | float) and math.isfinite(value) else None


def metrics_summary(report: dict) -> dict:
    """Headline numbers of a metrics report: verdict counts and the largest disparities."""
    outside = [d for d in report["disparities"] if d["verdict"] == "outside_band"]
    by_metric: dict[str, int] = {}
    for d in outside:
        by_metric[d["metric"]] = by_metric.get(d["metric"], 0) + 1

    def distance(d):
        ratio = d.get("ratio")
        return abs(math.log(ratio)) if ratio else 0.0

    worst = sorted(outside, key=distance, reverse=True)[:5]
    return {
        "n_rows": report["n_rows"],
        "outside_band": len(outside),
        "disparities": len(report["disparities"]),
        "outside_by_metric": by_metric,
        "worst": [
            {
                k: d.get(k)
                for k in (
                    "attribute",
                    "group",
                    "reference",
                    "metric",
                    "ratio",
                    "ci_low",
                    "ci_high",
                    "significant",
                )
            }
            for d in worst
        ],
    }


def scan_summary(report: dict) -> dict:
    test = report["bias_test"]
    return {
        "n_rows": report["n_rows"],
        "n_clusters": report["n_clusters"],
        "significant": test.get("significant"),
        "p_value": _finite(test.get("p_value")),
        "cluster_value": _finite(test.get("cluster_value")),
        "rest_value": _finite(test.get("rest_value")),
        "cluster_n": test.get("cluster_n"),
    }


def _categorical(frame: pd.DataFrame, p: dict) -> list[str] | None:
    """The features to treat as categories: text and true/false columns always, and the
    numeric ones the user marked (None: let the engine decide)."""
    marked = set(p.get("categorical") or [])
    if not marked:
        return None
    return [
        c
        for c in p["features"]
        if c in marked
        or not pd.api.types.is_numeric_dtype(frame[c].dtype)
        or frame[c].dtype == bool
    ]


def _run_engine(audit_row: BiasAudit, frame: pd.DataFrame) -> tuple[dict, str, dict]:
    from gelijk.engines import fairness

    p = audit_row.parameters
    k = settings.GELIJK_SMALL_CELL_K
    if audit_row.kind == BiasAudit.Kind.METRICS:
        reference = {c: v for c, v in (p.get("reference") or {}).items() if v}
        report = fairness.group_metrics(
            frame,
            label=p["label"],
            groups=p["groups"],
            prediction=p.get("prediction") or None,
            score=p.get("score") or None,
            threshold=p.get("threshold"),
            reference=reference or None,
            random_sample=p.get("random_sample") or None,
            intersections=bool(p.get("intersections", True)),
            allow_undefined=True,
            k=k,
        )
        summary = metrics_summary(report.to_dict())
    else:
        columns = list(dict.fromkeys([*p["features"], *(p.get("protected") or [])]))
        report = fairness.bias_scan(
            frame[columns],
            frame[p["bias"]],
            seed=int(p.get("seed", SCAN_SEED)),
            features=p["features"],
            categorical=_categorical(frame, p),
            protected=p.get("protected") or None,
            higher_is_better=bool(p.get("higher_is_better")),
            k=k,
        )
        summary = scan_summary(report.to_dict())
    return report.to_dict(), fairness.render_html(report), summary


def audit_run(audit_id: int) -> BiasAudit:
    """Run the engine for one queued audit (the background task calls this)."""
    from gelijk.engines.errors import InputError

    with transaction.atomic():
        row = BiasAudit.objects.select_for_update().get(pk=audit_id)
        if row.status not in (BiasAudit.Status.QUEUED, BiasAudit.Status.FAILED):
            return row
        row.status, row.started_at, row.error = BiasAudit.Status.RUNNING, timezone.now(), ""
        row.save(update_fields=["status", "started_at", "error"])
    try:
        frame = load_frame(row.dataset)
        report, html, summary = _run_engine(row, frame)
    except InputError as exc:
        return _finish_failed(row, _("De gegevens passen niet bij de analyse: %(m)s") % {"m": exc})
    except files.FileRefused as exc:
        return _finish_failed(row, str(exc))
    except Exception:  # the worker must record the failure; the trace goes to the log
        log.exception("bias audit %s failed", audit_id)
        return _finish_failed(
            row, _("De analyse is onverwacht gestopt. De beheerder kan in het logboek zien waarom.")
        )
    with transaction.atomic():
        row.report, row.report_html, row.summary = report, html, summary
        row.status, row.finished_at = BiasAudit.Status.DONE, timezone.now()
        row.save(update_fields=["report", "report_html", "summary", "status", "finished_at"])
        audit.record(
            audit.Action.CHANGE,
            obj=row,
            detail={"status": row.status, "summary": summary},
        )
        processing.record("algorithm_bias_audit_data", subject="")
    return row


def _finish_failed(row: BiasAudit, message: str) -> BiasAudit:
    with transaction.atomic():
        row.status, row.error, row.finished_at = BiasAudit.Status.FAILED, message, timezone.now()
        row.save(update_fields=["status", "error", "finished_at"])
        audit.record(
            audit.Action.CHANGE,
            obj=row,
            result=audit.Result.FAILED,
            detail={"status": row.status, "error": message[:500]},
        )
    return row


@refusals_audited
@transaction.atomic
def audit_retry(audit_row: BiasAudit, *, user) -> BiasAudit:
    _refuse(user, audit_row.algorithm)
    if audit_row.status != BiasAudit.Status.FAILED:
        raise WorkflowError(_("Alleen een mislukte audit kan opnieuw worden gestart."))
    from gelijk.algorithms.tasks import run_bias_audit

    BiasAudit.objects.filter(pk=audit_row.pk).update(status=BiasAudit.Status.QUEUED, error="")
    audit.record(audit.Action.CHANGE, obj=audit_row, detail={"status": "retry"}, actor=_actor(user))
    result = run_bias_audit.enqueue(audit_row.pk)
    BiasAudit.objects.filter(pk=audit_row.pk).update(task_id=str(result.id))
    audit_row.refresh_from_db()
    return audit_row
