"""Household economy calendar: hand-checked family, diversity indices, before/after, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from miaf.household.calendar import Ledger, compare_years, household_calendar, monthly_by_category

ROWS = [
    # family, year, month, kind, category, amount
    (1, 2023, 10, "income", "maiz", 3000),
    (1, 2023, 12, "income", "wages", 1000),
    (1, 2023, 6, "expense", "food", 1500),
    (1, 2023, 7, "expense", "food", 1500),
    (1, 2023, 8, "expense", "health", 500),
    (1, 2023, 11, "expense", "production", 200),
    (1, 2023, 10, "own_food", "maiz", 1000),
    (1, 2025, 2, "income", "aguacate", 2000),
    (1, 2025, 7, "income", "frijol", 2000),
    (1, 2025, 10, "income", "maiz", 2000),
    (1, 2025, 12, "income", "wages", 2000),
    (1, 2025, 7, "expense", "food", 1000),
    (1, 2025, 7, "own_food", "frijol", 3000),
    (2, 2023, 1, "expense", "debt", 100),
]


def ledger():
    f = pd.DataFrame(ROWS, columns=["family_id", "year", "month", "kind", "category", "amount"])
    return Ledger.from_frame(f)


def test_a_hand_checked_family_year():
    cal = household_calendar(ledger())
    i = int(cal.rows(1, 2023)[0])
    rec = cal.record(i)
    assert rec["income_month_mxn"][9] == 3000 and rec["income_month_mxn"][11] == 1000
    # deficits in Jun, Jul, Aug (food, food, health) and Nov (200 production, no income) → 4 months,
    # longest run Jun-Aug = 3; income in Oct and Dec = 2 months
    assert rec["months_in_deficit"] == 4
    assert rec["longest_deficit_run_months"] == 3
    assert rec["months_with_income"] == 2
    # shares 3/4 and 1/4: Shannon = -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623; Simpson = 1 - (0.5625 + 0.0625) = 0.375
    assert rec["shannon_index"] == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert rec["simpson_index"] == pytest.approx(0.375)
    # own food 1,000 / (1,000 + 3,000 food bought) = 0.25
    assert rec["own_food_share"] == pytest.approx(0.25)
    assert rec["expense_by_destination_mxn"] == {"food": 3000.0, "production": 200.0, "health": 500.0}


def test_four_equal_sources_give_shannon_ln4_and_a_family_without_income_gives_nan():
    cal = household_calendar(ledger())
    after = int(cal.rows(1, 2025)[0])
    assert cal.shannon_index[after] == pytest.approx(math.log(4))
    assert cal.simpson_index[after] == pytest.approx(0.75)
    none = int(cal.rows(2, 2023)[0])
    assert np.isnan(cal.shannon_index[none])
    assert cal.months_in_deficit[none] == 1


def test_before_and_after_side_by_side_with_differences():
    cmp = compare_years(household_calendar(ledger()), 2023, 2025)
    d = cmp.to_dict()["rows"]
    fam1 = next(r for r in d if r["family_id"] == 1)
    # deficit months 4 → 0 (2025: the only expense, 1,000 in July, meets 2,000 of bean income)
    assert fam1["months_in_deficit_before"] == 4
    assert fam1["months_in_deficit_after"] == 0
    assert fam1["months_in_deficit_difference"] == -4
    # income 4,000 → 8,000
    assert fam1["income_mxn_difference"] == pytest.approx(4000)
    # own food share 0.25 → 3,000 / (3,000 + 1,000) = 0.75
    assert fam1["own_food_share_difference"] == pytest.approx(0.5)
    fam2 = next(r for r in d if r["family_id"] == 2)
    assert fam2["income_mxn_after"] is None  # no 2025 rows for family 2


def test_string_family_ids_and_integer_codes_give_the_same_calendar():
    led = ledger()
    as_str = Ledger(np.array([f"F{x}" for x in led.family_id]), led.year, led.month, led.kind, led.category, led.amount)
    a, b = household_calendar(led), household_calendar(as_str)
    np.testing.assert_allclose(a.income_month, b.income_month)
    assert list(b.family_id) == ["F1", "F1", "F2"]
    cats = ("maiz", "wages", "food", "health", "production", "aguacate", "frijol", "debt")
    codes = np.array([cats.index(c) for c in led.category])
    kinds = np.array([("income", "expense", "own_food").index(k) for k in led.kind])
    c = household_calendar(Ledger(led.family_id, led.year, led.month, kinds, codes, led.amount, categories=cats))
    np.testing.assert_allclose(c.expense_by_destination, a.expense_by_destination)


def test_monthly_by_category_of_one_family_year():
    out = monthly_by_category(ledger(), 1, 2023)
    assert out["income"]["maiz"][9] == 3000
    assert out["expense"]["food"][5:7] == [1500, 1500]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((1, 2023, 13, "income", "maiz", 10), "month must be 1..12"),
        ((1, 2023, 0, "income", "maiz", 10), "month must be 1..12"),
        ((1, 2023, 5, "income", "maiz", -10), "amount"),
        ((1, 2023, 5, "gift", "maiz", 10), "kind must be one of"),
        ((1, 2023, 5, "expense", "fiesta", 10), "expense category"),
    ],
)
def test_bad_ledger_rows_raise_value_error(row, message):
    f = pd.DataFrame(ROWS + [row], columns=["family_id", "year", "month", "kind", "category", "amount"])
    with pytest.raises(ValueError, match=message):
        household_calendar(Ledger.from_frame(f))


def test_a_hundred_thousand_family_years_are_grouped_without_python_loops():
    rng = np.random.default_rng(0)
    n_fy, per = 100_000, 6
    g = np.repeat(np.arange(n_fy), per)
    led = Ledger(g // 2, 2023 + (g % 2), rng.integers(1, 13, g.size), rng.integers(0, 2, g.size),
                 rng.integers(0, 3, g.size), np.ones(g.size), categories=("food", "other", "debt"))
    cal = household_calendar(led)
    assert len(cal) == n_fy
    # every row's amount is 1 → total income + expense = number of rows
    assert cal.income_month.sum() + cal.expense_month.sum() == pytest.approx(g.size)
