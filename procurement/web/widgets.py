"""Widgets shared by every app's pages."""

import html

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _escape(text) -> str:
    """``conditional_escape`` without its lazy wrapper (800 calls a search page: 1 ms): Django's ``escape``
    is ``html.escape``; what is already safe HTML stays as it is."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class QuickSelect(forms.Select):
    """Django's ``<select>``, written without a template per option.

    The search pages offer every manufacturer (hundreds) in their filter form: through Django's form
    templates (an include and an attribute loop per option) that list took about 60 ms of each
    request, more than the search itself (bench/search.py). The HTML is the same as ``forms.Select``'s
    (``tests/web/test_widgets.py`` compares them); choices in groups go through Django's templates.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = [*iter(self.choices)]  # not list(): it would ask for a count first (len)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>']
        chosen = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not chosen and text in wanted
            chosen = chosen or selected
            parts.append(
                f'\n  <option value="{_escape(text)}"{" selected" if selected else ""}>{_escape(label)}</option>\n'
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _attributes(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
