from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gelijk.engines.monitor import nl
from gelijk.monitor import files

GROUP_LABELS = {
    "age_band": _("Leeftijdsgroep"),
    "sex": _("Geslacht"),
    "nationality_group": _("Nationaliteit (waar een boete die vastlegt)"),
    "resident": _("Inwoner van Utrecht of niet"),
    "perceived_origin": _("Waargenomen herkomst (pilot stopformulier)"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort gegevens"),
        choices=[
            ("actions", _("Handhavingsacties")),
            ("survey", _("Ervaringsenquête")),
        ],
        widget=forms.RadioSelect,
        initial="actions",
    )
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "CSV (komma of puntkomma, UTF-8 of Latin-1), Excel (.xlsx) of Parquet. Eén regel per "
            "actie of per deelnemer; de kolommen staan in de gegevensafspraak."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
    )
    replace_overlapping = forms.BooleanField(
        label=_("Vervangt eerdere levering"),
        required=False,
        help_text=_(
            "Alleen voor een nieuwe versie van een bestand dat al is geïmporteerd: de oude "
            "levering telt dan niet meer mee in nieuwe analyses."
        ),
    )
    survey_start = forms.DateField(
        label=_("Enquête: veldwerk van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Alleen bij een enquête: de eerste dag waarop deelnemers antwoordden. Een analyse "
            "gebruikt de enquête van haar eigen periode."
        ),
    )
    survey_end = forms.DateField(
        label=_("Enquête: veldwerk tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Alleen bij een enquête: de laatste dag van het veldwerk."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") != "survey":
            return data
        start, end = data.get("survey_start"), data.get("survey_end")
        if start is None and "survey_start" not in self.errors:
            self.add_error(
                "survey_start", _("Vul in op welke dag het veldwerk van de enquête begon.")
            )
        if end is None and "survey_end" not in self.errors:
            self.add_error(
                "survey_end", _("Vul in op welke dag het veldwerk van de enquête eindigde.")
            )
        if start and end and start > end:
            self.add_error(
                "survey_end", _("De einddatum van het veldwerk ligt voor de begindatum.")
            )
        return data

    def survey_period(self):
        start, end = self.cleaned_data.get("survey_start"), self.cleaned_data.get("survey_end")
        return (start, end) if start and end else None


class RunForm(forms.Form):
    start = forms.DateField(
        label=_("Van"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Eerste dag van de periode."),
    )
    end = forms.DateField(
        label=_("Tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Laatste dag van de periode."),
    )
    group = forms.ChoiceField(label=_("Groepen vergelijken op"))
    reference = forms.CharField(
        label=_("Referentiegroep"),
        required=False,
        max_length=200,
        help_text=_(
            "Leeg laten: de groep met de meeste acties. Bij leeftijd bijvoorbeeld 25-44, bij "
            "geslacht male of female."
        ),
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g, GROUP_LABELS[g]) for g in groups]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("De einddatum ligt voor de begindatum."))
        if end and end > timezone.localdate() + dt.timedelta(days=1):
            self.add_error("end", _("De einddatum ligt in de toekomst."))
        return data


def group_label(group: str) -> str:
    return str(GROUP_LABELS.get(group, nl.column(group)))
