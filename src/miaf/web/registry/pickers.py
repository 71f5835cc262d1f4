"""The working-group picker of filter forms: a text field with server-side suggestions, never a list of all groups.

At programme scale an organisation has thousands of groups (6,682 in the load-test demo); a ``<select>`` of
all of them weighed hundreds of kilobytes on every list page and took seconds to build
(docs/benchmarks/load.md). The picker is a plain text input submitting the same ``group`` parameter (the
group's number), which also accepts a group's exact name; with htmx, typing fills a ``<datalist>`` with at
most :data:`MAX_SUGGESTIONS` groups of the user's scope from :func:`suggestions` (the view
``registry:group_options``). Without JavaScript it is an ordinary text field.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: Most groups a suggestion list holds (a phone's datalist shows about ten at once).
MAX_SUGGESTIONS = 20


def _named(qs: QuerySet) -> QuerySet:
    """Only what a suggestion shows: number, name and municipality (never the municipality's outline)."""
    return qs.select_related(None).order_by("name", "pk").values_list("pk", "name", "locality__municipality__name")


def label(name: str, municipality: str | None) -> str:
    return f"{name} · {municipality}" if municipality else name


def suggestions(groups: QuerySet, text: str) -> list[tuple[int, str]]:
    """At most :data:`MAX_SUGGESTIONS` ``(pk, label)`` of ``groups`` whose number is ``text`` or whose name or
    municipality contains it (all of them, first by name, when ``text`` is empty)."""
    text = (text or "").strip()
    if text:
        match = Q(name__icontains=text) | Q(locality__municipality__name__icontains=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        groups = groups.filter(match)
    return [(pk, label(name, mun)) for pk, name, mun in _named(groups)[:MAX_SUGGESTIONS]]


class GroupPicker(forms.TextInput):
    """``<input list=…>`` plus its ``<datalist>``, refreshed by htmx as the user types."""

    template_name = "registry/_group_picker.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"autocomplete": "off", "inputmode": "search", "spellcheck": "false",
                          "placeholder": _("número o nombre"), **(attrs or {})})
        self.queryset: QuerySet | None = None

    def get_context(self, name, value, attrs):  # noqa: ANN001, ANN201
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or 'id_' + name}-options"
        widget["list_id"] = list_id
        described = widget["attrs"].get("aria-describedby", "")  # Django's, when the field has an error
        widget["attrs"]["aria-describedby"] = f"{described} {list_id}-current".strip()
        widget["url"] = reverse("registry:group_options")
        current = []
        if value not in (None, "") and str(value).strip().isdigit() and self.queryset is not None:
            current = [(pk, label(n, m)) for pk, n, m in _named(self.queryset.filter(pk=int(str(value).strip())))]
        widget["current"] = current
        widget["current_label"] = current[0][1] if current else ""
        return context


class GroupField(forms.Field):
    """A group of ``queryset`` given by its number or its exact name (case-insensitive); cleans to the Group.

    ``ModelChoiceField``'s contract without its choices: an out-of-scope number or an unknown or ambiguous name
    is a validation error (a list filter then simply ignores it).
    """

    widget = GroupPicker
    default_error_messages = {
        "invalid_choice": _("No hay un grupo con ese número o nombre entre los suyos."),
        "ambiguous": _("Hay varios grupos con ese nombre: escriba su número."),
    }

    def __init__(self, *, queryset: QuerySet | None = None, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.queryset = queryset

    @property
    def queryset(self) -> QuerySet | None:
        return self._queryset

    @queryset.setter
    def queryset(self, qs: QuerySet | None) -> None:
        self._queryset = qs
        self.widget.queryset = qs

    def __deepcopy__(self, memo):  # noqa: ANN001, ANN204
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset  # the copied widget gets it too
        return result

    def to_python(self, value):  # noqa: ANN001, ANN201
        text = (value or "").strip() if isinstance(value, str) else value
        if text in (None, ""):
            return None
        qs = self.queryset.select_related(None) if self.queryset is not None else None
        if qs is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if isinstance(text, int) or str(text).isdigit():
            found = list(qs.filter(pk=int(text))[:1])
        else:
            found = list(qs.filter(name__iexact=str(text))[:2])
            if len(found) > 1:
                raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]

    def prepare_value(self, value):  # noqa: ANN001, ANN201
        return getattr(value, "pk", value)

    def has_changed(self, initial, data) -> bool:  # noqa: ANN001
        return str(self.prepare_value(initial) or "") != str(data or "").strip()
