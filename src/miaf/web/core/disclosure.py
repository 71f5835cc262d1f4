"""Privacy of aggregates: who gets suppressed figures, and how a suppressed figure reads.

The rule itself is :mod:`miaf.indicators.disclosure` (threshold *k*, differencing, complementary
suppression); this module only decides that it applies to every role without personal-data rights
(analysts, and anyone else :func:`~miaf.web.accounts.scoping.can_see_personal_data` refuses) and writes what
was hidden in the user's language. Coordinators, promoters in their scope and administrators see every
figure unsuppressed. Every aggregate output reads :func:`applies` (dashboard figures, series and map,
``/api/v1/indicators``, ``/api/v1/stats``, the home key figures, the programme environment page and the
evidence report).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from miaf.indicators.disclosure import (
    COMPLEMENTARY,
    DIFFERENCING,
    SMALL_CELL,
    SUPPRESSED,
    default_k,
    protect_results,
    suppress_counts,
    suppress_table,
)

__all__ = ["COMPLEMENTARY", "DIFFERENCING", "SMALL_CELL", "SUPPRESSED", "applies", "hidden_text", "k_min",
           "protect_counts", "protect_results", "reason_text", "suppress_table"]


def applies(user) -> bool:  # noqa: ANN001
    """Suppression applies to ``user``: a signed-in role without personal-data rights. ``None`` is the
    command-line operator (every figure)."""
    from miaf.web.accounts.scoping import can_see_personal_data

    return user is not None and not can_see_personal_data(user)


def k_min() -> int:
    """*k* [families] (``params/open_data.csv`` ``k_min_families``; the open-data export uses the same)."""
    return default_k()


def reason_text(reason: str, k: int | None = None) -> str:
    """Why a figure is hidden, for people."""
    k = k_min() if k is None else k
    if reason == DIFFERENCING:
        return _("oculta: con otro filtro se podría deducir un grupo de menos de %(k)s familias") % {"k": k}
    if reason == COMPLEMENTARY:
        return _("oculta para que otra cifra oculta no se deduzca del total") % {"k": k}
    return _("menos de %(k)s familias") % {"k": k}


def hidden_text(reason: str = SMALL_CELL, k: int | None = None) -> str:
    """What a page prints instead of a hidden figure: ``— (menos de 5 familias)``."""
    return f"— ({reason_text(reason, k)})"


def protect_counts(counts: dict, k: int | None = None) -> tuple[dict[str, str], bool]:
    """{key: reason or ""} of a 1-D table of family counts with its total, and whether the total is hidden."""
    k = k_min() if k is None else k
    if sum(int(n) for n in counts.values()) < k:
        return {str(key): SMALL_CELL if n else "" for key, n in counts.items()}, True
    return suppress_counts({str(key): int(n) for key, n in counts.items()}, k)


def results_dict(user, tables, results) -> dict:  # noqa: ANN001
    """``results.to_dict()`` for ``user``: protected when :func:`applies`, each indicator with
    ``suppressed`` (bool) and ``suppressed_reason``, and a ``disclosure`` summary."""
    if not applies(user):
        d = results.to_dict()
        for p in d["pillars"].values():
            for ind in p["indicators"]:
                ind["suppressed"], ind["suppressed_reason"] = False, ""
        d["disclosure"] = {"applied": False, "k": k_min(), "indicators_suppressed": 0}
        return d
    k = k_min()
    shown, info = protect_results(tables, results, k)
    d = shown.to_dict()
    for p in d["pillars"].values():
        for ind in p["indicators"]:
            reason = info.suppressed.get(ind["code"], "")
            ind["suppressed"] = bool(reason)
            ind["suppressed_reason"] = reason
            if reason:
                ind["reason"] = reason_text(reason, k)
            if ind["code"] in info.breakdown_entries:
                ind["breakdown_suppressed"] = info.breakdown_entries[ind["code"]]
    d["disclosure"] = {"applied": True, **info.summary(),
                       "rule": _("Cifras calculadas sobre menos de %(k)s familias, o que restadas de un filtro más "
                                 "amplio dejarían ver menos de %(k)s familias, se ocultan.") % {"k": k}}
    return d
