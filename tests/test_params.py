"""Every parameter table carries a source and a tag on every row, and loads."""

from __future__ import annotations

from pathlib import Path

import pytest

import miaf.params as params

TABLES = sorted(p.stem for p in Path(params.__file__).parent.glob("*.csv"))


@pytest.mark.parametrize("name", TABLES)
def test_every_row_of_every_parameter_table_has_a_source_and_a_known_tag(name):
    rows = params.load_table(name)
    assert rows, f"{name}.csv is empty"
    for row in rows:
        assert row["tag"] in params.TAGS
        assert len(row["source"].strip()) > 10, f"{name}.csv: source too short in {row}"


@pytest.mark.parametrize("name", [t for t in TABLES if "key" in params.load_table(t)[0]])
def test_scalar_tables_load_with_numbers_and_intervals_in_order(name):
    for p in params.load_parameters(name).values():
        if p.low is not None and p.high is not None:
            assert p.low <= p.high, f"{name}.csv: {p.key} interval reversed"
            if isinstance(p.value, float):
                assert p.low <= p.value <= p.high, f"{name}.csv: {p.key} default outside its interval"


def test_a_table_without_a_source_cannot_load(tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("key,value,unit,low,high,tag,source,notes\nx,1,m,,,seen,,\n", encoding="utf-8")
    monkeypatch.setattr(params, "table_path", lambda name: bad)
    with pytest.raises(params.ParameterTableError, match="empty source"):
        params._read_rows(bad)


def test_species_catalogue_rows_have_prices_within_their_ranges():
    for code, row in params.species().items():
        price, low, high = (float(row[k]) for k in ("default_price_mxn_kg", "price_low_mxn_kg", "price_high_mxn_kg"))
        assert low <= price <= high, code
