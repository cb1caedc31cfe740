"""Forms rendered with NL Design System markup, accessible errors, and the login forms."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: (
        "utrecht-checkbox utrecht-checkbox--html-checkbox utrecht-checkbox--custom"
    ),
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-checkbox",
    forms.ClearableFileInput: "utrecht-textbox utrecht-textbox--html-input gelijk-file",
    forms.FileInput: "utrecht-textbox utrecht-textbox--html-input gelijk-file",
    forms.widgets.Input: "utrecht-textbox utrecht-textbox--html-input",
}


def widget_kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "fieldset"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "text"


class NLDSBoundField(BoundField):
    """Adds the NLDS classes. (Django 5.2 itself points aria-describedby at the hint and
    at the error, whose ids our field template uses: ``<id>_helptext`` and ``<id>_error``.)"""

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        for cls in type(widget).__mro__:
            if cls in _WIDGET_CLASSES:
                existing = attrs.get("class", widget.attrs.get("class", ""))
                attrs["class"] = f"{existing} {_WIDGET_CLASSES[cls]}".strip()
                break
        return attrs

    @property
    def kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def requirement_note(self) -> str:
        """Shown after the label: "(niet verplicht)" for an optional field, unless the field
        carries its own ``requirement_note`` (e.g. "verplicht voor publicatie")."""
        own = getattr(self.field, "requirement_note", None)
        if own is not None:
            return own
        return "" if self.field.required else _("niet verplicht")


class NLDSFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = NLDSBoundField


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        help_text=_("Zes cijfers. De code verandert elke 30 seconden."),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={
            "required": _("Vul de code uit uw authenticator-app in."),
            "min_length": _("De code heeft 6 cijfers."),
            "max_length": _("De code heeft 6 cijfers."),
        },
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        return code


class StaffForm(forms.Form):
    username = forms.RegexField(
        label=_("Gebruikersnaam"),
        max_length=150,
        regex=r"^[a-z0-9.\-_]+$",
        help_text=_("Kleine letters, cijfers, punt, streepje of liggend streepje."),
        error_messages={"invalid": _("Gebruik alleen kleine letters, cijfers, . - of _.")},
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres"),
        help_text=_("Hierheen sturen we de link om een wachtwoord te kiezen."),
    )
    roles = forms.MultipleChoiceField(label=_("Rollen"), widget=forms.CheckboxSelectMultiple)
    department = forms.ModelChoiceField(label=_("Afdeling"), queryset=None)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    officer_number = forms.CharField(
        label=_("Boa-nummer"),
        max_length=40,
        required=False,
        help_text=_("Alleen voor handhavers. We bewaren het niet zelf, maar als pseudoniem."),
    )

    def __init__(self, *args, editing=False, **kwargs):
        from gelijk.core.models import Department, Team
        from gelijk.core.roles import ROLES

        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.key, r.label) for r in ROLES.values()]
        self.fields["department"].queryset = Department.objects.all()
        self.fields["team"].queryset = Team.objects.select_related("department")
        if editing:
            self.fields["username"].disabled = True
            self.fields["officer_number"].help_text = _(
                "Laat leeg om het bestaande pseudoniem te houden."
            )

    def clean(self):
        data = super().clean()
        department, team = data.get("department"), data.get("team")
        if department and team and team.department_id != department.pk:
            self.add_error("team", _("Dit team hoort niet bij de gekozen afdeling."))
        return data
