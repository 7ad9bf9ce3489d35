"""The resolver (:func:`lca.data.inventory.resolve`) on small hand-made inventory sets: links
to known activities and flows, unit conversion, the exact message of each kind of unknown
reference, and the content digest. Pure: no Brightway (a hand-made
:class:`~lca.data.inventory.Known` stands for the project).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lca.data.inventory import Known, read_inventory, resolve
from lca.data.sources import Source
from lca.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
CO2 = ("biosphere3", "co2-fossil-air")
GRID = ("genai-electricity", "electricity-USA")
SOURCES = {"test-source": Source(id="test-source", citation="A test", year=2024,
                                 licence="CC0-1.0", kind="assumption")}

GOOD = """\
format: genai-lca/inventory@1
database: test-db
parameters:
  - {name: power_w, amount: 500, unit: W, source: test-source}
activities:
  - code: server-hour
    name: one hour of a server
    unit: hour
    stage: inference
    source: test-source
    exchanges:
      - {input: genai-electricity/electricity-USA, formula: power_w, unit: Wh}
      - {flow: "Carbon dioxide, fossil", categories: [air], amount: 20, unit: g}
      - {input: cooling, amount: 0.25, unit: hour}
  - code: cooling
    name: one hour of cooling
    unit: hour
    source: test-source
    exchanges:
      - {input: [genai-electricity, electricity-USA], amount: 0.1, unit: kWh}
