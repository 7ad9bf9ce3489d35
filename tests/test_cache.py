"""The prepared service and its result cache (issue 11): cached and computed results are
equal, a fresh process answers from the cache without importing bw2data, and every input
(service file, inventory and method files, package code, the project's databases) that
changes makes the entry stale."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from lca.cli import main

SERVICE = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"


def _flat(result) -> dict:
    d = result.to_dict()
    out = {"energy": d["energy_kwh"]["total"], **{f"energy/{k}": v for k, v in
                                                  d["energy_kwh"]["by_stage"].items()}}
    for key, ind in d["indicators"].items():
        out[key] = ind["total"]
        out.update({f"{key}/{s}": v for s, v in ind["by_stage"].items()})
        out.update({f"{key}/activity/{a}": v for a, v in ind["by_activity"].items()})
    return out


def _fresh():
    """Forget the in-process memo, as a new process would."""
    from lca import prepared

    prepared._PREPARED.clear()


def test_cached_equals_computed(data_dir):
    from lca.api import assess, clear_cache

    clear_cache(data_dir)
    _fresh()
    computed = assess(SERVICE, fu="1k-output-tokens", data_dir=data_dir, cache=False)
    first = assess(SERVICE, fu="1k-output-tokens", data_dir=data_dir)   # computed, stored
    _fresh()
    cached = assess(SERVICE, fu="1k-output-tokens", data_dir=data_dir)  # from the cache
    a, b, c = _flat(computed), _flat(first), _flat(cached)
    assert a.keys() == c.keys()
    for k in a:
        assert c[k] == pytest.approx(a[k], rel=1e-12, abs=1e-300), k
        assert b[k] == c[k], k
    assert cached.to_dict()["provenance"] == computed.to_dict()["provenance"]
    assert cached.warnings == computed.warnings


def test_fresh_process_answers_without_brightway(data_dir):
    """`genai-lca assess` of an unchanged service, in a new process: the same document,
    and neither bw2data nor bw2calc imported."""
    first = run_cli("--data-dir", str(data_dir), "assess", str(SERVICE), "--format", "json")
    assert first.returncode == 0, first.stderr
    code = ("import sys, io, contextlib\nfrom lca.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n"
            f"    rc = main(['--data-dir', {str(data_dir)!r}, 'assess', {str(SERVICE)!r}, "
            "'--format', 'json'])\n"
            "print(rc, [m for m in ('bw2data', 'bw2calc', 'pandas') if m in sys.modules])\n"
            "print(buf.getvalue())")
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
    head, _, body = again.stdout.partition("\n")
    assert head == "0 []", again.stderr
    assert json.loads(body) == json.loads(first.stdout)


def test_no_cache_writes_nothing_and_clear_empties(data_dir, capsys):
    from lca.api import clear_cache
    from lca.cache import ResultCache, directory

    clear_cache(data_dir)
    _fresh()
    assert main(["--data-dir", str(data_dir), "--no-cache", "--quiet", "assess",
                 str(SERVICE)]) == 0
    assert len(ResultCache(directory(data_dir))) == 0
    _fresh()
    assert main(["--data-dir", str(data_dir), "--quiet", "assess", str(SERVICE)]) == 0
    assert len(ResultCache(directory(data_dir))) == 1
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "cache", "clear"]) == 0
    assert capsys.readouterr().out.strip() == "removed 1 cached result(s)"
    assert len(ResultCache(directory(data_dir))) == 0


def test_edited_service_file_is_a_new_entry(data_dir, tmp_path):
    from lca.api import assess

    path = tmp_path / SERVICE.name
    text = SERVICE.read_text()
    path.write_text(text)
    before = assess(path, data_dir=data_dir)
    default = next(w["message"] for w in before.warnings if w["code"] == "default-pue")
    pue = float(default.split()[2])  # "pue = 1.09 dimensionless taken from ..."
    edited = text.replace("\nparameters:\n", "\nparameters:\n  - {name: pue, amount: 1.5, "
                          "unit: dimensionless, source: meta-llama3-8b-model-card-2024}\n")
    assert edited != text
    path.write_text(edited)
    after = assess(path, data_dir=data_dir)
    ratio = after.energy_by_stage_kwh["inference"] / before.energy_by_stage_kwh["inference"]
    assert ratio == pytest.approx(1.5 / pue, rel=1e-6)


def test_every_input_file_is_in_the_key(data_dir, tmp_path, monkeypatch):
    """An edit to any inventory, method or source file, or to the package's code, gives
    another key (so the entry computed before is never found)."""
    from lca import cache
    from lca.prepared import prepare

    root = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", root)
    monkeypatch.setenv("GENAI_LCA_INVENTORIES", str(root))
    svc = prepare(SERVICE, data_dir=data_dir)
    base = svc._key("assess", None)
    assert svc._key("assess", None) == base
    assert svc._key("assess", "request") != base
    for rel in ("background/electricity/country_mix.csv", "methods/methods.yaml",
                "SOURCES/hardware.yaml", "biosphere-ext.yaml", "scenarios/ssp_co2.csv"):
        f = root / rel
        original = f.read_bytes()
        f.write_bytes(original + b"\n")
        assert svc._key("assess", None) != base, rel
        f.write_bytes(original)
        assert svc._key("assess", None) == base, rel
    monkeypatch.setattr(cache, "environment_digest", lambda: "another version of the code")
    assert svc._key("assess", None) != base


def test_project_edit_makes_the_entry_stale(project):
    """An edit made in the project itself (as Activity Browser makes it) is seen: the
    cached result is stale and the new one carries the edit."""
    import bw2data as bd

    from lca.api import assess
    from lca.cache import ResultCache, directory

    _fresh()
    before = assess(SERVICE, data_dir=project)
    _fresh()
    assert assess(SERVICE, data_dir=project) == before  # from the cache
    db = bd.Database(before.functional_unit["reference_flow"]["activity"][0])
    exc = next(e for a in db if a.get("stage") == "inference" for e in a.technosphere()
               if e.input["database"] == "genai-electricity")
    original = dict(exc._data)
    try:
        exc["amount"] = exc["amount"] * 2  # what an edit in Activity Browser does
        exc.save()
        _fresh()
        assert len(ResultCache(directory(project))) >= 1
        after = assess(SERVICE, data_dir=project)
        assert after.indicators["climate_change"].total > before.indicators["climate_change"].total
    finally:
        exc._data.clear()
        exc._data.update(original)
        exc.save()
    _fresh()
