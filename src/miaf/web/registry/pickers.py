"""Pickers: a text field with server-side suggestions instead of a ``<select>`` of every row in the user's scope.

At programme scale an organisation has thousands of groups (6,682 in the load-test demo), 100,000 families and
thousands of localities; a ``<select>`` of all of them weighed hundreds of kilobytes on every form and took
seconds to build (docs/benchmarks/load.md). A picker is a plain text input submitting the row's number (and
accepting, typed by hand, its exact name or code); with htmx, typing fills a ``<datalist>`` with at most
:data:`MAX_SUGGESTIONS` rows of the user's scope from :func:`suggestions` (the view ``registry:picker_options``,
``/opciones/<source>/``). Without JavaScript it is an ordinary text field.

What a picker lists is a :class:`Source`: the rows of the user's scope, how a row is labelled, what typed text
matches. :class:`PickerField` and :class:`PickerMultipleField` take a source (and optionally a narrower
queryset that validation uses); the options view finds the source by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Most rows a suggestion list holds (a phone's datalist shows about ten at once).
MAX_SUGGESTIONS = 20


def label(name: str, municipality: str | None) -> str:
    return f"{name} · {municipality}" if municipality else name


@dataclass(frozen=True)
class Source:
    """What a picker offers: the user's rows of one model, their label and what typed text finds them."""

    name: str  #: its options URL, ``/opciones/<name>/``
    scope: Callable[[Any], QuerySet]  #: the rows a user may pick
    columns: tuple[str, ...]  #: fetched with the pk to build a label (never a municipality's outline)
    label: Callable[..., str]  #: ``label(*columns)``
    contains: tuple[str, ...]  #: lookups matched by ``icontains`` of the typed text (besides the number)
    exact: tuple[str, ...]  #: lookups whose exact value (any case) picks a row without JavaScript
    order: tuple[str, ...]
    placeholder: str | Promise
    hint: str | Promise
    invalid: str | Promise  #: a number or name outside the scope
    ambiguous: str | Promise  #: a name shared by several rows

    @property
    def url(self) -> str:
        return reverse("registry:picker_options", args=[self.name])

    def rows(self, qs: QuerySet) -> list[tuple[int, str]]:
        values = qs.select_related(None).order_by(*self.order).values_list("pk", *self.columns)
        return [(pk, self.label(*cols)) for pk, *cols in values[:MAX_SUGGESTIONS]]

    def matching(self, qs: QuerySet, text: str) -> QuerySet:
        match = Q()
        for lookup in self.contains:
            match |= Q(**{f"{lookup}__icontains": text})
        if text.isdigit():
            match |= Q(pk=int(text))
        return qs.filter(match)

    def find(self, qs: QuerySet, text: str) -> list:
        """The rows (at most two) a typed number or exact name designates."""
        qs = qs.select_related(None)
        if text.isdigit():
            return list(qs.filter(pk=int(text))[:1])
        match = Q()
        for lookup in self.exact:
            match |= Q(**{f"{lookup}__iexact": text})
        return list(qs.filter(match)[:2])


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def suggestions(source: Source, qs: QuerySet, text: str) -> list[tuple[int, str]]:
    """At most :data:`MAX_SUGGESTIONS` ``(pk, label)`` of ``qs`` whose number is ``text`` or whose searched
    columns contain it (all of them, in order, when ``text`` is empty)."""
    text = (text or "").strip()
    return source.rows(source.matching(qs, text) if text else qs)


def _groups(user: Any) -> QuerySet:
    from miaf.web.accounts.scoping import groups_for

    return groups_for(user)


def _families(user: Any) -> QuerySet:
    from miaf.web.accounts.scoping import families_for

    return families_for(user)


def _localities(user: Any) -> QuerySet:
    """Every locality: the catalogue is shared (any editor adds one; the family form and the API accept any)."""
    from miaf.web.accounts.scoping import can_edit
    from miaf.web.registry.models import Locality

    return Locality.objects.all() if can_edit(user) else Locality.objects.none()


def _group_localities(user: Any) -> QuerySet:
    from miaf.web.registry.models import Locality

    return Locality.objects.filter(pk__in=_groups(user).values("locality_id"))


