"""Forms of the reporting app. They only parse and show errors; the rules live in the
services (``validate_submission``, the workflow table), whose CaseError is put on the field
it names — so the form, the API and staff registration refuse exactly the same input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gelijk.core.models import Department, District, Team
from gelijk.reporting import files, texts
from gelijk.reporting.choices import (
    DECISION_OUTCOMES,
    POLICE,
    Channel,
    ConsentKind,
    ContactKind,
    Ground,
    HearingWaived,
    Kind,
    NotHandledGround,
    Service,
    Theme,
)
from gelijk.reporting.services.cases import MAX_DESCRIPTION, MAX_MESSAGE, Submission
from gelijk.reporting.workflow import DECISION_OUTCOME_REFUSED, CaseError, Transition


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content (files.check)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        return [single(item, initial) for item in items if item]


def _counted(max_length: int, rows: int = 8) -> forms.Textarea:
    return forms.Textarea(
        attrs={"rows": rows, "maxlength": max_length, "data-gelijk-counter": max_length}
    )


def _checked_files(form: forms.Form, uploads) -> list[files.CheckedFile]:
    checked = []
    if len(uploads) > files.MAX_FILES:
        raise forms.ValidationError(
            _("U kunt maximaal %(n)s bestanden meesturen.") % {"n": files.MAX_FILES}
        )
    for upload in uploads:
        if upload.size > files.max_bytes():
            # Refuse before reading a huge file into memory.
            raise forms.ValidationError(
                _("‘%(name)s’ is te groot. Het maximum is %(max)s MB per bestand.")
                % {"name": upload.name, "max": files.max_bytes() // 2**20}
            )
        try:
            checked.append(files.check(upload.name, upload.read()))
        except CaseError as exc:
            raise forms.ValidationError(exc.message) from None
    return checked


def _attachments_help():
    return _(
        "Foto's (JPG of PNG) of PDF. Maximaal %(n)s bestanden van elk hoogstens %(mb)s MB."
    ) % {"n": files.MAX_FILES, "mb": files.max_bytes() // 2**20}


class ReportFields(forms.Form):
    """The questions about what happened: shared by the public form and staff registration."""

    description = forms.CharField(
        label=_("Wat is er gebeurd?"),
        help_text=_("Vertel in uw eigen woorden wat er gebeurde. Maximaal %(n)s tekens.")
        % {"n": MAX_DESCRIPTION},
        max_length=MAX_DESCRIPTION,
        widget=_counted(MAX_DESCRIPTION),
        error_messages={
            "required": _("Beschrijf wat er gebeurde."),
            "max_length": _(
                "Uw tekst is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    occurred_on = forms.DateField(
        label=_("Op welke dag was het?"),
        help_text=_("Bijvoorbeeld 14-03-2026. Weet u het niet precies? Kies de dag die u denkt."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={
            "required": _("Vul de dag in waarop het gebeurde."),
            "invalid": _("Vul een datum in zoals 14-03-2026."),
        },
    )
    occurred_time = forms.TimeField(
        label=_("Hoe laat ongeveer?"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Vul een tijd in zoals 21:30.")},
    )
    district = forms.ModelChoiceField(
        label=_("In welke wijk?"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("Weet ik niet"),
    )
    location = forms.CharField(
        label=_("Straat of plek"),
        help_text=_("Bijvoorbeeld: Vredenburg, bij de ingang van Hoog Catharijne."),
        max_length=200,
        required=False,
    )
    service = forms.ChoiceField(
        label=_("Wie sprak u aan?"),
        help_text=_(
            "Ging het om de politie? Dan behandelt de politie uw klacht zelf. Wij laten u zien "
            "waar dat kan."
        ),
        choices=[*Service.choices, (POLICE, _("De politie"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie u aansprak.")},
    )
    contact_kinds = forms.MultipleChoiceField(
        label=_("Wat gebeurde er?"),
        help_text=_("Kies alles wat past."),
        choices=ContactKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    officer_number = forms.CharField(
        label=_("Dienstnummer van de handhaver"),
        help_text=_("Alleen als u het weet. Het staat op het uniform of op de boete."),
        max_length=30,
        required=False,
    )
    grounds = forms.MultipleChoiceField(
        label=_("Waarom denkt u dat u anders werd behandeld?"),
        help_text=_(
            "Dit is niet verplicht. Het helpt ons om te leren. Dit zijn gevoelige gegevens: "
            "geef daarvoor hieronder toestemming."
        ),
        choices=Ground.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ground_other = forms.CharField(label=_("Iets anders, namelijk"), max_length=200, required=False)
    consent_sensitive = forms.BooleanField(
        label=texts.CONSENT_TEXTS[ConsentKind.SENSITIVE], required=False
    )
    name = forms.CharField(label=_("Uw naam"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        required=False,
        help_text=_("Dan sturen we u een ontvangstbevestiging."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")},
    )
    phone = forms.CharField(
        label=_("Uw telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=_("Uw adres"),
        help_text=_("Alleen nodig voor een formele klacht als u geen e-mailadres geeft."),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    consent_contact = forms.BooleanField(
        label=texts.CONSENT_TEXTS[ConsentKind.CONTACT], required=False
    )
    consent_art1 = forms.BooleanField(label=texts.CONSENT_TEXTS[ConsentKind.ART1], required=False)
    attachments = MultipleFileField(label=_("Foto's of documenten"), required=False)

    police_referral = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["attachments"].help_text = _attachments_help()

    def clean_attachments(self):
        return _checked_files(self, self.cleaned_data.get("attachments") or [])

    def clean(self):
        data = super().clean()
        if data.get("service") == POLICE:
            self.police_referral = True
            self.add_error(
                "service",
                _(
                    "Klachten over de politie behandelt de politie zelf. Op deze pagina kunt u "
                    "daarom niet melden. Hieronder staat waar het wel kan."
                ),
            )
            return data
        if self.errors:
            return data
        self.submission = self.build_submission(data)
        from gelijk.reporting.services.cases import validate_submission

        try:
            validate_submission(self.submission)
        except CaseError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def requested_complaint(self, data) -> bool:
        return False

    def build_submission(self, data) -> Submission:
        consents = {
            ConsentKind.CONTACT: bool(data.get("consent_contact")),
            ConsentKind.ART1: bool(data.get("consent_art1")),
            ConsentKind.SENSITIVE: bool(data.get("consent_sensitive")),
        }
        return Submission(
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
            consents=consents,
            consent_texts={kind: str(texts.CONSENT_TEXTS[kind]) for kind in ConsentKind},
            requested_complaint=self.requested_complaint(data),
            files=data.get("attachments") or [],
        )


class ReportForm(ReportFields):
    """The public form at /melden/."""

    wish = forms.ChoiceField(
        label=_("Wat wilt u?"),
        choices=[
            ("melding", _("Ik wil het melden. Dat mag ook zonder naam.")),
            (
                "klacht",
                _(
                    "Ik wil een formele klacht indienen. Daarvoor geef ik mijn naam en mijn "
                    "adres of e-mailadres."
                ),
            ),
        ],
        initial="melding",
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of u wilt melden of een klacht wilt indienen.")},
    )
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def requested_complaint(self, data) -> bool:
        return data.get("wish") == "klacht"

    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class RegisterForm(ReportFields):
    """Staff register a report that arrived by phone, letter, desk or referral."""

    channel = forms.ChoiceField(
        label=_("Hoe kwam de melding binnen?"),
        choices=[c for c in Channel.choices if c[0] not in (Channel.WEB, Channel.API)],
    )
    kind = forms.ChoiceField(label=_("Soort"), choices=Kind.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(
        label=_("Ontvangen op"),
        required=False,
        help_text=_("Leeg laten als dat vandaag is."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = ["channel", "kind", "received_on"]

    def requested_complaint(self, data) -> bool:
        return data.get("kind") == Kind.COMPLAINT


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Kenmerk"),
        help_text=_("Bijvoorbeeld M-KX7P-9QRT."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Vul het kenmerk in.")},
    )
    secret = forms.CharField(
        label=_("Geheime code"),
        help_text=_("De code van 16 tekens die u na het versturen zag."),
        max_length=40,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Vul de geheime code in.")},
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("Wat wilt u toevoegen?"),
        help_text=_("Maximaal %(n)s tekens.") % {"n": MAX_MESSAGE},
        max_length=MAX_MESSAGE,
        required=False,
        widget=_counted(MAX_MESSAGE, rows=5),
    )
    attachments = MultipleFileField(label=_("Foto's of documenten"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()

    def clean_attachments(self):
        return _checked_files(self, self.cleaned_data.get("attachments") or [])


# --- back office ---------------------------------------------------------------------


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), choices=Kind.choices, widget=forms.RadioSelect)
    department_code = forms.ChoiceField(label=_("Betrokken afdeling"), required=False)
    officer_number = forms.CharField(
        label=_("Dienstnummer betrokken handhaver"),
        help_text=_("Wordt alleen als pseudoniem bewaard."),
        max_length=30,
        required=False,
    )
    advisory_committee = forms.BooleanField(
        label=_("Behandeling met klachtadviescommissie (termijn 10 weken)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_code"].choices = [("", _("Onbekend of anders"))] + [
            (d.code, d.name) for d in Department.objects.all()
        ]


class TagForm(forms.Form):
    team = forms.ChoiceField(label=_("Team"), required=False)
    district = forms.ModelChoiceField(
        label=_("Wijk"), queryset=District.objects.all(), required=False, empty_label=_("Geen")
    )
    themes = forms.MultipleChoiceField(
        label=_("Thema's"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Geen"))] + [
            (t.code, t.name) for t in Team.objects.all()
        ]


class AssignForm(forms.Form):
    handler = forms.ChoiceField(label=_("Behandelaar"))

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", _("Kies een behandelaar"))] + [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in handlers
        ]


class TransitionForm(forms.Form):
    """One step of the workflow; only the inputs that step needs are shown."""

    text = forms.CharField(
        label=_("Toelichting"),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(
        label=_("Oordeel"),
        required=False,
        error_messages={"invalid_choice": DECISION_OUTCOME_REFUSED},
    )
    reasons = forms.CharField(
        label=_("Motivering: bevindingen, oordeel en conclusies"),
        help_text=_("De brief eindigt automatisch met de verwijzing naar de Nationale ombudsman."),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    not_handled_ground = forms.ChoiceField(
        label=_("Grond (art. 9:8 Awb)"),
        choices=[("", "—"), *NotHandledGround.choices],
        required=False,
    )
    hearing_waived = forms.ChoiceField(
        label=_("Reden om niet te horen (art. 9:10 lid 2 Awb)"),
        choices=[("", "—"), *HearingWaived.choices],
        required=False,
    )
    resident_satisfied = forms.BooleanField(
        label=_("De melder heeft laten weten tevreden te zijn met de oplossing"), required=False
    )

    INPUTS = (
        "text",
        "outcome",
        "reasons",
        "not_handled_ground",
        "hearing_waived",
        "resident_satisfied",
    )

    def __init__(self, *args, transition: Transition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "—")] + [
            (o.value, o.label) for o in DECISION_OUTCOMES
        ]
        self.transition = transition
        if transition is not None:
            keep = set(transition.needs) | {"text"}
            if "reasons" in transition.needs:
                keep.discard("text")
            for name in self.INPUTS:
                if name not in keep:
                    del self.fields[name]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Bericht"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Schrijf een bericht.")},
    )


class ExtensionForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Hoeveel weken?"), coerce=int, choices=[(i, str(i)) for i in range(1, 5)]
    )
    notice = forms.CharField(
        label=_("Waarom is meer tijd nodig? (gaat naar de melder)"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Leg de melder uit waarom u meer tijd nodig heeft.")},
    )


def add_case_error(form: forms.Form, exc: CaseError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
