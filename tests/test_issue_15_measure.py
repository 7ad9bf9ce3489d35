"""Issue 15, part 4: ``genai-lca measure`` turns measurement logs (CodeCarbon, NVML/Zeus,
ML.ENERGY) into the ``measured`` energy model's parameters, with the run-to-run spread as a
lognormal and the log as a ``measurement`` source, written as a new service file or an
overlay. A real CodeCarbon run on this machine is ingested end to end; fixtures
(tests/data/measure/) carry hand-computed means and spreads.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
import yaml

from conftest import ROOT
from lca.cli import main
from lca.errors import InputError

DATA = ROOT / "tests" / "data" / "measure"
REFERENCE = ROOT / "inventories" / "services" / "chat-8b-h200.yaml"


def gsd(values) -> float:
    """exp of the sample standard deviation (ddof=1) of ln x."""
    return math.exp(float(np.std(np.log(np.asarray(values, dtype=float)), ddof=1)))


# --------------------------------------------------------------------------- readers + fit
# Hand calculations (Wh per request unless said otherwise):
# codecarbon-3runs.csv, --requests 100: 0.010, 0.012, 0.011 kWh -> 0.10, 0.12, 0.11 Wh;
#   mean 0.11; ln-sd 0.09118 -> gsd 1.09548; GPU-hours 60, 72, 66 s x 1 GPU / 100 ->
#   mean 66 / 3600 / 100 = 1.8333e-4 h.
# nvml-counter.csv (cumulative, 2 GPUs, 2 runs, one counter reset in run 2):
#   run 1: (7000-1000) + (6500-500) = 12000 J over 30 requests (first reading's 5 left out)
#   run 2: GPU 0: 2000 + 200 (reset) + 2200 = 4400 J, GPU 1: 6600 J -> 11000 J / 32 requests
#   -> 0.111111 and 0.095486 Wh: mean 0.1032986, gsd exp(|ln(400/343.75)| / sqrt 2) = 1.11311;
#   GPU-hours: 30 s x 2 / 30 and 30 s x 2 / 32 requests.
# nvml-interval.csv (intervals, 1 GPU, 1 run, 400 tokens): 1150 J / 400 tokens x 300 tokens
#   per request (the service's) = 862.5 J = 0.2395833 Wh; no spread (one run).
# mlenergy-summary.json: 166, 174, 170 J -> mean 170 J = 0.0472222 Wh, gsd 1.02381;
#   600 s / 3000 requests x 1 GPU = 5.5556e-5 h.
CASES = [
    ("codecarbon-3runs.csv", {"requests": 100}, 0.11, gsd([0.10, 0.12, 0.11]), 1.09548,
     66 / 3600 / 100),
    ("nvml-counter.csv", {}, (12000 / 30 + 11000 / 32) / 2 / 3600, gsd([400, 343.75]), 1.11311,
     (60 / 30 + 60 / 32) / 2 / 3600),
    ("nvml-interval.csv", {}, 1150 / 400 * 300 / 3600, None, None, 4 / 400 * 300 / 3600),
    ("mlenergy-summary.json", {}, 170 / 3600, gsd([166, 174, 170]), 1.02381, 0.2 / 3600),
]


@pytest.mark.parametrize("name, counts, mean, spread, spread_by_hand, gpu_hours", CASES)
def test_fixture_logs_give_the_hand_computed_mean_and_spread(name, counts, mean, spread,
                                                             spread_by_hand, gpu_hours):
    from lca.measure import read
    from lca.measure.fit import fit

    result = fit(read([DATA / name], **counts), tokens_per_request=300)
    params = {p["name"]: p for p in result.parameters}
    energy = params["inference_wh_per_request"]
    assert energy["amount"] == pytest.approx(mean, rel=1e-12)
    assert energy["unit"] == "Wh / request" and energy["source"] == result.source["id"]
    if spread is None:
        assert "uncertainty" not in energy
        assert any("one run only: no run-to-run spread is known" in w for w in result.warnings)
    else:
        assert energy["uncertainty"] == {"type": "lognormal", "gsd": pytest.approx(spread,
                                                                                   rel=1e-12)}
        assert spread == pytest.approx(spread_by_hand, abs=1e-5)
    assert params["inference_gpu_hours_per_request"]["amount"] == pytest.approx(gpu_hours,
                                                                                rel=1e-12)
    assert params["inference_energy_includes_pue"]["amount"] == 0
    assert result.source["kind"] == "measurement"
    assert name in result.source["citation"] and "sha256" in result.source["citation"]


def test_counter_detection_and_resets_are_reported():
    from lca.measure import read

    counter = read([DATA / "nvml-counter.csv"])
    assert counter.n == 2 and counter.gpus == 2
    assert counter.energy_kwh * 3.6e6 == pytest.approx([12000, 11000])
    assert any("cumulative counter" in n for n in counter.notes)
    assert any("1 counter reset(s) in run 2" in n for n in counter.notes)
    interval = read([DATA / "nvml-interval.csv"])
    assert any("energy of each interval" in n for n in interval.notes)
    assert interval.runs[0].tokens == 400 and interval.runs[0].duration_s == 4


def test_codecarbon_split_pue_and_per_token_summary(tmp_path):
    from lca.measure import read
    from lca.measure.fit import fit

    m = read([DATA / "codecarbon-3runs.csv"], requests=100)
    assert m.split_kwh() == pytest.approx({"gpu": 0.00825, "cpu": 0.0022, "ram": 0.00055})
    assert m.country == "FRA" and m.period == ("2026-11-20T10:01:00", "2026-11-20T10:05:00")
    result = fit(m)
    assert "GPU/CPU/RAM kWh: 0.00825 / 0.0022 / 0.00055" in result.parameters[0]["comment"]
    assert "mean of 3 run(s)" in result.parameters[0]["comment"]
    table = result.summary()
    assert "inference_wh_per_request" in table and "1.0955" in table and "GPU 0.00825" in table
    # a PUE CodeCarbon applied (its 'pue' column above 1): the energy is facility energy
    text = (DATA / "codecarbon-3runs.csv").read_text().replace("N,1.0,0.0", "N,1.2,0.0")
    (tmp_path / "pue.csv").write_text(text)
    with_pue = fit(read([tmp_path / "pue.csv"], requests=100))
    assert with_pue.parameters[1]["amount"] == 1
    assert any("includes the PUE its tool applied (1.2)" in w for w in with_pue.warnings)
    # ML.ENERGY per output token: 3.76 J x 300 tokens per request, 4 GPUs, one run
    tokens = fit(read([DATA / "mlenergy-tokens.json"]), tokens_per_request=300)
    assert tokens.parameters[0]["amount"] == pytest.approx(3.76 * 300 / 3600, rel=1e-12)
    assert any("no GPU-hours derived" in w for w in tokens.warnings)
    assert "energy per output token, kWh: GPU" in tokens.summary()


def test_training_stage_measures_the_campaign():
    from lca.measure import read
    from lca.measure.fit import fit

    result = fit(read([DATA / "codecarbon-3runs.csv"]), stage="training", includes_pue=True)
    params = {p["name"]: p for p in result.parameters}
    assert result.model == {"training": {"energy": "measured"}}
    assert params["training_energy_kwh"]["amount"] == pytest.approx(0.011, rel=1e-12)
    assert params["training_energy_kwh"]["unit"] == "kWh"
    assert params["training_energy_includes_pue"]["amount"] == 1
    assert params["training_gpu_hours"]["amount"] == pytest.approx(66 / 3600, rel=1e-12)


# --------------------------------------------------------------------------- errors
BAD = DATA / "bad"
ERRORS = [
    (BAD / "codecarbon-missing-column.csv", [],
     "codecarbon-missing-column.csv: dataset 'row 1': field 'energy_consumed': missing column "
     "energy_consumed for a CodeCarbon emissions.csv (expected at least: timestamp, duration, "
     "energy_consumed; found: timestamp, duration, cpu_energy)"),
    (BAD / "codecarbon-negative.csv", ["--requests", "10"],
     "codecarbon-negative.csv: dataset 'row 3': field 'energy_consumed': must be >= 0; got "
     "-0.002 (an energy cannot be negative)"),
    (BAD / "nvml-zero-requests.csv", [],
     "nvml-zero-requests.csv: dataset 'row 4': field 'requests': a run served 0 requests: "
     "energy per request is undefined"),
    (BAD / "unknown-format.txt", [],
     "unknown-format.txt: unknown log format: expected a CodeCarbon emissions.csv (column "
     "energy_consumed), an NVML/Zeus energy log (columns timestamp, gpu_index, energy_j) or an "
     "ML.ENERGY run summary (JSON); give --kind codecarbon, nvml or mlenergy"),
    (BAD / "empty.csv", [], "empty.csv: the log is empty: no header and no run"),
]


@pytest.mark.parametrize("log, extra, message", ERRORS, ids=[e[0].stem for e in ERRORS])
def test_bad_logs_exit_2_naming_file_row_and_column(tmp_path, capsys, log, extra, message):
    out = tmp_path / "new.yaml"
    code = main(["measure", str(log), "--service", str(REFERENCE), "--out", str(out), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.strip() == f"error: {log.parent}/{message}"
    assert not out.exists()


def test_options_are_checked(tmp_path):
    from lca.api import measure

    log = DATA / "codecarbon-3runs.csv"
    with pytest.raises(InputError, match="field '--out': give one of --out"):
        measure([log], REFERENCE, requests=1)
    with pytest.raises(InputError, match="field '--kind': unknown log format 'dcgm'"):
        measure([log], REFERENCE, kind="dcgm", out=tmp_path / "x.yaml")
    with pytest.raises(InputError, match="field '--requests'"):
        measure([log], REFERENCE, requests=0, out=tmp_path / "x.yaml")
    with pytest.raises(InputError, match="field 'requests': the logs count no requests or "
                                         "tokens: give --requests N or --tokens N"):
        measure([log], REFERENCE, out=tmp_path / "x.yaml")
    with pytest.raises(InputError, match="would overwrite the service file itself"):
        measure([log], tmp_path / "x.yaml", requests=1, out=tmp_path / "x.yaml")


# --------------------------------------------------------------------------- outputs
def test_out_and_overlay_are_the_same_service(tmp_path):
    """--out is the service with the overlay applied (one function, lca.measure.overlay)."""
    from lca.data.service import load_service
    from lca.measure.overlay import apply
    from lca.prepared import load_overlaid

    before = REFERENCE.read_bytes()
    log = str(DATA / "codecarbon-3runs.csv")
    out, layer = tmp_path / "measured.yaml", tmp_path / "overlay.yaml"
    for flag, path in (("--out", out), ("--overlay", layer)):
        assert main(["--quiet", "measure", log, "--service", str(REFERENCE), "--requests",
                     "100", flag, str(path)]) == 0
    assert REFERENCE.read_bytes() == before  # the input never changes
    overlay = yaml.safe_load(layer.read_text())
    assert overlay["format"] == "genai-lca/overlay@1" and set(overlay) == {
        "format", "id_suffix", "model", "parameters", "sources"}
    assert out.read_text() == apply(REFERENCE.read_text(), overlay)
    svc = load_service(out).file
    assert svc.service.id == "chat-8b-h200-measured"
    assert svc.model.inference.energy_model == "measured" and svc.model.inference.precision is None
    assert svc.sources[-1].kind == "measurement"
    assert svc.sources[-1].id == overlay["sources"][0]["id"]
    named = {p.name: p for p in svc.parameters}
    assert named["inference_wh_per_request"].amount == pytest.approx(0.11, rel=1e-12)
    assert named["inference_wh_per_request"].uncertainty.gsd == pytest.approx(1.09548, abs=1e-5)
    overlaid = load_overlaid(REFERENCE, (layer,)).file
    assert overlaid == svc  # the overlay in memory is the written file
    assert out.read_text().startswith("# Reference service")  # the header comment is kept


def test_overlay_is_part_of_the_content_digest(data_dir, tmp_path):
    from lca.prepared import prepare

    layer = tmp_path / "overlay.yaml"
    assert main(["--quiet", "measure", str(DATA / "mlenergy-summary.json"), "--service",
                 str(REFERENCE), "--overlay", str(layer)]) == 0
    plain = prepare(REFERENCE, data_dir=data_dir)
    overlaid = prepare(REFERENCE, data_dir=data_dir, overlays=[layer])
    assert plain.digest != overlaid.digest and overlaid.id == "chat-8b-h200-measured"
    with pytest.raises(InputError, match="overlay file not found"):
        prepare(REFERENCE, data_dir=data_dir, overlays=[tmp_path / "none.yaml"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: genai-lca/overlay@1\nparameters:\n  - {name: pue, amuont: 1.2}\n")
    with pytest.raises(InputError, match=r"\+ .*bad.yaml: .*amuont"):
        prepare(REFERENCE, data_dir=data_dir, overlays=[bad])._load()


# --------------------------------------------------------------------------- end to end
def codecarbon_runs(folder, runs: int = 3) -> list[dict]:
    """A few short CPU runs tracked by a real CodeCarbon tracker (its CPU fallback, a TDP
    estimate, on a machine without RAPL or GPU); the rows of emissions.csv."""
    from codecarbon import OfflineEmissionsTracker

    for i in range(runs):
        tracker = OfflineEmissionsTracker(country_iso_code="FRA", output_dir=str(folder),
                                          measure_power_secs=0.5, log_level="error",
                                          save_to_file=True, project_name="genai-lca-measure")
        tracker.start()
        x, n = 0.0, 150_000 * (i + 1)  # different lengths: a run-to-run spread
        for k in range(n):
            x += math.sqrt(k)
        tracker.stop()
    with open(folder / "emissions.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_a_real_codecarbon_run_ingested_end_to_end(project, tmp_path):
    from lca.api import assess, contributions

    rows = codecarbon_runs(tmp_path)
    assert len(rows) == 3
    per_request = [float(r["energy_consumed"]) / 50 for r in rows]  # kWh, 50 requests a run
    out = tmp_path / "measured.yaml"
    assert main(["--quiet", "measure", str(tmp_path / "emissions.csv"), "--service",
                 str(REFERENCE), "--requests", "50", "--gpus", "1", "--out", str(out)]) == 0
    result = assess(out, data_dir=project, cache=False)
    pue = {p["name"]: p for p in contributions(out, data_dir=project).parameters}["pue"]["amount"]
    expected = float(np.mean(per_request)) * pue  # facility kWh per request (IT x PUE)
    # Brightway stores exchange amounts as float32 (lca.bw.extract): the written amount is
    # the float32 of our figure, and the result equals it to 1e-9.
    assert result.energy_by_stage_kwh["inference"] == pytest.approx(
        float(np.float32(expected)), rel=1e-9)
    assert result.energy_by_stage_kwh["inference"] == pytest.approx(expected, rel=1e-7)
    svc = yaml.safe_load(out.read_text())
    energy = {p["name"]: p for p in svc["parameters"]}["inference_wh_per_request"]
    assert energy["uncertainty"]["gsd"] == pytest.approx(gsd(per_request), rel=1e-9)
    assert svc["sources"][-1]["kind"] == "measurement"
    assert "emissions.csv" in svc["sources"][-1]["citation"]
    # the same log as facility energy (--includes-pue), as an overlay: no PUE on top
    layer = tmp_path / "overlay.yaml"
    assert main(["--quiet", "measure", str(tmp_path / "emissions.csv"), "--service",
                 str(REFERENCE), "--requests", "50", "--gpus", "1", "--includes-pue",
                 "--overlay", str(layer)]) == 0
    layer.write_text(layer.read_text().replace("id_suffix: -measured", "id_suffix: -facility"))
    capsys_free = tmp_path / "assess.json"
    assert main(["--quiet", "--data-dir", str(project), "--no-cache", "assess", str(REFERENCE),
                 "--overlay", str(layer), "--format", "json", "--out", str(capsys_free)]) == 0
    import json

    facility = json.loads(capsys_free.read_text())
    assert facility["service"] == "chat-8b-h200-facility"
    assert facility["energy_kwh"]["by_stage"]["inference"] == pytest.approx(
        float(np.float32(np.mean(per_request))), rel=1e-7)


def test_the_overlay_monte_carlo_spread_is_the_measured_spread(project, tmp_path):
    """4,000 samples of the inference energy through the overlay: their geometric standard
    deviation is the measured one (1.0955, codecarbon-3runs.csv) within 5 % of ln(gsd)
    (its standard error at n = 4,000 is 1.1 %); the median is the measured mean x PUE."""
    from lca.prepared import prepare

    layer = tmp_path / "overlay.yaml"
    assert main(["--quiet", "measure", str(DATA / "codecarbon-3runs.csv"), "--service",
                 str(REFERENCE), "--requests", "100", "--overlay", str(layer)]) == 0
    svc = prepare(REFERENCE, data_dir=project, overlays=[layer], cache=False)
    result = svc.uncertainty(4000, seed=7)
    x = result.by_stage[:, result.stages.index("inference"), result.indicators.index("energy_kwh")]
    measured = gsd([0.10, 0.12, 0.11])
    assert math.log(gsd(x)) == pytest.approx(math.log(measured), rel=0.05)
    pue = {p["name"]: p for p in svc.contributions().parameters}["pue"]["amount"]
    assert float(np.median(x)) == pytest.approx(0.11 / 1000 * pue, rel=0.01)
    assert main(["--quiet", "--data-dir", str(project), "uncertainty", str(REFERENCE),
                 "--overlay", str(layer), "-n", "50", "--seed", "1"]) == 0
    assert main(["--quiet", "--data-dir", str(project), "sensitivity", str(REFERENCE),
                 "--overlay", str(layer), "--params", "inference_wh_per_request"]) == 0
