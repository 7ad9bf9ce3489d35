"""The service model's formulas, checked against values derived by hand (no Brightway).

Each test builds a service with :func:`lca.model.genai.generate` from a hand-made
:class:`~lca.data.inventory.Known` (the background as the resolver would see it), evaluates
the generated parameters and exchange formulas with :func:`lca.formula.evaluate_all`, and
compares with the arithmetic written in its comments (docs/DESIGN.md section 4).
"""

from __future__ import annotations

import pytest

from lca.data.inventory import Known
from lca.data.schema import Parameter
from lca.data.service import ServiceModel
from lca.formula import Formula, evaluate_all
from lca.model.genai import generate

DB = "genai-service-test"
ACC = ("genai-hardware", "accelerator-h100")
SERVER = ("genai-hardware", "server-hgx-h100")
DC = ("genai-datacenter", "datacenter-test")
GRID = ("genai-electricity", "electricity-USA")
INFRA = ("genai-datacenter", "datacenter-infrastructure-test")


def known() -> Known:
    """The background records the services below name, with the figures the model may take
    as defaults (TDP, PUE, WUE, GPUs per server, host power, peak TFLOPS, masses)."""
    props = {ACC: {"tdp_w": 700.0, "fp16_dense_tflops": 989.0, "mass_kg": 1.7},
             SERVER: {"accelerators_per_node": 8.0, "nongpu_peak_w": 1600.0,
                      "host_mass_kg": 100.0},
             DC: {"pue": 1.3, "wue_l_per_kwh": 1.8, "infrastructure": INFRA[1]},
             GRID: {"energy": "grid electricity", "basis": "location-based"}}
    units = {ACC: "unit", SERVER: "unit", DC: "kilowatt hour", GRID: "kilowatt hour",
             INFRA: "megawatt year",
             ("genai-hardware", "end-of-life-it-equipment"): "kilogram"}
    return Known(units=units, databases={k[0] for k in units}, properties=props,
                 sources={k: "test-source" for k in props})


def p(name: str, amount: float, unit: str = "dimensionless") -> Parameter:
    return Parameter(name=name, amount=amount, unit=unit, source="test-source")


#: One site for every service: PUE 1.2, WUE 0.5 L/kWh, 5-year hardware used 50 % of the
#: time, 8 GPUs per server, datacentre at 50 % load; 1e6 requests/day for 2 years.
SITE = [p("pue", 1.2), p("wue_l_per_kwh", 0.5, "L / kWh"), p("dc_load_factor", 0.5),
        p("hardware_lifetime_years", 5, "year"), p("hardware_utilisation", 0.5),
        p("gpus_per_server", 8, "unit"), p("requests_per_day", 1e6, "request / day"),
        p("deployment_years", 2, "year"), p("accelerator_mass_kg", 1.7, "kg"),
        p("host_mass_kg", 100, "kg")]
#: Serving: 8 GPUs at 700 W per replica, host 1,600 W per 8-GPU server.
SERVING = [p("gpus_per_replica", 8, "unit"), p("gpu_power_serving_w", 700, "W"),
           p("host_power_w", 1600, "W")]


def model(energy_model: str = "throughput", *, training: str | None = None,
          allocation: str = "requests", boundary: dict | None = None) -> ServiceModel:
    spec = {"hardware": {"accelerator": "h100", "server": "hgx-h100", "datacenter": "test"},
            "electricity": {"location": "USA"}, "allocation": {"training": allocation},
            "inference": {"energy_model": energy_model}}
    if training:
        spec["training"] = {"energy": training}
    if boundary:
        spec["boundary"] = boundary
    return ServiceModel.model_validate(spec)


def build(spec: ServiceModel, params: list[Parameter], kind: str = "llm"):
    gen = generate(DB, kind, spec, params, known(), "test.yaml")
    values = evaluate_all({q.name: q.formula if q.formula is not None else q.amount
                           for f in gen.files if f.database == DB for q in f.parameters})
    return gen, values


