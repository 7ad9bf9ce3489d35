"""Issue 15: service and inventory files declare their own sources (``sources:``), cited like
the package's bibliography, never shadowing it, and shown wherever sources are shown."""

from __future__ import annotations

import pytest

from conftest import ROOT
from lca.cli import main
from lca.errors import InputError

REFERENCE = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"
LOCAL = """sources:
  - id: acme-traffic-log-2026
    citation: "ACME Corp., request log of the chat service, January-October 2026 (internal)"
    year: 2026
    licence: proprietary, shared with the auditor
    kind: measurement
    notes: mean of 300 days
"""


def own_sources_service(tmp_path, block: str = LOCAL, cite: str = "acme-traffic-log-2026"):
    """The 8B reference service with a ``sources:`` section; requests_per_day cites it."""
    text = REFERENCE.read_text().replace("model:\n", block + "model:\n", 1)
    old = "{name: requests_per_day, amount: 1.0e+6, unit: request / day, " \
          "source: genai-lca-reference-serving-assumptions}"
    assert old in text
    text = text.replace(old, "{name: requests_per_day, amount: 1.0e+6, unit: request / day, "
                             f"source: {cite}}}")
    path = tmp_path / "own-sources.yaml"
    path.write_text(text.replace("id: chat-8b-h200", "id: own-sources-8b"))
    return path


def test_a_local_source_is_cited_and_listed_like_a_package_source(project, tmp_path):
    from lca.api import assess, contributions

    path = own_sources_service(tmp_path)
    result = assess(path, data_dir=project, cache=False)
    reference = assess(REFERENCE, data_dir=project)
    for key, ind in result.indicators.items():  # a citation changes no number
        assert ind.total == pytest.approx(reference.indicators[key].total, rel=1e-12)
    listed = {s["id"]: s for s in contributions(path, data_dir=project).sources}
    entry = listed["acme-traffic-log-2026"]
    assert entry["citation"].startswith("ACME Corp., request log")
    assert (entry["year"], entry["kind"], entry["uses"]) == (2026, "measurement", 1)
    assert "genai-lca-reference-serving-assumptions" in listed  # the package's still listed


def test_the_workbook_lists_the_local_source(project, tmp_path):
    import pandas as pd

    path = own_sources_service(tmp_path)
    out = tmp_path / "results.xlsx"
    assert main(["--quiet", "--data-dir", str(project), "assess", str(path), "--out",
                 str(out)]) == 0
    sheet = pd.read_excel(out, sheet_name="sources").set_index("id")
    assert sheet.loc["acme-traffic-log-2026", "licence"] == "proprietary, shared with the auditor"


def test_a_local_id_may_not_shadow_a_package_id(project, tmp_path, capsys):
    block = LOCAL.replace("acme-traffic-log-2026", "meta-llama3-8b-model-card-2024")
    path = own_sources_service(tmp_path, block, cite="meta-llama3-8b-model-card-2024")
    assert main(["--data-dir", str(project), "assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: dataset 'meta-llama3-8b-model-card-2024': field 'sources': source id " \
           "'meta-llama3-8b-model-card-2024' is already in the package's bibliography" in err


def test_an_uncited_local_id_is_unknown_with_the_usual_message(project, tmp_path, capsys):
    path = own_sources_service(tmp_path, cite="acme-traffic-log-2025")
    assert main(["--data-dir", str(project), "assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'acme-traffic-log-2025' (not in inventories/SOURCES nor in a " \
           "'sources:' section of the files read); similar: acme-traffic-log-2026" in err


@pytest.mark.parametrize("old, new, field", [
    ("year: 2026", "year: last year", "sources.0.year"),
    ("kind: measurement", "kind: rumour", "sources.0.kind"),
    ("  - id: acme-traffic-log-2026", "  - id: ACME log", "sources.0.id"),
])
def test_a_bad_source_entry_names_its_field(project, tmp_path, old, new, field):
    from lca.data.service import load_service

    path = own_sources_service(tmp_path, LOCAL.replace(old, new))
    with pytest.raises(InputError) as err:
        load_service(path)
    assert f"field '{field}'" in str(err.value) and str(path) in str(err.value)


def test_an_inventory_file_declares_sources_two_files_may_not_disagree(project, tmp_path):
    from lca.api import load, validate

    def inventory(name: str, citation: str) -> str:
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"""format: genai-lca/inventory@1
database: own-sources-{name}
sources:
  - {{id: lab-scale-2026, citation: "{citation}", year: 2026, licence: CC-BY-4.0,
      kind: measurement}}
activities:
  - code: scale
    name: weighing a server
    unit: unit
    exchanges:
      - {{flow: "Carbon dioxide, fossil", categories: [air], amount: 2.5, unit: kg,
          source: lab-scale-2026}}
""")
        return path

    a = inventory("a", "Lab notebook 12, p. 4")
    assert load([a], data_dir=project) == ["own-sources-a"]
    from lca.bw.project import use_project
    from lca.bw.writer import local_sources

    with use_project():
        assert local_sources()["lab-scale-2026"].citation == "Lab notebook 12, p. 4"
    b = inventory("b", "Lab notebook 12, p. 5")
    with pytest.raises(InputError) as err:
        validate([a, b], data_dir=project)
    assert f"{b}: dataset 'lab-scale-2026': field 'sources': source id 'lab-scale-2026' is " \
           f"defined differently in {a}" in str(err.value)


def test_a_rewritten_database_lists_its_new_sources(project, tmp_path):
    """bw2data's register() keeps an existing database's metadata: the writer sets the
    files and sources itself, so a service rewritten with another citation lists the new
    one (it listed the first one before, and its provenance named stale files)."""
    from lca.api import contributions

    path = own_sources_service(tmp_path)
    first = {s["id"]: s for s in contributions(path, data_dir=project).sources}
    path.write_text(path.read_text().replace("mean of 300 days", "mean of 301 days"))
    second = {s["id"]: s for s in contributions(path, data_dir=project).sources}
    from lca.bw.project import use_project
    from lca.bw.writer import local_sources

    with use_project():
        assert local_sources()["acme-traffic-log-2026"].notes == "mean of 301 days"
    assert second["acme-traffic-log-2026"]["citation"] == first["acme-traffic-log-2026"]["citation"]
