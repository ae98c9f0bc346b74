"""The project's form renderer: every field renders as a GOV.UK Design System form group.

`{{ field }}`, `{{ field.as_field_group }}` and `{{ form }}` all go through Django's own widget templates,
so selects keep `selected` and radios keep `checked`; this module only adds the GOV.UK classes to the
widget's attributes, and `templates/forms/field.html` draws the label, hint and error message around it.
Django already points `aria-describedby` at `<id>_helptext` and `<id>_error`, the ids the field template
gives the hint and the error message.
"""

import datetime

from django import forms
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist

# (widget class, its GOV.UK class, the class added when the field has errors). First match wins, so a
# subclass comes before its parent: CheckboxSelectMultiple subclasses RadioSelect, and CheckboxInput,
# FileInput and HiddenInput all subclass Input. Radios and checkboxes show errors on the group only.
_WIDGET_CLASSES: tuple[tuple[type[widgets.Widget], str, str], ...] = (
    (widgets.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),
    (widgets.RadioSelect, "govuk-radios__input", ""),
    (widgets.CheckboxInput, "govuk-checkboxes__input", ""),
    (widgets.Select, "govuk-select", "govuk-select--error"),
    (widgets.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (widgets.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (widgets.Input, "govuk-input", "govuk-input--error"),
)


def govuk_widget_classes(widget: widgets.Widget, *, has_errors: bool) -> list[str]:
    """The GOV.UK classes for a widget's input element; none for hidden or unknown widgets."""
    if widget.is_hidden:
        return []
    for widget_class, css_class, error_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return [css_class, error_class] if has_errors and error_class else [css_class]
    return []


def _join_classes(*class_strings: str) -> str:
    seen: dict[str, None] = {}
    for class_string in class_strings:
        seen.update(dict.fromkeys(class_string.split()))
    return " ".join(seen)


class GovUKBoundField(BoundField):
    """A BoundField whose widget carries the GOV.UK classes, keeping any class the form set itself."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, GovUKDateInput) and self.errors:
            attrs["errored"] = True  # forms/date_input.html marks each box
        govuk_classes = govuk_widget_classes(widget, has_errors=bool(self.errors))
        if govuk_classes:
            # Widget.build_attrs lets these attrs replace the widget's own "class", so merge it in here
            # (e.g. a form's govuk-input--width-10 survives).
            attrs["class"] = _join_classes(
                " ".join(govuk_classes), widget.attrs.get("class", ""), attrs.get("class", "")
            )
        return attrs

    @property
    def govuk_control(self) -> str:
        """Which GOV.UK layout `forms/field.html` uses: "radios", "checkboxes", "checkbox", "date" or ""."""
        widget = self.field.widget
        if isinstance(widget, GovUKDateInput):
            return "date"
        if isinstance(widget, widgets.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, widgets.RadioSelect):
            return "radios"
        if isinstance(widget, widgets.CheckboxInput):
            return "checkbox"
        return ""


# Django's built-in widget templates (django/forms/widgets/*.html), for when "django.forms" is not in
# INSTALLED_APPS and so the project's template engine cannot find them.
_builtin_form_templates = DjangoTemplates()


class GovUKFormRenderer(TemplatesSetting):
    """Form renderer (settings.FORM_RENDERER) that draws each field with `forms/field.html`.

    Templates come from settings.TEMPLATES, so the project's templates can override any widget template.
    """

    field_template_name = "forms/field.html"
    bound_field_class = GovUKBoundField

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return _builtin_form_templates.get_template(template_name)


class HintedRadioSelect(widgets.RadioSelect):
    """Radios with a hint under each choice (the GOV.UK radio item hint), tied to its input."""

    def __init__(self, *args, hints: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = dict(hints or {})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.hints.get(value, "")
        if option["hint"] and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option


class GovUKDateInput(widgets.MultiWidget):
    """The GOV.UK date input: day, month and year, each its own box (no date picker)."""

    template_name = "forms/date_input.html"

    def __init__(self, attrs=None):
        def box(width: int):
            return widgets.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__({"day": box(2), "month": box(2), "year": box(4)}, attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""


class GovUKDateField(forms.Field):
    """A date typed as day, month and year; every mistake named in words, none silently read."""

    widget = GovUKDateInput

    def to_python(self, value):
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(parts):
            return None
        label = str(self.label or "the date").lower()
        if not all(parts):
            missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
            raise forms.ValidationError(f"The {label} must include a {' and a '.join(missing)}.")
        if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(f"Enter the {label} as numbers, for example 31 3 2027.")
        day, month, year = (int(part) for part in parts)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"The {label} must be a real date.") from None


def answer(max_length: int, label: str, help_text: str, *, rows: int = 3) -> forms.CharField:
    """A written answer that may be left blank while a draft is saved."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def with_refusal(form: forms.Form, refused) -> forms.Form:
    """`form` (bound to what was typed) with why a save was refused: `refused.problems` (field name to
    reason) each on its field, anything else above the form."""
    form.is_valid()
    for name, problem in refused.problems.items():
        form.add_error(name if name in form.fields else None, problem)
    if not refused.problems:
        form.add_error(None, str(refused))
    return form
