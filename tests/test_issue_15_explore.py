"""Issue 15, item 5: ``genai-lca explore`` (scenario tables and factorial grids on the
compiled model, structural alternatives, Pareto front, best rows, figure).

Every explored row is checked against an independent ``assess`` of the service file
rewritten with that row's values (a real Brightway write and bw2calc solve), the Pareto
flags against a brute-force dominance check, and bad tables against their exact messages
and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from lca.analysis.explore import factorial, pareto_front, read_table
from lca.errors import InputError
from tests.conftest import ROOT, run_cli

SERVICE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"
SOURCE = "genai-lca-reference-serving-assumptions"
INDICATORS = ("climate_change", "water_consumption", "water_scarcity",
              "abiotic_depletion_elements")


def rewritten(tmp: Path, values: dict[str, float], ident: str, accelerator: str | None = None,
              location: str | None = None) -> Path:
    """The reference service file with ``values`` as its parameters' amounts (their
    uncertainty dropped: the assessment is deterministic, and a triangular's mode must lie
    in its range), a parameter it lacks added, and the structure changed; written by the
    test, independently of lca.analysis.explore."""
    from lca.data.parameters import PARAMETER_UNITS

    raw = yaml.safe_load(SERVICE.read_text())
    raw["service"]["id"] = ident
    by_name = {p["name"]: p for p in raw["parameters"]}
    for name, value in values.items():
        if name in by_name:
            by_name[name]["amount"] = float(value)
            by_name[name].pop("uncertainty", None)
        else:
            raw["parameters"].append({"name": name, "amount": float(value),
                                      "unit": PARAMETER_UNITS[name][0], "source": SOURCE})
    if accelerator:
        raw["model"]["hardware"]["accelerator"] = accelerator
    if location:
        raw["model"]["electricity"]["location"] = location
    path = tmp / f"{ident}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def brute_force_front(x, y) -> np.ndarray:
    """Not dominated: no other point <= on both and < on one (O(n^2))."""
    x, y = np.asarray(x), np.asarray(y)
    return np.array([not np.any((x <= x[i]) & (y <= y[i]) & ((x < x[i]) | (y < y[i])))
                     for i in range(len(x))])


TABLE = """scenario,accelerator,grid_location,batch,pue,hardware_utilisation,requests_per_day
small-batch,,,16,1.3,0.5,5e7
large-batch,,,128,1.1,0.9,2e6
h200-france,nvidia-h200-sxm-141gb,FRA,96,1.2,0.85,1e8
"""


@pytest.fixture(scope="module")
def explored(data_dir, tmp_path_factory):
    from lca.api import explore

    folder = tmp_path_factory.mktemp("explore")
    table = folder / "scenarios.csv"
    table.write_text(TABLE)
    before = SERVICE.read_bytes()
    result = explore(SERVICE, table, data_dir=data_dir)
    assert SERVICE.read_bytes() == before  # the user's service file is untouched
    return result


def test_issue_15_rows_equal_independent_assess(explored, data_dir, tmp_path):
    from lca.api import assess

    frame = explored.frame
    assert list(frame["scenario"]) == ["small-batch", "large-batch", "h200-france"]
    assert list(frame["accelerator"]) == ["nvidia-h100-sxm-80gb", "nvidia-h100-sxm-80gb",
                                          "nvidia-h200-sxm-141gb"]
    assert list(frame["grid_location"]) == ["USA", "USA", "FRA"]
    params = ["batch", "pue", "hardware_utilisation", "requests_per_day"]
    for i, row in frame.iterrows():
        structural = {} if i < 2 else {"accelerator": row["accelerator"],
                                       "location": row["grid_location"]}
        path = rewritten(tmp_path, {p: row[p] for p in params}, f"explore-check-{i}",
                         **structural)
        result = assess(path, data_dir=data_dir, cache=False)
        for k in INDICATORS:
            assert row[k] == pytest.approx(result.indicators[k].total, rel=1e-9), (i, k)
        assert row["energy_kwh"] == pytest.approx(result.energy_total_kwh, rel=1e-9)
    # the structural row really differs from the same values on the H100 in the USA
    assert frame.loc[2, "climate_change"] < 0.5 * frame.loc[0, "climate_change"]
    assert explored.units["climate_change"] == "kg CO2-Eq per request"
    assert explored.frame.attrs["units"] == explored.units


def test_issue_15_pareto_flags_equal_brute_force(explored):
    frame = explored.frame
    x, y = explored.pareto
    assert (x, y) == ("climate_change", "water_consumption")
    assert list(frame["pareto"]) == list(brute_force_front(frame[x], frame[y]))
    rng = np.random.default_rng(15)
    for n in (1, 2, 7, 300):  # ties and duplicates included (small integers)
        a, b = rng.integers(0, 6, n).astype(float), rng.integers(0, 6, n).astype(float)
        assert list(pareto_front(a, b)) == list(brute_force_front(a, b))


def test_issue_15_best_row_per_indicator(explored):
    best, frame = explored.best, explored.frame
    assert list(best["indicator"]) == [*INDICATORS, "energy_kwh"]
    for _, b in best.iterrows():
        k = b["indicator"]
        assert b["value"] == frame[k].min()
        assert b["row"] == frame.loc[frame[k].idxmin(), "row"]


def test_issue_15_grid_is_the_full_factorial(data_dir):
    from lca.api import explore

    grid = ["batch=8,64,256", "pue=1.1,1.3", "hardware_utilisation=0.6"]
    scenarios = factorial(grid)
    assert scenarios.n == 6
    assert list(scenarios.parameters["batch"]) == [8, 8, 64, 64, 256, 256]
    assert list(scenarios.parameters["pue"]) == [1.1, 1.3] * 3
    result = explore(SERVICE, grid=grid, data_dir=data_dir, pareto=("energy_kwh",
                                                                     "climate_change"))
    assert len(result.frame) == 6 and result.pareto == ("energy_kwh", "climate_change")
    # pue multiplies the inference share of facility energy (training's stated power
    # already includes it): at a given batch, 1 < E(1.3) / E(1.1) < 1.3 / 1.1
    e = result.frame["energy_kwh"].to_numpy()
    assert np.all(e[1::2] / e[0::2] > 1) and np.all(e[1::2] / e[0::2] < 1.3 / 1.1)
    assert np.all(np.diff(e[0::2]) < 0)  # larger batches: less energy per request
    assert list(result.frame["pareto"]) == list(brute_force_front(
        result.frame["energy_kwh"], result.frame["climate_change"]))
    header = result.to_csv().splitlines()[0]
    assert header == ("row,scenario,batch,pue,hardware_utilisation,climate_change [kg CO2-Eq "
                      "per request],water_consumption [cubic meter per request],water_scarcity "
                      "[m3 world-Eq deprived per request],abiotic_depletion_elements [kg Sb-Eq "
                      "per request],energy_kwh [kWh per request],pareto")
    text = result.to_text()
    assert "Pareto front (energy_kwh vs climate_change, both minimised)" in text
    assert "Best row per indicator" in text


def test_issue_15_cli_json_and_figure(data_dir, tmp_path):
    from PIL import Image

    from lca.cli import main

    figure, out = tmp_path / "front.png", tmp_path / "rows.json"
    code = main(["-q", "--data-dir", str(data_dir), "explore", str(SERVICE), "--grid",
                 "batch=16,64", "--grid", "pue=1.1,1.2,1.4", "--format", "json", "--out",
                 str(out), "--figure", str(figure)])
    assert code == 0
    body = json.loads(out.read_text())
    assert len(body["rows"]) == 6 and body["functional_unit"] == "request"
    assert [r["indicator"] for r in body["best"]][:2] == ["climate_change", "water_consumption"]
    with Image.open(figure) as img:
        img.verify()
    with Image.open(figure) as img:
        assert img.format == "PNG" and img.size[0] > 400 and img.size[1] > 300


def _cli_error(data_dir, tmp_path, capsys, *args, table: str | None = None) -> str:
    from lca.cli import main

    extra = []
    if table is not None:
        path = tmp_path / "t.csv"
        path.write_text(table)
        extra = ["--table", str(path)]
    capsys.readouterr()
    code = main(["-q", "--data-dir", str(data_dir), "explore", str(SERVICE), *extra, *args])
    err = capsys.readouterr().err
    assert code == 2, err
    last = err.strip().splitlines()[-1]  # after any progress bar of the first write
    return last.removeprefix("error: ").replace(str(tmp_path / "t.csv"), "T")


def test_issue_15_bad_tables_exit_2(data_dir, tmp_path, capsys):
    err = _cli_error(data_dir, tmp_path, capsys, table="batch,bacth\n8,9\n")
    assert err == ("T: field 'bacth': unknown column 'bacth': not a parameter of the service, "
                   "nor one of scenario, accelerator, grid_location; closest: batch")
    err = _cli_error(data_dir, tmp_path, capsys, table="batch,pue\n8,1.2\n16,high\n")
    assert err == "T: field 'pue': row 2: expected a finite number for parameter 'pue'; " \
                  "found 'high'"
    err = _cli_error(data_dir, tmp_path, capsys, table="scenario,gpu_tdp_w\na,700\nb,-700\n")
    assert err == ("T: field 'gpu_tdp_w': row 2: parameter 'gpu_tdp_w' must be > 0 (board "
                   "power limit (TDP) of one GPU); got -700")
    # in the physical domain (0, 1], below the service file's own bound (minimum: 0.01)
    err = _cli_error(data_dir, tmp_path, capsys, table="hardware_utilisation\n0.5\n0.005\n")
    assert err == ("T: field 'hardware_utilisation': row 2: parameter 'hardware_utilisation' "
                   "must be within the service file's bounds [0.01, 1]; got 0.005")
    err = _cli_error(data_dir, tmp_path, capsys, table="")
    assert err == ("T: the scenario table is empty; expected a header of parameter names "
                   "and one row per scenario")
    err = _cli_error(data_dir, tmp_path, capsys, "--grid", "batch=8", table="batch\n8\n")
    assert err == ("field '--table': give either --table FILE or --grid NAME=v1,v2,... (one "
                   "of them, not both)")


def test_issue_15_derived_and_structural_errors(data_dir, tmp_path, capsys):
    # a batch whose KV cache does not fit the given replica: the derived constraint says so
    err = _cli_error(data_dir, tmp_path, capsys, table="gpus_per_replica,batch\n4,64\n4,4096\n")
    assert err.startswith("T: row 2: with gpus_per_replica=4, batch=4096, derived parameter "
                          "'memory_fill' must "
                          "be in (0, 1] (share of the replica's usable memory")
    # KV 2 x 80 layers x 8 heads x 128 x 2 bytes x (1000 + 400 / 2 tokens) x 4096 + 141 GB
    # of weights, over 4 x 80 GB x the usable fraction: ~6 times what fits
    assert err.endswith("above 1 they do not fit: more gpus_per_replica, a smaller batch or "
                        "fewer bytes per weight; got 6.08268")
    err = _cli_error(data_dir, tmp_path, capsys, table="memory_fill\n0.5\n")
    assert "parameter 'memory_fill' is derived by the model" in err
    err = _cli_error(data_dir, tmp_path, capsys, table="accelerator,batch\nnvidia-h300,8\n")
    assert err.startswith("T: field 'accelerator': row 1: unknown accelerator 'nvidia-h300'")
    err = _cli_error(data_dir, tmp_path, capsys, "--pareto", "climate_change", table="batch\n8\n")
    assert "field '--pareto': expected two different indicators" in err


def test_issue_15_read_table_shape_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("batch,batch,\n1,2,3\n4,5\n")
    with pytest.raises(InputError) as exc:
        read_table(path)
    messages = [p.message for p in exc.value.problems]
    assert messages == ["column(s) 3 of the header have no name",
                        "column(s) named more than once: batch",
                        "row 2 (line 3) has 2 cell(s); the header has 3"]
    path.write_text("batch,pue\n")
    with pytest.raises(InputError, match="has a header but no rows"):
        read_table(path)


def test_issue_15_cli_exit_code_in_a_fresh_process(data_dir, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("pue\n0.5\n")
    done = run_cli("--data-dir", str(data_dir), "explore", str(SERVICE), "--table", str(table))
    assert done.returncode == 2
    assert "row 1: parameter 'pue' must be in [1, 3]" in done.stderr