def amount(gen, values, code: str, *, to: str | None = None, flow: str | None = None,
           categories: tuple[str, ...] | None = None) -> float:
    """The evaluated amount of the one exchange of activity ``code`` to ``to`` (an input)
    or to biosphere ``flow`` (with ``categories``)."""
    (act,) = [a for f in gen.files for a in f.activities if a.code == code]
    hits = [e for e in act.exchanges
            if (to is not None and e.input == to)
            or (flow is not None and e.flow == flow
                and (categories is None or tuple(e.categories) == categories))]
    assert len(hits) == 1, [e.model_dump(exclude_none=True) for e in act.exchanges]
    e = hits[0]
    return float(e.amount if e.formula is None else Formula(e.formula).evaluate(values))


THROUGHPUT = [p("output_tokens_per_request", 500, "token / request"),
              p("replica_output_tokens_per_s", 1000, "token / second")]


# ------------------------------------------------------------------ inference energy
def test_throughput_model_it_kwh_per_request():
    gen, v = build(model("throughput"), SITE + SERVING + THROUGHPUT)
    # replica time = 500 tokens / 1,000 tokens/s = 0.5 s = 1/7,200 h
    assert v["replica_hours_per_request"] == pytest.approx(1 / 7200, rel=1e-12)
    # IT = 1/7,200 h x (8 x 700 W + 8/8 x 1,600 W) / 1,000 = 7.2 kW / 7,200 = 0.001 kWh
    assert v["inference_it_kwh_per_request"] == pytest.approx(0.001, rel=1e-12)
    # GPU time = 8 GPUs x 1/7,200 h = 1/900 GPU-hour
    assert v["inference_gpu_hours_per_request"] == pytest.approx(1 / 900, rel=1e-12)
    # facility energy on the grid = 0.001 x PUE 1.2 = 0.0012 kWh
    assert amount(gen, v, "inference-electricity", to=f"{GRID[0]}/{GRID[1]}") == \
        pytest.approx(0.0012, rel=1e-12)


def test_throughput_model_from_replica_seconds():
    params = SITE + SERVING + [p("replica_seconds_per_request", 1.8, "second / request")]
    _, v = build(model("throughput"), params)
    # 1.8 s = 0.0005 h; IT = 0.0005 h x 7.2 kW = 0.0036 kWh
    assert v["replica_hours_per_request"] == pytest.approx(0.0005, rel=1e-12)
    assert v["inference_it_kwh_per_request"] == pytest.approx(0.0036, rel=1e-12)


def test_compute_model_it_kwh_per_request():
    params = SITE + SERVING + [
        p("active_parameters", 7e10), p("input_tokens_per_request", 1000, "token / request"),
        p("output_tokens_per_request", 500, "token / request"), p("mfu_prefill", 0.5),
        p("mfu_decode", 0.05), p("peak_tflops", 1000, "TFLOPS")]
    _, v = build(model("compute"), params)
    # FLOP-time = 2 x 7e10 x (1,000 / 0.5 + 500 / 0.05) / (1,000e12 FLOP/s x 8 GPUs)
    #           = 1.4e11 x 12,000 / 8e15 = 0.21 s = 0.21 / 3,600 h
    assert v["replica_hours_per_request"] == pytest.approx(0.21 / 3600, rel=1e-12)
    # IT = 0.21 / 3,600 h x 7.2 kW = 4.2e-4 kWh
    assert v["inference_it_kwh_per_request"] == pytest.approx(4.2e-4, rel=1e-12)


def test_compute_model_takes_peak_tflops_from_the_accelerator():
    params = SITE + SERVING + [
        p("active_parameters", 7e10), p("input_tokens_per_request", 1000, "token / request"),
        p("output_tokens_per_request", 500, "token / request"), p("mfu_prefill", 0.5),
        p("mfu_decode", 0.05)]
    gen, v = build(model("compute"), params)
    # 989 TFLOPS (the accelerator record's fp16_dense_tflops): 0.21 s x 1,000 / 989
    assert v["peak_tflops"] == 989.0
    assert v["replica_hours_per_request"] == pytest.approx(0.21 * 1000 / 989 / 3600, rel=1e-12)
    assert "default-peak_tflops" in {w["code"] for w in gen.warnings}


