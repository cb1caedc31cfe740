"""Forms of the algorithms app. The register form and the assessment forms are built from data
(the standard's field definitions, the framework files); the checks live in ``validation``,
``frameworks`` and the services, and the forms only place their messages on the fields."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gelijk.algorithms import frameworks, validation
from gelijk.algorithms.models import (
    AssessmentTemplate,
    BiasAudit,
    EnforcementInstrument,
    EnforcementProcess,
)
from gelijk.algorithms.standard import FieldDef, Standard
from gelijk.core import access
from gelijk.core.models import Department, Team


def _mark(field: forms.Field, note: str) -> forms.Field:
    """The project's field template shows ``note`` after the label instead of
    '(niet verplicht)'."""
    field.requirement_note = note
    return field


# --------------------------------------------------------------------------- register


def _help(f: FieldDef) -> str:
    parts = [f.explain]
    if f.kind == "html":
        parts.append(
            _("Eenvoudige opmaak mag: %(tags)s. Een lege regel begint een nieuwe alinea.")
            % {"tags": ", ".join(f"<{t}>" for t in sorted(f.allowed_tags))}
        )
    if f.max_length:
        parts.append(_("Hoogstens %(n)s tekens.") % {"n": f.max_length})
    if f.max_items:
        parts.append(_("Kies er hoogstens %(n)s.") % {"n": f.max_items})
    if f.kind == "month":
        parts.append(_("Schrijf het als JJJJ-MM, bijvoorbeeld 2024-03."))
    if f.example and f.kind in ("text", "url", "contact"):
        parts.append(_("Voorbeeld: %(e)s") % {"e": f.example})
    return " ".join(p for p in parts if p)


def _register_field(f: FieldDef) -> forms.Field:
    common = {"label": f.label, "required": False, "help_text": _help(f)}
    if f.kind == "enum":
        field = forms.ChoiceField(
            choices=[("", _("Kies…"))] + [(c, c) for c in f.choices], **common
        )
    elif f.kind == "list":
        field = forms.MultipleChoiceField(
            choices=[(c, c) for c in f.choices], widget=forms.CheckboxSelectMultiple, **common
        )
    elif f.long:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 8 if (f.max_length or 0) > 2500 else 5}),
            strip=False,
            **common,
        )
    else:
        attrs = {"autocomplete": "off"}
        if f.kind == "month":
            attrs.update({"inputmode": "numeric", "placeholder": "2024-03", "size": "8"})
        if f.kind == "url":
            attrs.update({"inputmode": "url", "placeholder": "https://"})
        field = forms.CharField(widget=forms.TextInput(attrs=attrs), strip=False, **common)
    note = _("nodig voor publicatie") if f.required else _("niet verplicht")
    return _mark(field, note)


class RecordForm(forms.Form):
    """All editable fields of the standard, grouped by category; a concept may be incomplete,
    the required fields are marked 'nodig voor publicatie'."""

    def __init__(self, standard: Standard, *args, base_number: int | None = None, **kwargs):
        self.standard = standard
        super().__init__(*args, **kwargs)
        for f in standard.editable_fields:
            self.fields[f.key] = _register_field(f)
        self.fields["note"] = _mark(
            forms.CharField(
                label=_("Wat is er veranderd?"),
                help_text=_("Kort, voor de versiegeschiedenis. Bijvoorbeeld ‘risico’s aangevuld’."),
                max_length=500,
                required=False,
            ),
            _("niet verplicht"),
        )
        self.fields["base_number"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=base_number
        )
        self.record: dict = {}

    def groups(self):
        """(category, bound fields) in the standard's order, for fieldsets."""
        out = []
        for category in self.standard.categories:
            bound = [
                self[f.key]
                for f in self.standard.editable_fields
                if f.category == category and f.key in self.fields
            ]
            if bound:
                out.append((category, bound))
        return out

    def clean(self):
        data = super().clean()
        raw = {f.key: data.get(f.key) for f in self.standard.editable_fields}
        checked = validation.clean_record(raw, self.standard)
        for key, messages in checked.errors.items():
            for message in messages:
                self.add_error(None if key == validation.NON_FIELD else key, message)
        self.record = checked.record
        return data


def record_initial(record: dict, standard: Standard) -> dict:
    return {
        f.key: record.get(f.key, [] if f.kind == "list" else "") for f in standard.editable_fields
    }


