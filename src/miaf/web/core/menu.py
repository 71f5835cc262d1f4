"""The main menu: one entry per page a role may open from the top bar, in one place.

Each app adds its pages here (not in the template): ``MENU`` is rendered by ``base.html`` through the
``miaf.web.core.context.role`` context processor, and ``tests/web/test_menu.py`` walks it for every role
and fails when a page that the role may open is reachable from no link.

``roles`` lists who sees the entry (``Role`` values); a page's own view still checks its permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.models import Role

ALL = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER, Role.ANALYST)
FIELD = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER)
OFFICE = (Role.ADMINISTRATOR, Role.COORDINATOR)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...]
    section: str | Promise | None  # None: a direct link in the bar, not inside a section


WORK = _("Trabajo de campo")
REGISTRY = _("Registro")
EVIDENCE = _("Evidencia")
DATA = _("Datos")
MARKET = _("Mercado")
TRADE = MARKET  # one "Mercado" section: the offer and buyers, the organisation's prices, advances, purchases

#: Sections in the order the menu shows them; entries in the order they are listed below.
MENU: list[Entry] = [
    Entry("home", _("Inicio"), ALL, None),
    Entry("process:board", _("Tablero del proceso"), FIELD, WORK),
    Entry("fieldwork:my_day", _("Mi día"), FIELD, WORK),
    Entry("fieldwork:calendar", _("Calendario"), FIELD, WORK),
    Entry("fieldwork:training_list", _("Capacitaciones"), FIELD, WORK),
    Entry("fieldwork:promoters", _("Promotores: carga y capacitación"), OFFICE, WORK),
    Entry("registry:group_list", _("Grupos"), ALL, REGISTRY),
    Entry("registry:family_list", _("Familias"), FIELD, REGISTRY),
    Entry("plots:list", _("Parcelas"), FIELD, REGISTRY),
    Entry("registry:organisation_list", _("Organizaciones"), OFFICE, REGISTRY),
    Entry("registry:locality_list", _("Localidades"), FIELD, REGISTRY),
    Entry("registry:promoter_list", _("Promotoras y promotores"), OFFICE, REGISTRY),
    Entry("dashboard:dashboard", _("Tablero de indicadores"), ALL, EVIDENCE),
    Entry("environs:programme", _("Ambiente del programa"), ALL, EVIDENCE),
    Entry("evidence:index", _("Informe de evidencia"), ALL, EVIDENCE),
    Entry("scaleup:index", _("Simulador de escalamiento"), (Role.ADMINISTRATOR, Role.COORDINATOR, Role.ANALYST),
          EVIDENCE),
    Entry("market:offer", _("Calendario de oferta"), ALL, MARKET),
    Entry("market:track_record", _("Historial de pronósticos"), ALL, MARKET),
    Entry("market:buyer_list", _("Compradores"), FIELD, MARKET),
    Entry("trade:prices", _("Precios de compra de la organización"), ALL, TRADE),
    Entry("trade:sidesell", _("Venta por fuera de la organización"), ALL, TRADE),
    Entry("trade:advances", _("Anticipos y créditos"), FIELD, TRADE),
    Entry("trade:purchases", _("Compras colectivas"), FIELD, TRADE),
    Entry("intake:upload", _("Importar ODK/Kobo"), FIELD, DATA),
    Entry("intake:batch_list", _("Lotes importados"), FIELD, DATA),
    Entry("intake:quarantine_list", _("Cuarentena"), FIELD, DATA),
    Entry("exports:index", _("Exportar y datos abiertos"), ALL, DATA),
    Entry("exports:dictionary", _("Diccionario de datos"), ALL, DATA),
    Entry("accounts:tokens", _("Tokens de API"), ALL, DATA),
    Entry("admin:index", _("Administración del sitio"), (Role.ADMINISTRATOR,), DATA),
]


def menu_for(role: str | None) -> list[dict]:
    """The menu of ``role``: direct links and sections, in the order of ``MENU``.

    Each item is ``{"title": …, "links": [{"url", "label", "name"}]}``; a direct link has ``title`` None and
    one link.
    """
    if role is None:
        return []
    items: list[dict] = []
    sections: dict[str, dict] = {}
    for entry in MENU:
        if role not in entry.roles:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an entry whose app is not installed in this configuration
            continue
        link = {"url": url, "label": entry.label, "name": entry.url_name}
        if entry.section is None:
            items.append({"title": None, "links": [link]})
            continue
        key = str(entry.section)
        if key not in sections:
            sections[key] = {"title": entry.section, "links": []}
            items.append(sections[key])
        sections[key]["links"].append(link)
    return items