GROUPS = register(
    Source(
        name="grupos",
        scope=_groups,
        columns=("name", "locality__municipality__name"),
        label=label,
        contains=("name", "locality__municipality__name"),
        exact=("name",),
        order=("name", "pk"),
        placeholder=_("número o nombre"),
        hint=_("Escriba el número o parte del nombre del grupo."),
        invalid=_("No hay un grupo con ese número o nombre entre los suyos."),
        ambiguous=_("Hay varios grupos con ese nombre: escriba su número."),
    )
)
FAMILIES = register(
    Source(
        name="familias",
        scope=_families,
        columns=("code", "name"),
        label=label,
        contains=("code", "name"),
        exact=("code", "name"),
        order=("code", "pk"),
        placeholder=_("código o nombre"),
        hint=_("Escriba el código o parte del nombre de la familia."),
        invalid=_("No hay una familia con ese número, código o nombre entre las suyas."),
        ambiguous=_("Hay varias familias con ese nombre: escriba su código."),
    )
)
_LOCALITY = {
    "columns": ("name", "municipality__name"),
    "label": label,
    "contains": ("name", "municipality__name"),
    "exact": ("name",),
    "order": ("name", "municipality__name", "pk"),
    "placeholder": _("número o nombre"),
    "hint": _("Escriba el número o parte del nombre de la localidad o de su municipio."),
    "ambiguous": _("Hay varias localidades con ese nombre: escriba su número."),
}
LOCALITIES = register(
    Source(
        name="localidades",
        scope=_localities,
        invalid=_("No hay una localidad con ese número o nombre."),
        **_LOCALITY,
    )
)
GROUP_LOCALITIES = register(
    Source(
        name="localidades-de-grupos",
        scope=_group_localities,
        invalid=_("No hay una localidad de sus grupos con ese número o nombre."),
        **_LOCALITY,
    )
)


class Picker(forms.TextInput):
    """``<input list=…>`` plus its ``<datalist>``, refreshed by htmx as the user types."""

    template_name = "registry/_picker.html"

    def __init__(self, attrs: dict | None = None, source: Source | None = None) -> None:
        super().__init__(
            {"autocomplete": "off", "inputmode": "search", "spellcheck": "false", **(attrs or {})}
        )
        self.source = source
        self.queryset: QuerySet | None = None

    def current(self, value: Any) -> list[tuple[int, str]]:
        """The chosen row with its label (none for an empty, unknown or out-of-scope value)."""
        text = str(value).strip() if value not in (None, "") else ""
        if not text.isdigit() or self.queryset is None or self.source is None:
            return []
        return self.source.rows(self.queryset.filter(pk=int(text)))

    def item_context(self, name: str, value: Any, attrs: dict) -> dict:
        widget = super().get_context(name, value, attrs)["widget"]
        list_id = f"{widget['attrs'].get('id') or 'id_' + name}-options"
        widget["list_id"] = list_id
        described = widget["attrs"].get("aria-describedby", "")  # Django's, when the field has an error
        widget["attrs"]["aria-describedby"] = f"{described} {list_id}-current".strip()
        widget["attrs"].setdefault("placeholder", self.source.placeholder)
        widget["url"] = self.source.url
        widget["hint"] = self.source.hint
        widget["current"] = self.current(value)
        widget["current_label"] = widget["current"][0][1] if widget["current"] else ""
        return widget

    def get_context(self, name, value, attrs):  # noqa: ANN001, ANN201
        context = super().get_context(name, value, attrs)
        context["widget"] = self.item_context(name, value, attrs)
        return context


class PickerMultiple(Picker):
    """Several pickers under one name: one per chosen row (empty it to drop the row) and :attr:`blank` more."""

    template_name = "registry/_picker_multiple.html"
    blank = 2
    label: str = ""  #: the field's label, named by each input after the first (the <label> names the first)

    def value_from_datadict(self, data, files, name):  # noqa: ANN001, ANN201
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:  # noqa: ANN001
        return False  # no input at all means none chosen

    def values(self, value: Any) -> list[str]:
        items = value if isinstance(value, (list, tuple)) else [value]
        return [str(getattr(v, "pk", v)) for v in items if v not in (None, "")]

    def get_context(self, name, value, attrs):  # noqa: ANN001, ANN201
        context = forms.Widget.get_context(self, name, value, attrs)
        values = [*self.values(value), *[""] * self.blank]
        base = (attrs or {}).get("id") or f"id_{name}"
        context["widget"]["items"] = [
            self.item_context(
                name,
                v,
                {**(attrs or {}), "id": base}
                if i == 0
                else {**(attrs or {}), "id": f"{base}_{i}", "aria-label": f"{self.label} ({i + 1})"},
            )
            for i, v in enumerate(values)
        ]
        return context


