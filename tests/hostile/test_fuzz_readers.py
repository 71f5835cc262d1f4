"""Fuzzing the readers with hypothesis: whatever the bytes, each reader raises only its documented error type
(``ExportError``, ``GeometryError``, ``LayerError``, ``DesignError``), never anything a view would turn into a 500.

Bounded: a fixed number of examples each, small inputs, no deadline per example (CI machines vary).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miaf.design import DesignError, design_plot
from miaf.geo import GeometryError, parse_kml, validate_boundary
from miaf.web.intake.services.parsers import ExportError, read_export
from tests.conftest import OJO_POLYGON

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

KOBO_HEADER = "family;plot;crop;quantity_kg;meta/instanceID;_id;_uuid;_submission_time;_index\n"
ODK_HEADER = "SubmissionDate,household-family_code,quantity_kg,meta-instanceID,KEY\n"

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
csv_rows = st.lists(st.lists(cells, max_size=12), max_size=8)
raw_bytes = st.binary(max_size=2048)


def _consume(paths, names=None) -> None:  # noqa: ANN001
    export = read_export(paths, names)
    for _ in export.rows:
        pass


def _csv_text(header: str, rows: list[list[str]], sep: str) -> str:
    return header + "".join(sep.join(json.dumps(c) if i % 2 else c for i, c in enumerate(r)) + "\n" for r in rows)


@FUZZ
@given(rows=csv_rows, header=st.sampled_from([KOBO_HEADER, ODK_HEADER, ""]), junk=raw_bytes)
def test_the_export_reader_raises_only_export_errors_on_any_csv(tmp_path_factory, rows, header, junk):
    path = tmp_path_factory.mktemp("csv") / "envios.csv"
    sep = ";" if header.count(";") else ","
    path.write_bytes(_csv_text(header, rows, sep).encode("utf-8") + junk)
    try:
        _consume([path])
    except ExportError:
        pass


@FUZZ
@given(members=st.lists(st.tuples(st.sampled_from(["miaf.csv", "miaf-sales.csv", "x/y.csv", "notas.txt"]), raw_bytes),
                        max_size=3),
       cut=st.integers(min_value=0, max_value=4096))
def test_the_export_reader_raises_only_export_errors_on_any_zip(tmp_path_factory, members, cut):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members:
            zf.writestr(name, ODK_HEADER.encode() + content)
    blob = data.getvalue()
    path = tmp_path_factory.mktemp("zip") / "envios.zip"
    path.write_bytes(blob[: max(cut, 4)] if cut < len(blob) else blob)  # truncated or whole
    try:
        _consume([path])
    except ExportError:
        pass


@FUZZ
@given(blob=raw_bytes)
def test_the_export_reader_raises_only_export_errors_on_a_damaged_xlsx(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("xlsx") / "envios.xlsx"
    path.write_bytes(b"PK\x03\x04" + blob)
    try:
        _consume([path])
    except ExportError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(
        st.sampled_from(["type", "coordinates", "features", "geometry", "x"]), children, max_size=4),
    max_leaves=60,
)
geojson_like = st.fixed_dictionaries({"type": st.sampled_from(["Polygon", "MultiPolygon", "Feature",
                                                               "FeatureCollection"]), "coordinates": json_values,
                                      "geometry": json_values, "features": json_values})


@FUZZ
@given(value=st.one_of(json_values, geojson_like, st.text(max_size=200), st.binary(max_size=200)))
def test_a_plot_boundary_raises_only_geometry_errors(value):
    try:
        validate_boundary(value if isinstance(value, (str, bytes, dict)) else json.dumps(value))
    except GeometryError:
        pass


@FUZZ
@given(text=st.one_of(st.text(max_size=300), st.builds(
    lambda c: f'<kml xmlns="http://www.opengis.net/kml/2.2"><Polygon><outerBoundaryIs><LinearRing><coordinates>{c}'
              "</coordinates></LinearRing></outerBoundaryIs></Polygon></kml>", st.text(max_size=80))))
def test_a_kml_boundary_raises_only_geometry_errors(text):
    try:
        validate_boundary(parse_kml(text))
    except GeometryError:
        pass


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(blob=raw_bytes, suffix=st.sampled_from([".geojson", ".gpkg", ".zip"]), prefix=st.sampled_from(
    [b"", b"PK\x03\x04", b"SQLite format 3\x00", b'{"type": "FeatureCollection", "features": [']))
def test_a_reference_layer_upload_raises_only_layer_errors(tmp_path_factory, blob, suffix, prefix):
    from miaf.web.environs.layers import LayerError, load_reference_layer

    path = tmp_path_factory.mktemp("layer") / f"capa{suffix}"
    path.write_bytes(prefix + blob)
    try:
        load_reference_layer(path, "Fuzz", "corridor", False, "prueba")
    except LayerError:
        pass


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(blob=raw_bytes, prefix=st.sampled_from([b"", b"II*\x00", b"MM\x00*"]))
def test_a_dem_upload_raises_only_design_errors(blob, prefix):
    try:
        design_plot(OJO_POLYGON, ["aguacate"], dem=prefix + blob)
    except DesignError:
        pass


def _mutated(valid: bytes):  # noqa: ANN202
    """``valid`` with a few bytes overwritten and maybe truncated: near-valid files reach deeper into a reader."""
    edits = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=8)
    return st.builds(lambda e, cut: bytes(_apply(valid, e))[:cut], edits, st.integers(len(valid) // 4, len(valid)))


def _apply(valid: bytes, edits) -> bytearray:  # noqa: ANN001
    out = bytearray(valid)
    for pos, value in edits:
        out[pos] = value
    return out


def _valid_files() -> dict[str, bytes]:
    import tempfile
    from pathlib import Path

    from tests.designer.conftest import write_plane_dem
    from tests.environs.test_layers import HALF, _gpkg, _shp_zip
    from tests.intake.conftest import FIXTURES

    tmp = Path(tempfile.mkdtemp())
    return {"dem": write_plane_dem(tmp / "p.tif", -91.9795, 16.31045, half_size_m=60.0).read_bytes(),
            ".gpkg": _gpkg(tmp, HALF).read_bytes(), ".zip": _shp_zip(tmp, [HALF]).read_bytes(),
            "xlsx": (FIXTURES / "kobo_miaf_harvest.xlsx").read_bytes(),
            "odk": (FIXTURES / "odk_miaf_harvest.zip").read_bytes()}


VALID = _valid_files()


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(blob=_mutated(VALID["dem"]))
def test_a_damaged_real_geotiff_raises_only_design_errors(blob):
    try:
        design_plot(OJO_POLYGON, ["aguacate"], dem=blob)
    except DesignError:
        pass


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), suffix=st.sampled_from([".gpkg", ".zip"]))
def test_a_damaged_real_layer_raises_only_layer_errors(tmp_path_factory, data, suffix):
    from miaf.web.environs.layers import LayerError, load_reference_layer

    path = tmp_path_factory.mktemp("layer") / f"capa{suffix}"
    path.write_bytes(data.draw(_mutated(VALID[suffix])))
    try:
        load_reference_layer(path, "Fuzz", "corridor", False, "prueba")
    except LayerError:
        pass


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["xlsx", "odk"]))
def test_a_damaged_real_export_raises_only_export_errors(tmp_path_factory, data, kind):
    path = tmp_path_factory.mktemp("export") / ("envios.xlsx" if kind == "xlsx" else "envios.zip")
    path.write_bytes(data.draw(_mutated(VALID[kind])))
    try:
        _consume([path])
    except ExportError:
        pass