# ------------------------------------------------------------------ PUE semantics
@pytest.mark.parametrize("includes, it_kwh, facility_kwh", [
    # 3.6 Wh measured as facility energy: IT = 3.6 / 1,000 / 1.2 = 0.003 kWh; the grid
    # gets 0.003 x 1.2 = 0.0036 kWh, the measured figure itself (PUE applied once)
    (1, 0.003, 0.0036),
    # 3.6 Wh measured as IT energy: the grid gets 0.0036 x 1.2 = 0.00432 kWh
    (0, 0.0036, 0.00432),
])
def test_measured_inference_applies_pue_once(includes, it_kwh, facility_kwh):
    params = SITE + [p("inference_wh_per_request", 3.6, "Wh / request"),
                     p("inference_energy_includes_pue", includes),
                     p("inference_gpu_hours_per_request", 0.001, "hour / request")]
    gen, v = build(model("measured"), params)
    assert v["inference_it_kwh_per_request"] == pytest.approx(it_kwh, rel=1e-12)
    assert amount(gen, v, "inference-electricity", to=f"{GRID[0]}/{GRID[1]}") == \
        pytest.approx(facility_kwh, rel=1e-12)


@pytest.mark.parametrize("includes, it_kwh", [
    # 1e6 GPU-h x 1.5 (experiments) x 700 W / 1,000 = 1.05e6 kWh of facility energy:
    # IT = 1.05e6 / 1.2 = 875,000 kWh, and the grid gets 1.05e6 kWh back
    (1, 875_000.0),
    # the same as IT power: 1.05e6 kWh IT, 1.26e6 kWh on the grid
    (0, 1_050_000.0),
])
def test_training_power_applies_pue_once(includes, it_kwh):
    params = SITE + SERVING + THROUGHPUT + [
        p("training_gpu_hours", 1e6, "hour"), p("training_gpu_power_w", 700, "W"),
        p("training_power_includes_pue", includes), p("training_experiments", 1.5)]
    gen, v = build(model("throughput", training="gpu-hours"), params)
    assert v["training_it_kwh"] == pytest.approx(it_kwh, rel=1e-12)
    assert amount(gen, v, "training-dynamic", to=f"{GRID[0]}/{GRID[1]}") == \
        pytest.approx(it_kwh * 1.2, rel=1e-12)
    # GPU time for the embodied share counts the experiments: 1.5e6 GPU-hours
    assert v["training_gpu_hours_total"] == pytest.approx(1.5e6, rel=1e-12)


def test_no_pue_boundary_means_facility_equals_it():
    gen, v = build(model("throughput", boundary={"pue": False}),
                   [q for q in SITE if q.name != "pue"] + SERVING + THROUGHPUT)
    assert v["pue"] == 1.0
    assert amount(gen, v, "inference-electricity", to=f"{GRID[0]}/{GRID[1]}") == \
        pytest.approx(0.001, rel=1e-12)


def test_pue_and_wue_default_to_the_datacenter_record():
    params = [q for q in SITE if q.name not in ("pue", "wue_l_per_kwh")]
    gen, v = build(model("throughput"), params + SERVING + THROUGHPUT)
    # PUE 1.3 and WUE 1.8 L/kWh from datacenter-test: grid 0.001 x 1.3; water 0.001 x 1.8
    assert (v["pue"], v["wue_l_per_kwh"]) == (1.3, 1.8)
    assert amount(gen, v, "inference-electricity", to=f"{GRID[0]}/{GRID[1]}") == \
        pytest.approx(0.0013, rel=1e-12)
    assert amount(gen, v, "inference-onsite-water", flow="Water", categories=("air",)) == \
        pytest.approx(0.0018, rel=1e-12)
    assert {"default-pue", "default-wue_l_per_kwh"} <= {w["code"] for w in gen.warnings}


# ------------------------------------------------------------------ water
def test_onsite_water_is_wue_times_it_energy():
    gen, v = build(model("throughput"), SITE + SERVING + THROUGHPUT)
    # WUE 0.5 L/kWh x 0.001 kWh of IT energy (not facility energy) = 0.0005 L, evaporated
    # and withdrawn alike
    assert amount(gen, v, "inference-onsite-water", flow="Water", categories=("air",)) == \
        pytest.approx(0.0005, rel=1e-12)
    assert amount(gen, v, "inference-onsite-water",
                  flow="Water, cooling, unspecified natural origin") == \
        pytest.approx(0.0005, rel=1e-12)


