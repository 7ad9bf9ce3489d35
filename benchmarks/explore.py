"""Scenario tables (``genai-lca explore``, issue 15): rows per second three ways.

    python benchmarks/explore.py [--rows 200000] [--slow-rows 3] [--service chat-70b-h100]
        [--data-dir DIR]

The same N scenario rows (batch, pue, hardware_utilisation, requests_per_day drawn in
their physical domains, seed 15) of a reference service, evaluated:

(a) by :func:`lca.analysis.explore.run` on the compiled model: every value checked against
    its domain and the derived constraints, the totals of every indicator, the tidy table,
    the Pareto flags and the best rows (compile time printed apart: once per service);
(b) one by one as a user would without ``explore``: a service file rewritten with the
    row's values and assessed (:func:`lca.api.assess`: build, write the Brightway
    database, bw2calc solve), for ``--slow-rows`` rows, extrapolated to N;
(c) plain Brightway per row: the written database's parameters set to the row's values,
    bw2data's own recalculation of the parameterised exchanges, the database processed
    and a bw2calc LCA solved for the four methods (``--slow-rows`` rows, extrapolated).

Each slow row's climate-change score is compared with explore's (relative difference
printed). The data directory defaults to a fresh temporary one, removed at the end (path
(c) changes the written database's parameters in place: never point it at one in use).

Measured 2026-11-28 on the 2-core development machine shared with other work,
chat-70b-h100, 200,000 rows, 3 slow rows:

| load average | compile | (a) first / median of next 3 | (b) per row | (c) per row | (a)/(b) | (a)/(c) |
|---|---|---|---|---|---|---|
| ~10 | 1.55 s | 1.01 s / 1.06 s: 188,000 rows/s | 4.14 s | 2.31 s | 780,000x | 435,000x |
| ~5 | 0.42 s | 0.30 s / 0.26 s: 781,000 rows/s | 1.73 s | 0.98 s | 1,350,000x | 762,000x |

Every slow row equals explore's to 2.9e-16 (climate change). Before the Pareto front and
the row grouping were vectorised, (a) ran 117,000-133,000 rows/s at load ~10.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SOURCE = "genai-lca-reference-serving-assumptions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--slow-rows", type=int, default=3)
    parser.add_argument("--service", default="chat-70b-h100")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="genai-lca-bench-explore-"))
    try:
        _run(args, data_dir)
    finally:
        if args.data_dir is None:
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)


def _run(args, data_dir: Path) -> None:
    os.environ["BRIGHTWAY2_DIR"] = str(data_dir)  # before bw2data is imported
    os.environ.setdefault("TQDM_DISABLE", "1")
    service = ROOT / "inventories" / "services" / f"{args.service}.yaml"

    from lca.analysis import explore as ex
    from lca.api import assess, compile, setup

    t = time.perf_counter()
    setup(data_dir)
    base = assess(service, data_dir=data_dir, cache=False)
    print(f"setup + first assess: {time.perf_counter() - t:.1f} s (data dir {data_dir})")
    t = time.perf_counter()
    model = compile(service, data_dir=data_dir, cache=False)
    print(f"compile (extract + background solve): {time.perf_counter() - t:.2f} s")

    scenarios = _scenarios(args.rows, seed=15)
    times = []
    for _ in range(4):
        t = time.perf_counter()
        result = ex.run({(None, None): model}, scenarios, functional_unit="request",
                        service=args.service)
        times.append(time.perf_counter() - t)
    fast = args.rows / statistics.median(times[1:])
    print(f"(a) explore on the compiled model, {args.rows:,} rows: first {times[0]:.3f} s, "
          f"median of next 3 {statistics.median(times[1:]):.3f} s -> {fast:,.0f} rows/s "
          f"({result.frame['pareto'].sum()} on the Pareto front)")

    slow = list(range(args.slow_rows))
    per_row_b, per_row_c, diffs_b, diffs_c = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in slow:
            values = {k: float(v[i]) for k, v in scenarios.parameters.items()}
            t = time.perf_counter()
            path = _rewritten(service, Path(tmp), values, f"bench-explore-{i}")
            r = assess(path, data_dir=data_dir, cache=False)
            per_row_b.append(time.perf_counter() - t)
            diffs_b.append(_rel(r.indicators["climate_change"].total,
                                result.frame["climate_change"][i]))
    database = base.functional_unit["reference_flow"]["activity"][0]
    for i in slow:
        values = {k: float(v[i]) for k, v in scenarios.parameters.items()}
        t = time.perf_counter()
        scores = _brightway_row(database, values)
        per_row_c.append(time.perf_counter() - t)
        diffs_c.append(_rel(scores[0], result.frame["climate_change"][i]))
    b, c = 1 / statistics.mean(per_row_b), 1 / statistics.mean(per_row_c)
    print(f"(b) assess a rewritten service file per row ({len(slow)} rows): "
          f"{statistics.mean(per_row_b):.2f} s/row -> {b:.3f} rows/s; N rows in "
          f"{args.rows / b / 3600:,.1f} h; max relative difference to (a) {max(diffs_b):.1e}")
    print(f"(c) bw2data recalculation + bw2calc per row ({len(slow)} rows): "
          f"{statistics.mean(per_row_c):.2f} s/row -> {c:.3f} rows/s; N rows in "
          f"{args.rows / c / 3600:,.1f} h; max relative difference to (a) {max(diffs_c):.1e}")
    print(f"ratios: (a)/(b) {fast / b:,.0f}x, (a)/(c) {fast / c:,.0f}x")


def _scenarios(n: int, seed: int):
    """N rows in the physical domains (batch an integer 1-256: the replica grows to fit)."""
    from lca.analysis.explore import Scenarios

    rng = np.random.default_rng(seed)
    parameters = {"batch": rng.integers(1, 257, n).astype(float),
                  "pue": rng.uniform(1.05, 1.6, n),
                  "hardware_utilisation": rng.uniform(0.3, 1.0, n),
                  "requests_per_day": 10 ** rng.uniform(5, 9, n)}
    return Scenarios("benchmark", parameters, {}, [str(i) for i in range(1, n + 1)],
                     np.arange(1, n + 1))


def _rewritten(service: Path, folder: Path, values: dict, ident: str) -> Path:
    import yaml

    from lca.data.parameters import PARAMETER_UNITS

    raw = yaml.safe_load(service.read_text())
    raw["service"]["id"] = ident
    by_name = {p["name"]: p for p in raw["parameters"]}
    for name, value in values.items():
        if name in by_name:
            by_name[name]["amount"] = value
            by_name[name].pop("uncertainty", None)
        else:
            raw["parameters"].append({"name": name, "amount": value,
                                      "unit": PARAMETER_UNITS[name][0], "source": SOURCE})
    path = folder / f"{ident}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _brightway_row(database: str, values: dict) -> list[float]:
    """The row solved the plain Brightway way: parameters updated, bw2data recalculation,
    processing, bw2calc for the four methods."""
    import bw2calc as bc
    import bw2data as bd
    from bw2data.parameters import ActivityParameter, DatabaseParameter, Group

    from lca.bw.project import use_project
    from lca.data.files import method_names

    with use_project():
        for name, value in values.items():
            DatabaseParameter.update(amount=value).where(
                (DatabaseParameter.database == database) & (DatabaseParameter.name == name)
            ).execute()
        # an update by query leaves the group fresh: expire it, so bw2data recalculates the
        # formula parameters and, downstream, the parameterised exchanges
        Group.update(fresh=False).where(Group.name == database).execute()
        DatabaseParameter.recalculate(database)
        for group in Group.select().where(Group.name.startswith(database + ":")):
            ActivityParameter.recalculate_exchanges(group.name)
        bd.Database(database).process()
        methods = [s["name"] for s in method_names().values()]
        lca = bc.LCA({bd.get_activity((database, "request")): 1}, method=methods[0])
        lca.lci()
        scores = []
        for m in methods:
            lca.switch_method(m)
            lca.lcia()
            scores.append(float(lca.score))
        return scores


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


if __name__ == "__main__":
    main()
