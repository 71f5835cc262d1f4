"""Small readers shared by the export tests."""

from __future__ import annotations

import csv
import io

BOM = b"\xef\xbb\xbf"


def body(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict[str, str]]:  # noqa: ANN001
    data = body(response)
    assert data.startswith(BOM), "CSV must start with the UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(data[len(BOM):].decode("utf-8"))))