# ------------------------------------------------------------------ embodied hardware
def test_embodied_time_share_and_servers_by_gpus_per_server():
    gen, v = build(model("throughput"), SITE + SERVING + THROUGHPUT)
    # hours of use in a life = 5 years x 8,760 h x 0.5 = 21,900 h
    assert v["hardware_use_hours"] == pytest.approx(21_900, rel=1e-12)
    # accelerators per request = 1/900 GPU-h / 21,900 h = 5.0736e-8
    assert amount(gen, v, "inference-hardware", to=f"{ACC[0]}/{ACC[1]}") == \
        pytest.approx(1 / 900 / 21_900, rel=1e-12)
    # servers per request = the same / 8 GPUs per server
    assert amount(gen, v, "inference-hardware", to=f"{SERVER[0]}/{SERVER[1]}") == \
        pytest.approx(1 / 900 / 8 / 21_900, rel=1e-12)
    # end of life: (1.7 kg + 100 kg / 8) per GPU-life share = 14.2 kg x 1/900 / 21,900
    assert amount(gen, v, "inference-hardware", to="hardware-end-of-life") == \
        pytest.approx(14.2 / 900 / 21_900, rel=1e-12)


# ------------------------------------------------------------------ training amortisation
TRAINING = [p("training_gpu_hours", 1e6, "hour"), p("training_gpu_power_w", 700, "W")]


@pytest.mark.parametrize("rule, extra, per_request", [
    # requests: 1 / (1e6 requests/day x 365 x 2 years) = 1 / 7.3e8
    ("requests", [], 1 / 7.3e8),
    # tokens: 500 output tokens per request / 1e12 tokens the model serves = 5e-10
    ("tokens", [p("training_amortisation_tokens", 1e12, "token")], 5e-10),
    # share: 25 % of the campaign over this service's 7.3e8 requests
    ("share", [p("training_share", 0.25)], 0.25 / 7.3e8),
])
def test_training_amortisation_per_request(rule, extra, per_request):
    gen, v = build(model("throughput", training="gpu-hours", allocation=rule),
                   SITE + SERVING + THROUGHPUT + TRAINING + extra)
    assert v["requests_served"] == pytest.approx(7.3e8, rel=1e-12)
    assert amount(gen, v, "request", to="training") == pytest.approx(per_request, rel=1e-12)


# ------------------------------------------------------------------ datacentre infrastructure
def test_datacenter_infrastructure_mw_year_per_kwh():
    gen, v = build(model("throughput"), SITE + SERVING + THROUGHPUT)
    # 1 kWh of IT energy holds 1 / (1,000 kW/MW x 8,760 h x 0.5 load) = 2.2831e-7 MW-year
    assert amount(gen, v, "datacenter-share", to=f"{INFRA[0]}/{INFRA[1]}") == \
        pytest.approx(1 / (1000 * 8760 * 0.5), rel=1e-12)
    # a request draws its IT energy's worth: 0.001 kWh
    assert amount(gen, v, "request", to="datacenter-share") == pytest.approx(0.001, rel=1e-12)


# ------------------------------------------------------------------ functional units
def test_functional_units_of_a_language_model():
    gen, v = build(model("throughput"), SITE + SERVING + THROUGHPUT)
    fus = {fu["id"]: float(Formula(fu["amount"]).evaluate(v)) for fu in gen.functional_units}
    # 1,000 output tokens = 1,000 / 500 = 2 requests; a service-year = 1e6 x 365 requests
    assert fus == pytest.approx({"request": 1.0, "1k-output-tokens": 2.0,
                                 "service-year": 3.65e8, "whole-service": 7.3e8}, rel=1e-12)


def test_no_brightway_needed():
    """Services build and evaluate without Brightway: two of the tests above, run in a fresh
    interpreter (this session may have imported bw2data for other tests), leave no
    bw2data, bw2calc or bw2io in ``sys.modules``."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys, runpy\n"
            "ns = runpy.run_path('tests/test_model_formulas.py')\n"
            "ns['test_throughput_model_it_kwh_per_request']()\n"
            "ns['test_embodied_time_share_and_servers_by_gpus_per_server']()\n"
            "bw = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('bw2data', 'bw2calc', 'bw2io', 'bw_processing'))\n"
            "assert not bw, bw\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
