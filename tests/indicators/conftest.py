"""A tiny hand-made programme: 3 families, 3 plots, records chosen so that the seed's figures come out.

Families (group, organisation, municipality, head): 1 (Ojo de Agua, CAFE, 07052, F, migrated),
2 (Ojo de Agua, CAFE, 07052, M), 3 (El Vergel, SELVA, 07059, M).
Plots: 101 (family 1, 2 ha, MIAF-D since 2011-06-01), 102 (family 2, 1 ha, MIAF-D since 2011-06-01),
103 (family 3, 1 ha, traditional). Each expected value is worked out in the test that uses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from miaf.indicators import IndicatorTables

NaT = pd.NaT
D = pd.Timestamp


def frame(rows: list[tuple], columns: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns.split())
    for c in dates:
        df[c] = pd.to_datetime(df[c])
    return df


def tiny_frames() -> dict[str, pd.DataFrame]:
    return dict(
        families=frame([
            (1, 10, "Ojo de Agua", 1, "CAFE", "07052", "F", True),
            (2, 10, "Ojo de Agua", 1, "CAFE", "07052", "M", False),
            (3, 20, "El Vergel", 2, "SELVA", "07059", "M", False),
        ], "family_id group_id group organisation_id organisation municipality head_sex anyone_migrated"),
        members=frame([
            (1, 1, "F", "es;toj", False), (2, 1, "M", "toj", True),
            (3, 2, "M", "es", False), (4, 2, "F", "es;tzh", False),
            (5, 3, "M", "", False),
        ], "member_id family_id sex languages migrated"),
        memberships=frame([(1, 10, "2010-01-01", NaT), (2, 10, "2010-01-01", NaT), (3, 20, "2013-01-01", NaT)],
                          "family_id group_id joined_on left_on", ("joined_on", "left_on")),
        plots=frame([
            (101, 1, 2.0, "miaf_d", "2011-06-01", 30.0, "deep", 1825.1),
            (102, 2, 1.0, "miaf_d", "2011-06-01", 10.0, "shallow", 1825.1),
            (103, 3, 1.0, "traditional", NaT, 30.0, "medium", np.nan),
        ], "plot_id family_id area_ha system established_on mean_slope_pct soil_depth_class rainfall_mm",
            ("established_on",)),
        phases=frame([
            (101, "traditional", "2000-01-01", "2011-06-01"), (101, "miaf_d", "2011-06-01", NaT),
            (102, "traditional", "2000-01-01", "2011-06-01"), (102, "miaf_d", "2011-06-01", NaT),
            (103, "traditional", "2000-01-01", NaT),
        ], "plot_id system started_on ended_on", ("started_on", "ended_on")),
        plantings=frame([
            (101, "aguacate", "2011-06-15", 1000.0, "plants"), (101, "limon", "2011-06-15", 300.0, "plants"),
            (102, "durazno", "2011-06-20", 500.0, "plants"),
            (101, "maiz", "2016-05-10", 24.0, "kg_seed"), (103, "maiz", "2016-05-10", 20.0, "kg_seed"),
        ], "plot_id species planted_on quantity unit", ("planted_on",)),
        harvests=frame([
            (1, 101, "maiz", "2010-11-10", 1200.0), (2, 102, "maiz", "2010-11-12", 600.0),
            (4, 101, "maiz", "2016-11-10", 2000.0), (5, 102, "maiz", "2016-11-12", 1000.0),
            (6, 103, "maiz", "2016-11-15", 700.0),
            (7, 101, "frijol", "2016-10-05", 400.0), (8, 101, "frijol", "2010-10-05", 300.0),
            (9, 101, "aguacate", "2016-10-20", 500.0),
        ], "harvest_id plot_id species harvested_on quantity_kg", ("harvested_on",)),
        destinations=frame([
            (1, "self", 840.0, np.nan), (1, "intermediary", 360.0, 4.0),
            (4, "self", 600.0, np.nan), (4, "organisation", 1000.0, 5.0), (4, "intermediary", 400.0, 4.0),
            (5, "self", 300.0, np.nan), (5, "organisation", 700.0, 5.0),
            (6, "self", 700.0, np.nan),
            (7, "self", 140.0, np.nan), (7, "local_market", 260.0, 20.0),
            (9, "intermediary", 500.0, 10.0),
        ], "harvest_id destination kg price_mxn_per_kg"),
        inputs=frame([(1, 101.0, "2011-06-01", 20000.0), (2, 102.0, "2011-06-01", 1000.0)],
                     "family_id plot_id purchased_on cost_mxn", ("purchased_on",)),
        labour=frame([
            (1, 101.0, 2010, 6, "family", 40.0, "F", np.nan), (1, 101.0, 2010, 7, "family", 60.0, "M", np.nan),
            (2, 102.0, 2010, 6, "family", 50.0, "M", np.nan),
            (1, 101.0, 2011, 5, "family", 50.0, "M", np.nan),
            (1, 101.0, 2016, 6, "family", 60.0, "F", np.nan), (1, 101.0, 2016, 7, "family", 60.0, "M", np.nan),
            (1, 101.0, 2016, 7, "hired", 30.0, "M", 300.0),
            (2, 102.0, 2016, 6, "family", 30.0, "F", np.nan), (2, 102.0, 2016, 7, "family", 30.0, "M", np.nan),
            (2, 102.0, 2016, 7, "hired", 15.0, "M", 300.0),
            (3, 103.0, 2016, 6, "family", 50.0, "M", np.nan),
            (3, np.nan, 2016, 8, "family", 10.0, "", np.nan),
        ], "family_id plot_id year month kind person_days worker_sex wage_mxn_per_day"),
        ledger=frame([
            (1, 2016, 11, "income", "crop_sale", "maiz", 5000.0), (1, 2016, 12, "income", "crop_sale", "maiz", 2000.0),
            (1, 2016, 1, "income", "wages", None, 3000.0), (1, 2016, 6, "expense", "food", None, 1000.0),
            (2, 2016, 2, "income", "transfers", None, 1600.0), (2, 2016, 4, "income", "transfers", None, 1600.0),
            (3, 2016, 3, "expense", "other_expense", None, 500.0),
        ], "family_id year month kind category species amount_mxn"),
        attendance=frame([(1, 1, "F", "2012-02-15"), (1, 1, "M", "2012-02-15"), (1, 2, "F", "2012-02-15"),
                          (1, 3, None, "2012-02-15")], "event_id family_id member_sex held_on", ("held_on",)),
        layer_overlap=frame([(101, "Corredor Biológico", "corridor", 2.0, 1.0),
                             (102, "Corredor Biológico", "corridor", 0.19, 0.19)],
                            "plot_id layer kind inside_ha share"),
    )


@pytest.fixture
def tiny() -> IndicatorTables:
    return IndicatorTables(**tiny_frames())
