"""Forms of the language app. A file is checked and read here (``files.read_upload``), so a
view gets either text or an engine ``Document``, or the form shows a Dutch error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gelijk.language import files
from gelijk.language.models import Kind
from gelijk.language.presenters import SEVERITY_CHOICES

ACCEPT = ".txt,.html,.htm,.docx,.odt,.pdf"
KIND_CHOICES = [
    ("auto", _("zelf herkennen")),
    ("letter", _("brief")),
    ("vacancy", _("vacaturetekst")),
]


def _text_field(label, help_text, required=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
    )


def _file_field(label):
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class TextOrFileForm(forms.Form):
    """A text pasted into ``text`` or a file in ``file``: exactly one of the two."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = None
        self.fields["file"].help_text = _(
            "Een .txt-, .html-, .docx-, .odt- of .pdf-bestand van hoogstens %(mb)s MB."
        ) % {"mb": files.max_upload_bytes() // 2**20}

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").replace("\r\n", "\n")
        if len(text) > files.max_text_chars():
            raise forms.ValidationError(
                _("De tekst is te lang (%(n)s tekens). Het maximum is %(max)s tekens.")
                % {"n": len(text), "max": files.max_text_chars()}
            )
        return text

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        try:
            # Refuse a large file by its size before reading it into memory.
            files.check_size(files.shown_name(upload.name), upload.size)
            self.document = files.read_upload(upload.name, upload.read())
        except files.FileRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return upload

    def clean(self):
        data = super().clean()
        has_text = bool((data.get("text") or "").strip())
        has_file = bool(data.get("file")) or bool(self.files.get(self.add_prefix("file")))
        if has_text and has_file:
            raise forms.ValidationError(
                _("Plak een tekst óf kies een bestand, niet allebei."), code="both"
            )
        if not has_text and not has_file and not self.errors:
            self.add_error("text", _("Plak een tekst of kies een bestand."))
        return data


class ScanForm(TextOrFileForm):
    text = _text_field(
        _("Tekst"),
        _("Plak hier de brief of vacaturetekst. We bewaren deze tekst niet."),
    )
    file = _file_field(_("Of kies een bestand"))
    kind = forms.ChoiceField(
        label=_("Soort tekst"),
        choices=KIND_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
        help_text=_("Bij een vacaturetekst kijkt de scan ook naar de eisen en de werving."),
    )
    min_severity = forms.ChoiceField(
        label=_("Welke meldingen wilt u zien?"), choices=SEVERITY_CHOICES, initial="suggestion"
    )


class LetterForm(TextOrFileForm):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages={"required": _("Geef de brief een titel.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort tekst"), choices=Kind.choices, initial=Kind.LETTER, widget=forms.RadioSelect
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        help_text=_("Het team dat de brief gebruikt en bijhoudt."),
    )
    text = _text_field(
        _("Tekst"),
        _(
            "Gebruik plaatshouders zoals [NAAM] of {{ adres }} voor gegevens die per brief "
            "verschillen. Een standaardbrief bevat geen persoonsgegevens."
        ),
    )
    file = _file_field(_("Of kies een bestand"))
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=500,
        required=False,
        help_text=_("Bijvoorbeeld waar de brief vandaan komt."),
    )

    def __init__(self, *args, **kwargs):
        from gelijk.core.models import Team

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.select_related("department")


class VersionForm(TextOrFileForm):
    text = _text_field(
        _("Nieuwe tekst"),
        _("De vorige versie blijft bewaard. Gebruik plaatshouders zoals [NAAM]."),
    )
    file = _file_field(_("Of kies een bestand met de nieuwe tekst"))
    note = forms.CharField(
        label=_("Wat is er veranderd?"),
        max_length=500,
        required=False,
        help_text=_("Bijvoorbeeld: aanhef aangepast, zinnen korter gemaakt."),
    )


class RuleFileForm(forms.Form):
    file = forms.FileField(
        label=_("Regelbestand (YAML)"),
        help_text=_(
            "Een .yaml-bestand in het formaat van de taalscan. Een bestand met dezelfde naam "
            "vervangt het bestand dat nu actief is."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )
