"""A small hand-built programme for the privacy tests, on top of the shared world (tests/conftest.py).

PROASUS (analyst ``diego``, coordinator ``carla``) has 14 families in 2014, every one with a maize sale:

* group "Ojo de Agua": ``fam_ojo`` (head F, the only woman-headed family of the group, selling 127 kg at
  MXN 97.21 = MXN 12,345.67, a value no other family has) and 6 families headed by men;
* group "El Vergel": ``fam_vergel`` and 6 families, all headed by women.

Municipalities of the families: Las Margaritas 8, Comitán 5, La Trinidad 1 (one family alone).
So ``group=<Ojo>&head_sex=F&year=2014`` holds 1 family (small cell), ``group=<Ojo>&head_sex=M`` holds 6 but
differs from ``group=<Ojo>`` (7) by that one family (differencing), and the municipality table has a
one-family cell (Trinidad) that needs a complementary cell (Comitán).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

SECRET_INCOME = 12345.67
# 127 kg x MXN 97.21 = 12,345.67. Both fit their columns (2 decimal places): a price with more places is
# rounded by PostgreSQL's numeric(10, 2) when stored, but kept whole by SQLite (no scale), so the two
# databases gave 12,350 and 12,345.67 for the same fixture.
SECRET_KG = 127
SECRET_PRICE = 97.21


@dataclass
class Programme:
    world: object
    comitan: object
    trinidad: object

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.world, name)


@pytest.fixture
def programme(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from miaf.web.records.models import Harvest, HarvestDestination, LedgerEntry
    from miaf.web.registry.models import Family, Locality, Member, Membership, Municipality
    from tests.conftest import OJO_POLYGON

    maiz = Species.objects.get(code="maiz")
    comitan = Municipality.objects.create(state_code="07", code="019", name="Comitán de Domínguez")
    trinidad = Municipality.objects.create(state_code="07", code="099", name="La Trinidad")
    loc_c = Locality.objects.create(name="Loc C", municipality=comitan, latitude=16.25, longitude=-92.13)
    loc_t = Locality.objects.create(name="Loc T", municipality=trinidad, latitude=16.12, longitude=-92.05)

    def family(code: str, group, sex: str, locality) -> Family:  # noqa: ANN001
        f = Family.objects.create(code=code, name=f"Familia {code}", locality=locality)
        Membership.objects.create(family=f, group=group, joined_on=dt.date(2011, 3, 1))
        Member.objects.create(family=f, name=f"Cabeza {code}", sex=sex, birth_year=1970, role="head")
        return f

    def sale(fam, price: float, kg: int = 1000) -> None:  # noqa: ANN001
        plot = fam.plots.first() or register_plot(Plot(family=fam, name=f"P {fam.code}", boundary=OJO_POLYGON,
                                                       mean_slope_pct=20, soil_depth_class="deep"),
                                                  since=dt.date(2005, 1, 1))
        h = Harvest.objects.create(plot=plot, species=maiz, harvested_on=dt.date(2014, 11, 10), quantity_kg=kg)
        HarvestDestination.objects.create(harvest=h, destination="intermediary", kg=kg, price_mxn_per_kg=price)
        LedgerEntry.objects.create(family=fam, year=2014, month=11, kind="income", category="crop_sale",
                                   amount_mxn=round(kg * price, 2))

    sale(world.fam_ojo, SECRET_PRICE, SECRET_KG)
    sale(world.fam_vergel, 5.0)
    for i in range(6):
        sale(family(f"OJM-{i}", world.group_ojo, "M", world.locality), 5.0 + i / 10)
    for i in range(5):
        sale(family(f"VEC-{i}", world.group_vergel, "F", loc_c), 6.0 + i / 10)
    sale(family("VET-0", world.group_vergel, "F", loc_t), 7.0)
    return Programme(world, comitan, trinidad)


@pytest.fixture
def api(client, programme):  # noqa: ANN001, ANN201
    """``api(persona, path, **params)``: a GET with that persona's bearer token."""
    from miaf.web.accounts.models import ApiToken

    tokens = {name: ApiToken.issue(user, f"token of {name}")[1] for name, user in programme.users.items()}

    def call(persona: str, path: str, **params):  # noqa: ANN003, ANN202
        return client.get(f"/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {tokens[persona]}")

    return call
