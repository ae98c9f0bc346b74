"""The project's form renderer: every field renders as a GOV.UK Design System form group.

`{{ field }}`, `{{ field.as_field_group }}` and `{{ form }}` all go through Django's own widget templates,
so selects keep `selected` and radios keep `checked`; this module only adds the GOV.UK classes to the
widget's attributes, and `templates/forms/field.html` draws the label, hint and error message around it.
Django already points `aria-describedby` at `<id>_helptext` and `<id>_error`, the ids the field template
gives the hint and the error message.
"""

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
        """Which GOV.UK layout `forms/field.html` uses: "radios", "checkboxes", "checkbox" or ""."""
        widget = self.field.widget
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