"""


def known() -> Known:
    return Known(units={CO2: "kilogram", GRID: "kilowatt hour"},
                 flows={("Carbon dioxide, fossil", ("air",)): CO2},
                 databases={"biosphere3", "genai-electricity"})


def write(tmp_path: Path, text: str, name: str = "test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def resolved(path: Path):
    return resolve(read_inventory([path]), known(), SOURCES)


def test_links_resolve_and_units_convert(tmp_path):
    db = resolved(write(tmp_path, GOOD))["test-db"]
    act = db.data[("test-db", "server-hour")]
    production, grid, co2, cooling = act["exchanges"]
    assert production == {"input": ("test-db", "server-hour"), "amount": 1.0,
                          "type": "production", "unit": "hour"}
    # 500 W for one hour = 500 Wh = 0.5 kWh: the formula is kept, scaled by 1/1000
    assert grid["input"] == GRID and grid["type"] == "technosphere"
    assert grid["amount"] == pytest.approx(0.5, rel=1e-12)
    assert grid["unit"] == "kilowatt hour" and grid["original unit"] == "Wh"
    assert grid["formula"] == "(power_w) * 0.001"
    # 20 g = 0.02 kg on the biosphere flow
    assert co2["input"] == CO2 and co2["type"] == "biosphere"
    assert co2["amount"] == pytest.approx(0.02, rel=1e-12)
    # a link within the set, by code, in the activity's own unit
    assert cooling["input"] == ("test-db", "cooling") and cooling["amount"] == 0.25
    assert "original unit" not in cooling and cooling["source"] == "test-source"
    # a [database, code] list links like "database/code"
    assert db.data[("test-db", "cooling")]["exchanges"][1]["input"] == GRID
    assert db.depends == {"genai-electricity", "biosphere3"}
    assert db.parameters == [{"name": "power_w", "amount": 500.0, "unit": "W",
                              "source": "test-source"}]


@pytest.mark.parametrize("old, new, message", [
    ('{flow: "Carbon dioxide, fossil", categories: [air]',
     '{flow: "Carbon dioxide, fosil", categories: [air]',
     "{path}: dataset 'server-hour': field 'exchanges[1].flow': no biosphere flow named "
     "'Carbon dioxide, fosil' in ['air']; similar names: Carbon dioxide, fossil"),
    ('{flow: "Carbon dioxide, fossil", categories: [air]',
     '{flow: "Carbon dioxide, fossil", categories: [water]',
     "{path}: dataset 'server-hour': field 'exchanges[1].flow': no biosphere flow named "
     "'Carbon dioxide, fossil' in ['water']; it exists in: [air]"),
    ("{input: genai-electricity/electricity-USA, formula",
     "{input: genai-electricity/electricity-XXX, formula",
     "{path}: dataset 'server-hour': field 'exchanges[0].input': links to "
     "'genai-electricity/electricity-XXX', which is not defined"),
    ("{input: cooling, amount",
     "{input: heating, amount",
     "{path}: dataset 'server-hour': field 'exchanges[2].input': links to "
     "'test-db/heating', which is not defined"),
    ("{input: genai-electricity/electricity-USA, formula",
     "{input: genai-grid/electricity-USA, formula",
     "{path}: dataset 'server-hour': field 'exchanges[0].input': links to database "
     "'genai-grid', which does not exist (known: biosphere3, genai-electricity, test-db)"),
    ("amount: 20, unit: g}",
     "amount: 20, unit: g, source: test-sorce}",
     "{path}: dataset 'server-hour': field 'exchanges[1].source': unknown source "
     "'test-sorce' (not in inventories/SOURCES nor in a 'sources:' section of the files "
     "read); similar: test-source"),
    ("{name: power_w, amount: 500, unit: W, source: test-source}",
     "{name: power_w, amount: 500, unit: W, source: nowhere}",
     "{path}: dataset 'test-db': field 'parameters.power_w.source': unknown source "
     "'nowhere' (not in inventories/SOURCES nor in a 'sources:' section of the files read)"),
])
def test_an_unknown_reference_names_file_dataset_and_field(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        resolved(path)
    assert str(err.value) == message.format(path=path)


def test_a_unit_that_does_not_convert_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace("amount: 0.25, unit: hour", "amount: 0.25, unit: kg"))
    with pytest.raises(InputError) as err:
        resolved(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.dataset, problem.field) == (str(path), "server-hour",
                                                              "exchanges[2].unit")
    assert problem.message.startswith("unit 'kg' cannot be converted to 'hour'")
    assert problem.message.endswith("; the linked 'cooling' is in hour")


def test_every_problem_is_listed_and_nothing_resolves(tmp_path):
    text = GOOD.replace("electricity-USA, formula", "electricity-XXX, formula").replace(
        "categories: [air]", "categories: [soil]")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        resolved(path)
    assert str(err.value) == (
        "2 problems found; nothing was written:\n"
        f"  - {path}: dataset 'server-hour': field 'exchanges[0].input': links to "
        "'genai-electricity/electricity-XXX', which is not defined\n"
        f"  - {path}: dataset 'server-hour': field 'exchanges[1].flow': no biosphere flow "
        "named 'Carbon dioxide, fossil' in ['soil']; it exists in: [air]")


# ------------------------------------------------------------------ digest
DIGEST = ("from lca.data.inventory import read_inventory, resolve\n"
          "from tests.test_resolver import SOURCES, known\n"
          "import sys\n"
          "print(resolve(read_inventory([sys.argv[1]]), known(), SOURCES)['test-db'].digest)\n")


def test_digest_is_stable_across_runs_and_follows_the_content(tmp_path):
    path = write(tmp_path, GOOD)
    first = resolved(path)["test-db"].digest
    assert resolved(path)["test-db"].digest == first
    # another interpreter (another hash seed) computes the same digest
    run = subprocess.run([sys.executable, "-c", DIGEST, str(path)], cwd=ROOT, text=True,
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                   "PYTHONHASHSEED": "123"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == first
    # the same records in another file name: same digest (content, not location)
    assert resolved(write(tmp_path, GOOD, "other.yaml"))["test-db"].digest == first
    # any change of content changes it, even one that resolves to the same numbers
    changed = write(tmp_path, GOOD.replace("amount: 20, unit: g", "amount: 0.02, unit: kg"),
                    "changed.yaml")
    assert resolved(changed)["test-db"].digest != first
    assert read_inventory([changed]).digest() != read_inventory([path]).digest()
