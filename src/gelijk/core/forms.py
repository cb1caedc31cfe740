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
    """Adds NLDS classes and points aria-describedby at both the hint and the error."""

    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        for cls in type(widget).__mro__:
            if cls in _WIDGET_CLASSES:
                existing = attrs.get("class", widget.attrs.get("class", ""))
                attrs["class"] = f"{existing} {_WIDGET_CLASSES[cls]}".strip()
                break
        if self.errors and not self.use_fieldset:
            described = [attrs.get("aria-describedby", ""), self.error_id()]
            attrs["aria-describedby"] = " ".join(d for d in described if d)
        return attrs

    @property
    def kind(self) -> str:
        return widget_kind(self.field.widget)


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