class AlgorithmOwnerForm(forms.Form):
    owner = _mark(
        forms.ModelChoiceField(
            label=gettext_lazy("Eigenaar"),
            help_text=gettext_lazy(
                "De medewerker die verantwoordelijk is voor het algoritme en herinneringen krijgt."
            ),
            queryset=get_user_model().objects.none(),
            required=False,
        ),
        gettext_lazy("niet verplicht"),
    )
    department = _mark(
        forms.ModelChoiceField(
            label=gettext_lazy("Afdeling"), queryset=Department.objects.all(), required=False
        ),
        gettext_lazy("niet verplicht"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["owner"].queryset = users.filter(
            pk__in=[u.pk for u in users if access.has_permission(u, "algorithms.edit_algorithm")]
        )
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = _mark(
        forms.CharField(
            label=gettext_lazy("Toelichting"),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            help_text=gettext_lazy("Verplicht bij afwijzen en terugtrekken."),
        ),
        gettext_lazy("soms verplicht"),
    )


class ImportForm(forms.Form):
    file = _mark(
        forms.FileField(
            label=gettext_lazy("JSON-bestand"),
            required=False,
            help_text=gettext_lazy(
                "Een record of een lijst van records, in het formaat van de Publicatiestandaard "
                "of van het landelijke Algoritmeregister."
            ),
        ),
        gettext_lazy("bestand of tekst"),
    )
    text = _mark(
        forms.CharField(
            label=gettext_lazy("Of plak de JSON hier"),
            widget=forms.Textarea(attrs={"rows": 8}),
            required=False,
        ),
        gettext_lazy("bestand of tekst"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Kies een JSON-bestand of plak de JSON in het tekstvak."))
        return data


# --------------------------------------------------------------------------- assessments


class AssessmentCreateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=gettext_lazy("Toetskader"),
        queryset=AssessmentTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = AssessmentTemplate.objects.filter(
            pk__in=[t.pk for t in templates]
        )
        self.fields["template"].label_from_instance = lambda t: t.title


def _question_note(q: frameworks.Question) -> str:
    if q.required:
        return _("verplicht bij indienen")
    if q.required_if:
        return _("soms verplicht")
    return _("niet verplicht")


class SectionForm(forms.Form):
    """The questions of one section of a framework."""

    def __init__(self, section: frameworks.Section, *args, **kwargs):
        self.section = section
        super().__init__(*args, **kwargs)
        for q in section.questions:
            help_parts = [q.help, q.evidence_hint]
            common = {
                "label": q.label,
                "required": False,
                "help_text": " ".join(p for p in help_parts if p),
            }
            if q.type == "text":
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=frameworks.MAX_TEXT,
                    **common,
                )
            elif q.type == "choice":
                field = forms.ChoiceField(
                    choices=list(q.options), widget=forms.RadioSelect, **common
                )
            else:
                field = forms.MultipleChoiceField(
                    choices=list(q.options), widget=forms.CheckboxSelectMultiple, **common
                )
            self.fields[q.id] = _mark(field, _question_note(q))

    def answers(self) -> dict:
        return {q.id: self.cleaned_data.get(q.id) for q in self.section.questions}


class ReviewersForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Beoordelaars"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Kies wie de toets beoordeelt en ondertekent. Kiest u niemand, dan kan iedere "
            "beoordelaar het doen, behalve wie de toets indient."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["reviewers"].queryset = users.filter(
            pk__in=[u.pk for u in users if access.has_permission(u, "algorithms.sign_assessment")]
        )
        self.fields["reviewers"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )
        _mark(self.fields["reviewers"], _("niet verplicht"))


class SignForm(forms.Form):
    public_summary = _mark(
        forms.CharField(
            label=gettext_lazy("Publieke samenvatting"),
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=3000,
            help_text=gettext_lazy(
                "In gewone taal (B1): wat is getoetst, wat is de uitkomst, welke maatregelen "
                "volgen. Dit komt op de openbare pagina van het algoritmeregister."
            ),
        ),
        "",
    )


class ReturnForm(forms.Form):
    reason = _mark(
        forms.CharField(
            label=gettext_lazy("Wat moet er beter?"),
            widget=forms.Textarea(attrs={"rows": 4}),
        ),
        "",
    )


class EvidenceForm(forms.Form):
    file = _mark(
        forms.FileField(
            label=gettext_lazy("Bestand"),
            help_text=gettext_lazy(
                "PDF, PNG, JPG, Word (docx), Excel (xlsx), OpenDocument of tekst (csv, txt, "
                "md, json)."
            ),
        ),
        "",
    )
    question = _mark(
        forms.ChoiceField(label=gettext_lazy("Bij welke vraag hoort het?"), required=False),
        gettext_lazy("niet verplicht"),
    )
    description = _mark(
        forms.CharField(label=gettext_lazy("Omschrijving"), max_length=300, required=False),
        gettext_lazy("niet verplicht"),
    )

    def __init__(self, fw: frameworks.Framework, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", _("Bij de toets als geheel"))] + [
            (q.id, q.label) for q in fw.questions
        ]


# --------------------------------------------------------------------------- audits


class DatasetForm(forms.Form):
    file = _mark(
        forms.FileField(
            label=gettext_lazy("Gegevensbestand"),
            help_text=gettext_lazy(
                "CSV (UTF-8, met kolomnamen in de eerste regel), Parquet of Excel (xlsx). Eén "
                "regel per beslissing van het algoritme."
            ),
        ),
        "",
    )
    description = _mark(
        forms.CharField(
            label=gettext_lazy("Omschrijving"),
            max_length=300,
            required=False,
            help_text=gettext_lazy("Bijvoorbeeld: selecties van 2025, met aselecte steekproef."),
        ),
        gettext_lazy("niet verplicht"),
    )


def _columns(dataset, kinds=None) -> list[tuple[str, str]]:
    return [
        (c["name"], f"{c['name']} ({c['kind']})")
        for c in dataset.columns
        if kinds is None or c["kind"] in kinds
    ]


def _assessment_field(assessments) -> forms.Field:
    return _mark(
        forms.ChoiceField(
            label=gettext_lazy("Hoort bij toets"),
            required=False,
            choices=[("", _("Geen"))] + [(str(a.pk), str(a)) for a in assessments],
        ),
        _("niet verplicht"),
    )


class MetricsAuditForm(forms.Form):
    title = _mark(
        forms.CharField(label=gettext_lazy("Titel"), max_length=200, required=False),
        gettext_lazy("niet verplicht"),
    )

    def __init__(self, dataset, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("Kies een kolom…")), *_columns(dataset)]
        categorical = _columns(dataset, {"categorie", "binair"})
        self.reference_columns = [
            c for c in dataset.columns if c["kind"] in ("categorie", "binair")
        ]
        self.fields["label"] = _mark(
            forms.ChoiceField(
                label=_("Werkelijke uitkomst"),
                choices=every,
                help_text=_("0/1: bijvoorbeeld ‘overtreding gevonden’ (1) of niet (0)."),
            ),
            "",
        )
        self.fields["decision"] = _mark(
            forms.ChoiceField(
                label=_("Hoe staat de beslissing van het algoritme in het bestand?"),
                choices=[
                    ("prediction", _("Als 0/1-kolom (geselecteerd of niet)")),
                    ("score", _("Als score met een drempel")),
                ],
                widget=forms.RadioSelect,
                initial="prediction",
            ),
            "",
        )
        self.fields["prediction"] = _mark(
            forms.ChoiceField(
                label=_("Kolom met de beslissing (0/1)"), choices=every, required=False
            ),
            _("bij 0/1-kolom"),
        )
        self.fields["score"] = _mark(
            forms.ChoiceField(label=_("Kolom met de score"), choices=every, required=False),
            _("bij score"),
        )
        self.fields["threshold"] = _mark(
            forms.FloatField(
                label=_("Drempel"),
                required=False,
                help_text=_("Vanaf deze score wordt iemand geselecteerd."),
            ),
            _("bij score"),
        )
        self.fields["groups"] = _mark(
            forms.MultipleChoiceField(
                label=_("Groepskolommen"),
                choices=categorical,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "De kolommen waarvan u de groepen wilt vergelijken, zoals wijk of "
                    "nationaliteit."
                ),
            ),
            "",
        )
        for c in self.reference_columns:
            self.fields[f"ref__{c['name']}"] = _mark(
                forms.ChoiceField(
                    label=_("Referentiegroep voor ‘%(col)s’") % {"col": c["name"]},
                    choices=[("", _("De grootste groep"))] + [(v, v) for v in c["values"]],
                    required=False,
                ),
                _("alleen als ‘%(col)s’ een groepskolom is") % {"col": c["name"]},
            )
        self.fields["intersections"] = _mark(
            forms.BooleanField(
                label=_(
                    "Ook combinaties van groepen vergelijken (bijvoorbeeld wijk × nationaliteit)"
                ),
                required=False,
                initial=True,
                help_text=_("Met combinaties duurt de analyse langer."),
            ),
            "",
        )
        self.fields["random_sample"] = _mark(
            forms.ChoiceField(
                label=_("Kolom die de aselecte steekproef aanwijst"),
                choices=[("", _("Geen steekproef")), *_columns(dataset, {"binair"})],
                required=False,
                help_text=_("1 = uit de aselecte steekproef, 0 = door het algoritme geselecteerd."),
            ),
            _("niet verplicht"),
        )
        self.fields["assessment"] = _assessment_field(assessments)

    def parameters(self) -> dict:
        d = self.cleaned_data
        score_mode = d.get("decision") == "score"
        groups = d.get("groups") or []
        return {
            "label": d.get("label") or "",
            "prediction": "" if score_mode else (d.get("prediction") or ""),
            "score": (d.get("score") or "") if score_mode else "",
            "threshold": d.get("threshold") if score_mode else None,
            "groups": groups,
            "reference": {g: d.get(f"ref__{g}") or "" for g in groups},
            "random_sample": d.get("random_sample") or "",
            "intersections": bool(d.get("intersections")),
        }


class ScanAuditForm(forms.Form):
    title = _mark(
        forms.CharField(label=gettext_lazy("Titel"), max_length=200, required=False),
        gettext_lazy("niet verplicht"),
    )

    def __init__(self, dataset, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        numeric = [("", _("Kies een kolom…")), *_columns(dataset, {"binair", "getal"})]
        usable = _columns(dataset, {"binair", "getal", "categorie"})
        self.fields["bias"] = _mark(
            forms.ChoiceField(
                label=_("Biasvariabele"),
                choices=numeric,
                help_text=_(
                    "De uitkomst die nadelig is, als 0/1 of getal. Bijvoorbeeld ‘geselecteerd "
                    "zonder overtreding’ (fout-positief)."
                ),
            ),
            "",
        )
        self.fields["higher_is_better"] = _mark(
            forms.BooleanField(
                label=_("Een hogere waarde is gunstig (bijvoorbeeld ‘juist voorspeld’)"),
                required=False,
            ),
            "",
        )
        self.fields["features"] = _mark(
            forms.MultipleChoiceField(
                label=_("Kenmerken om op te clusteren"),
                choices=usable,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Gebruik hier geen beschermde kenmerken zoals nationaliteit."),
            ),
            "",
        )
        self.fields["categorical"] = _mark(
            forms.MultipleChoiceField(
                label=_("Kenmerken met getallen die toch categorieën zijn"),
                choices=_columns(dataset, {"binair", "getal", "categorie"}),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_(
                    "Bijvoorbeeld een code of een aantal dat u als groep wilt behandelen. Tekst is "
                    "altijd een categorie."
                ),
            ),
            _("niet verplicht"),
        )
        self.fields["protected"] = _mark(
            forms.MultipleChoiceField(
                label=_("Beschermde kenmerken om achteraf te beschrijven"),
                choices=usable,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_(
                    "Deze worden niet gebruikt voor het clusteren, alleen om de groep te "
                    "beschrijven."
                ),
            ),
            _("niet verplicht"),
        )
        self.fields["seed"] = _mark(
            forms.IntegerField(
                label=_("Startgetal (seed)"),
                initial=2026,
                min_value=0,
                max_value=2**31 - 1,
                help_text=_("Met hetzelfde startgetal geeft de scan dezelfde uitkomst."),
            ),
            "",
        )
        self.fields["assessment"] = _assessment_field(assessments)

    def parameters(self) -> dict:
        d = self.cleaned_data
        return {
            "bias": d.get("bias") or "",
            "higher_is_better": bool(d.get("higher_is_better")),
            "features": d.get("features") or [],
            "categorical": d.get("categorical") or [],
            "protected": d.get("protected") or [],
            "seed": d.get("seed") if d.get("seed") is not None else 2026,
        }


AUDIT_FORMS = {BiasAudit.Kind.METRICS: MetricsAuditForm, BiasAudit.Kind.SCAN: ScanAuditForm}


# --------------------------------------------------------------------------- pilot


class ProcessForm(forms.ModelForm):
    class Meta:
        model = EnforcementProcess
        fields = ["name", "description", "department", "team", "position"]
        labels = {"position": gettext_lazy("Volgorde")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.select_related("department")
        for field in self.fields.values():
            _mark(field, "" if field.required else _("niet verplicht"))


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = EnforcementInstrument
        fields = ["name", "kind", "description", "algorithm", "position"]
        labels = {"position": gettext_lazy("Volgorde")}

    def __init__(self, *args, algorithms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if algorithms is not None:
            self.fields["algorithm"].queryset = algorithms
        self.fields["algorithm"].label_from_instance = lambda a: str(a)
        for field in self.fields.values():
            _mark(field, "" if field.required else _("niet verplicht"))
