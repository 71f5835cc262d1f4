"""The global 12-step model from ``data/stages.csv`` and ``data/checklist.csv`` (each row cites its source)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_global_stages(stage_model, item_model) -> int:  # noqa: ANN001
    """Create (or update) the global stages and their checklists; returns the number of stages."""
    by_number = {}
    for row in read("stages.csv"):
        number = int(row["number"])
        stage, _ = stage_model.objects.update_or_create(
            organisation=None, number=number,
            defaults={
                "name": row["name"], "name_en": row["name_en"], "description": row["description"], "order": number,
                "expected_days": int(row["expected_days"]), "scope": row["scope"], "source": row["source"],
            },
        )
        by_number[number] = (stage, row["depends_on"])
    for stage, dep in by_number.values():
        stage.depends_on = by_number[int(dep)][0] if dep else None
        stage.save(update_fields=["depends_on"])
    for row in read("checklist.csv"):
        stage = by_number[int(row["stage"])][0]
        item_model.objects.update_or_create(
            stage=stage, order=int(row["order"]), defaults={"text": row["text"], "text_en": row["text_en"]}
        )
    return len(by_number)