class PickerField(forms.Field):
    """A row of ``queryset`` (its source's scope for the form's user, or a narrower one) given by its number
    or its exact name or code (any case); cleans to the model instance.

    ``ModelChoiceField``'s contract without its choices: an out-of-scope number or an unknown or ambiguous name
    is a validation error with the source's message.
    """

    widget = Picker
    source: Source | None = None

    def __init__(self, *, source: Source | None = None, queryset: QuerySet | None = None, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.source = source or self.source
        self.widget.source = self.source
        self.error_messages = {
            "invalid_choice": self.source.invalid,
            "ambiguous": self.source.ambiguous,
            **self.error_messages,
        }
        self.queryset = queryset

    @classmethod
    def replacing(cls, field: forms.Field, source: Source, queryset: QuerySet, **kwargs) -> PickerField:  # noqa: ANN003
        """A picker in place of a ``ModelChoiceField`` (a ModelForm's), with its label, help and requiredness."""
        return cls(
            source=source,
            queryset=queryset,
            label=field.label,
            required=field.required,
            help_text=field.help_text,
            **kwargs,
        )

    @property
    def queryset(self) -> QuerySet | None:
        return self._queryset

    @queryset.setter
    def queryset(self, qs: QuerySet | None) -> None:
        self._queryset = qs
        self.widget.queryset = qs

    def __deepcopy__(self, memo):  # noqa: ANN001, ANN204
        result = super().__deepcopy__(memo)
        result.widget.source = self.source
        result.queryset = self._queryset  # the copied widget gets it too
        return result

    def resolve(self, text: Any):  # noqa: ANN201
        if self.queryset is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        found = self.source.find(self.queryset, str(text).strip())
        if len(found) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]

    def to_python(self, value):  # noqa: ANN001, ANN201
        text = (value or "").strip() if isinstance(value, str) else value
        if text in (None, ""):
            return None
        return self.resolve(text)

    def prepare_value(self, value):  # noqa: ANN001, ANN201
        return getattr(value, "pk", value)

    def has_changed(self, initial, data) -> bool:  # noqa: ANN001
        return str(self.prepare_value(initial) or "") != str(data or "").strip()


class PickerMultipleField(PickerField):
    """Several rows: one number or exact name per input, or several numbers separated by commas; cleans to a
    list of instances (what ``ModelMultipleChoiceField`` saves to a many-to-many)."""

    widget = PickerMultiple

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.widget.label = self.label or ""

    @staticmethod
    def texts(value: Any) -> list[str]:
        """One text per row: an input's numbers split at commas (a name may hold a comma: kept whole)."""
        items = value if isinstance(value, (list, tuple)) else [value]
        out = []
        for item in items:
            text = str(item).strip() if item is not None else ""
            parts = [p.strip() for p in text.split(",") if p.strip()]
            out += parts if parts and all(p.isdigit() for p in parts) else ([text] if text else [])
        return out

    def to_python(self, value):  # noqa: ANN001, ANN201
        texts = self.texts(value)
        chosen, seen = [], set()
        for text in texts:
            row = self.resolve(text)
            if row.pk not in seen:
                seen.add(row.pk)
                chosen.append(row)
        return chosen

    def prepare_value(self, value):  # noqa: ANN001, ANN201
        items = list(value) if isinstance(value, (list, tuple, QuerySet)) else [value]
        return [getattr(v, "pk", v) for v in items if v not in (None, "")]

    def has_changed(self, initial, data) -> bool:  # noqa: ANN001
        return sorted(map(str, self.prepare_value(initial) or [])) != sorted(self.texts(data or []))


class GroupPicker(Picker):
    """The working-group picker widget (its first name, kept for its callers)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, source=GROUPS)


class GroupField(PickerField):
    """A working group of ``queryset`` (the list filters, the dashboard, the report)."""

    source = GROUPS
