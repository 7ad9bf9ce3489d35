"""Excel outputs: the results workbook holds the API's numbers, and the Brightway-native
export (bw2io's Excel format) re-imports into a fresh project with the same scores."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, SERVICE
from lca.cli import main

REFERENCE = ROOT / "inventories" / "services" / "chat-70b-h100.yaml"


def test_results_workbook_equals_the_api_result(project, tmp_path):
    import pandas as pd

    from lca.api import assess, contributions
    from lca.report.excel import SHEETS

    out = tmp_path / "results.xlsx"
    assert main(["--quiet", "--data-dir", str(project), "assess", str(SERVICE), "--fu",
                 "1k-output-tokens", "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert tuple(sheets) == SHEETS
    result = assess(SERVICE, fu="1k-output-tokens", data_dir=project)
    contrib = contributions(SERVICE, fu="1k-output-tokens", data_dir=project)
    totals = sheets["results"].set_index("indicator")["total"]
    exact = dict(rel=1e-15, abs=0)  # openpyxl writes 16 significant digits (an ulp or two)
    for key, ind in result.indicators.items():
        assert totals[key] == pytest.approx(ind.total, **exact)
        stages = sheets["stages"].query("indicator == @key and stage != 'total'")
        assert list(stages["stage"]) == result.stages
        assert list(stages["value"]) == pytest.approx(
            [ind.by_stage.get(s, 0.0) for s in result.stages], **exact)
        procs = sheets["processes"].query("indicator == @key")
        assert procs["score"].sum() == pytest.approx(ind.total, rel=1e-9)
        assert list(procs["score"]) == pytest.approx(
            list(contrib.processes.query("indicator == @key")["score"]), **exact)
    assert totals["energy"] == pytest.approx(result.energy_total_kwh, **exact)
    params = sheets["parameters"].set_index("name")
    assert params.loc["pue", "amount"] == 1.08 and params.loc["pue", "source"] == \
        "meta-sustainability-2024"
    sources = sheets["sources"].set_index("id")
    assert sources.loc["meta-sustainability-2024", "year"] == 2024
    assert {"licence", "citation", "uses"} <= set(sources.columns)
    prov = dict(zip(sheets["provenance"]["item"], sheets["provenance"]["value"]))
    digest = result.provenance["inventories"][0]["digest"]
    assert prov[f"inventory {result.provenance['inventories'][0]['database']}"] == digest


def test_prospective_workbook_is_prospective_throughout(project, tmp_path):
    """With --year/--scenario every sheet describes the future service: the processes
    add up to the prospective total, not to today's."""
    import pandas as pd

    from lca.api import assess

    out = tmp_path / "future.xlsx"
    assert main(["--quiet", "--data-dir", str(project), "assess", str(SERVICE), "--year",
                 "2040", "--scenario", "SSP1-2.6", "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    future = assess(SERVICE, data_dir=project, year=2040, scenario="SSP1-2.6")
    today = assess(SERVICE, data_dir=project)
    gwp = future.indicators["climate_change"].total
    assert gwp < today.indicators["climate_change"].total
    procs = sheets["processes"].query("indicator == 'climate_change'")
    assert procs["score"].sum() == pytest.approx(gwp, rel=1e-9)


def test_export_refuses_other_formats(project, tmp_path, capsys):
    assert main(["--quiet", "--data-dir", str(project), "export", str(SERVICE), "--out",
                 str(tmp_path / "s.csv")]) == 2
    assert capsys.readouterr().err.strip() == \
        "error: field '--out': unsupported output type '.csv'; use .xlsx (bw2io Excel workbook)"


_REIMPORT = textwrap.dedent("""
    import json, sys
    import lca.api
    fresh, path, database, methods = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    lca.api.setup(fresh)  # a copy of the set-up data directory: current, returns at once
    import bw2calc as bc, bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from bw2data.parameters import ActivityParameter, DatabaseParameter
    from lca.bw.export import import_excel
    from lca.bw.project import use_project
    from lca.bw.writer import _delete_parameters
    with use_project():
        if database in bd.databases:  # the service and every trace of it go first
            _delete_parameters(database)
            del bd.databases[database]
        assert AD.select().where(AD.database == database).count() == 0
        assert DatabaseParameter.select().where(DatabaseParameter.database == database).count() == 0
        assert ActivityParameter.select().where(ActivityParameter.database == database).count() == 0
        name = import_excel(path)
        act = bd.get_activity((name, "request"))
        scores = {}
        for m in json.loads(methods):
            lca = bc.LCA({act: 1.0}, method=tuple(m))
            lca.lci(); lca.lcia()
            scores[" | ".join(m)] = lca.score
        n = DatabaseParameter.select().where(DatabaseParameter.database == name).count()
    print(json.dumps({"name": name, "scores": scores, "parameters": n}))
""")


def test_brightway_export_reimports_into_a_fresh_project(project, tmp_path):
    """Into a separate data directory: a copy of the session's (set up by ``genai-lca
    setup``, saving the 17 s of a new setup) with the service database and its parameters
    deleted; ``GENAI_LCA_FRESH_SETUP=1`` runs a new setup there instead."""
    import shutil

    import bw2calc as bc
    import bw2data as bd

    from lca.api import assess

    out = tmp_path / "service.xlsx"
    assert main(["--quiet", "--data-dir", str(project), "export", str(REFERENCE),
                 "--out", str(out)]) == 0
    result = assess(REFERENCE, data_dir=project)
    database = result.functional_unit["reference_flow"]["activity"][0]
    methods = [list(ind.method) for ind in result.indicators.values()]
    original = {}
    act = bd.get_activity((database, "request"))
    for m in methods:
        lca = bc.LCA({act: 1.0}, method=tuple(m))
        lca.lci()
        lca.lcia()
        original[" | ".join(m)] = lca.score
    fresh = tmp_path / "fresh-data-dir"
    if os.environ.get("GENAI_LCA_FRESH_SETUP") != "1":
        shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("genai-lca.lock"))
    run = subprocess.run([sys.executable, "-c", _REIMPORT, str(fresh), str(out), database,
                          json.dumps(methods)], capture_output=True, text=True, timeout=300,
                         cwd=ROOT, env={**os.environ, "BRIGHTWAY2_DIR": str(fresh),
                                        "TQDM_DISABLE": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["name"] == database and got["parameters"] > 20
    for key, score in original.items():
        assert score > 0
        assert got["scores"][key] == pytest.approx(score, rel=1e-9)
    assert original["genai-lca | climate change | GWP100 | IPCC 2021"] == pytest.approx(
        result.indicators["climate_change"].total, rel=1e-9)
