"""The roofline serving model (lca/model/serving.py, issue 13): checked against published
and measured inference energy (lca/data/measured_energy.py) with stated tolerances, the
compute floor worked by hand, and the written Brightway service against the same formulas.

The model is not fitted to these points: its factors are defaults (serving.FACTORS) with
sources of their own; ``overhead_activity`` is the one calibrated on our H200 (its batch-1
board power), so the H200 checks at the other batches are the independent ones.
"""

from __future__ import annotations


import numpy as np
import pytest

from conftest import ROOT, run_cli
from lca.data import measured_energy as M
from lca.data.hardware import catalogue_accelerator
from lca.model import serving

TWO_X = 2.0  # issue 13: within 2x of each published point


def _inputs(model: str, accelerator: str, gpus: int, output_tokens: float, **extra) -> dict:
    return (dict(M.MODELS[model]) | serving.accelerator_inputs(catalogue_accelerator(accelerator))
            | {"gpus_per_replica": float(gpus), "input_tokens_per_request": M.CHAT_INPUT_TOKENS,
               "output_tokens_per_request": output_tokens, "batch": 1.0} | extra)


def _memory_limit(values: dict) -> float:
    return float(serving.evaluate(values)["max_batch"])


@pytest.mark.parametrize("point", M.POINTS, ids=lambda p: f"{p.model}-{p.gpus}x{p.accelerator}"
                         f"-b{p.batch or 'best'}")
def test_published_gpu_energy_per_token_within_2x(point):
    """ML.ENERGY v3 (vLLM, GPU energy per output token, prefill included): at batch 8 and
    at the best configuration. The best is taken at the memory limit (energy per token
    falls with batch, test below); a batch above the limit is checked at the limit."""
    v = _inputs(point.model, point.accelerator, point.gpus, point.output_tokens)
    limit = _memory_limit(v)
    batch = min(point.batch or limit, limit)
    modelled = float(serving.evaluate(v | {"batch": batch})["gpu_j_per_output_token"])
    ratio = modelled / point.j_per_token
    assert 1 / TWO_X <= ratio <= TWO_X, (point, batch, modelled)


@pytest.mark.parametrize("input_tokens", [100.0, 500.0])
def test_published_points_hold_over_the_unknown_prompt_length(input_tokens):
    """The leaderboard's prompt length is an assumption (200 tokens): 100 and 500 keep
    every point within 2x too."""
    for p in M.POINTS:
        v = _inputs(p.model, p.accelerator, p.gpus, p.output_tokens,
                    input_tokens_per_request=input_tokens)
        batch = min(p.batch or _memory_limit(v), _memory_limit(v))
        ratio = float(serving.evaluate(v | {"batch": batch})["gpu_j_per_output_token"]) \
            / p.j_per_token
        assert 1 / TWO_X <= ratio <= TWO_X, (p, input_tokens, ratio)


@pytest.mark.parametrize("model,accelerator,gpus", [
    ("llama-3.1-8b", "nvidia-h100-sxm-80gb", 1), ("llama-3.1-70b", "nvidia-h100-sxm-80gb", 4),
    ("llama-3.1-70b", "nvidia-b200-180gb", 2), ("llama-3.1-405b", "nvidia-b200-180gb", 8)])
def test_energy_per_token_falls_with_batch_to_the_memory_limit(model, accelerator, gpus):
    v = _inputs(model, accelerator, gpus, 370.0)
    batches = np.geomspace(1, _memory_limit(v), 60)
    r = serving.evaluate(v | {"batch": batches})
    j = r["gpu_j_per_output_token"]
    assert np.all(np.diff(j) < 0)
    assert j[0] / j[-1] > 10  # two orders of magnitude between batch 1 and the limit
    power = r["gpu_power_serving_w"]
    assert np.all(power <= v["gpu_tdp_w"] + 1e-9) and np.all(power >= v["gpu_idle_w"])
    assert power[-1] > power[0] + 100  # the GPU power line moves with batch
    assert np.all(r["memory_fill"] <= 1 + 1e-9)


def test_h200_eager_decode_within_2x_at_each_measured_batch():
    """Our H200 measurements (manual KV-cache loop, eager, ~1,024 tokens of context):
    decode energy per token, GPU board only, at batch 1, 16, 64 and 256."""
    batches = np.array(sorted(M.H200_DECODE_WH_PER_1000), dtype=float)
    v = (dict(M.MODELS["llama-3.1-8b"])
         | serving.accelerator_inputs(catalogue_accelerator("nvidia-h200-sxm-141gb"))
         | {"gpus_per_replica": 1.0, "batch": batches, "decode_step_overhead_s":
            M.EAGER_STEP_OVERHEAD_S, "input_tokens_per_request": M.H200_CONTEXT_TOKENS,
            "output_tokens_per_request": 1.0, "mean_context_tokens": M.H200_CONTEXT_TOKENS})
    r = serving.evaluate(v)
    power = r["gpu_idle_w"] + (r["gpu_tdp_w"] - r["gpu_idle_w"]) * r["decode_activity"]
    modelled = power * r["decode_step_s"] / batches
    measured = np.array([M.H200_DECODE_WH_PER_1000[int(b)] * 3.6 for b in batches])
    ratio = modelled / measured
    assert np.all((ratio >= 1 / TWO_X) & (ratio <= TWO_X)), ratio
    assert np.all(np.diff(modelled) < 0)
    # the measured step is ~59 ms flat (launch-bound) and power 155 -> 314 W
    assert np.all(np.abs(r["decode_step_s"] - 0.059) < 0.015)
    assert 120 < power[0] < 200 and 250 < power[-1] < 400


def test_compute_floor_is_2n_flops_at_the_achieved_compute():
    """At a very large batch, without overheads, prefill or communication, decode energy per
    token approaches 2N FLOPs / (peak x achieved fraction) at full board power, by hand."""
    acc = catalogue_accelerator("nvidia-h100-sxm-80gb")
    v = _inputs("llama-3.1-8b", "nvidia-h100-sxm-80gb", 1, 100.0, input_tokens_per_request=0.0,
                batch=1e6, decode_step_overhead_s=0.0, sequence_overhead_s=0.0,
                mean_context_tokens=1.0, tp_overhead=0.0)
    r = serving.evaluate(v)
    floor = 2 * 8.03e9 / (acc["fp16_dense_tflops"] * 1e12 * 0.5) * acc["tdp_w"]
    assert float(r["gpu_j_per_output_token"]) == pytest.approx(floor, rel=1e-3)
    assert float(r["decode_activity"]) == 1.0


def test_mixture_of_experts_reads_the_experts_the_batch_touches():
    v = _inputs("llama-3.1-8b", "nvidia-h100-sxm-80gb", 1, 100.0, total_parameters=46.7e9,
                active_parameters=12.9e9, gpus_per_replica=2.0)
    r = serving.evaluate(v | {"batch": np.array([1.0, 8.0, 1000.0])})
    touched = r["touched_parameters"]
    assert touched[0] == pytest.approx(12.9e9)
    assert touched[1] == pytest.approx(46.7e9 * (1 - (1 - 12.9 / 46.7) ** 8))
    assert touched[2] == pytest.approx(46.7e9)


def test_replica_size_is_the_power_of_two_that_holds_weights_and_cache():
    v = _inputs("llama-3.1-70b", "nvidia-h100-sxm-80gb", 1, 400.0)
    del v["gpus_per_replica"]
    r = serving.evaluate(v | {"batch": np.array([1.0, 64.0, 2000.0])})
    # 141 GB of bf16 weights on 72 GB usable per GPU: 2 GPUs; the KV cache adds more
    assert r["gpus_per_replica"].tolist() == [2.0, 4.0, 8.0]
    assert np.all(r["memory_fill"] <= 1)


def test_flux_image_energy_within_2x():
    """FLUX.1-dev, 1024x1024, 50 steps on 1x B200: 6.7 kJ per image (ML.ENERGY v3)."""
    v = dict(M.FLUX) | serving.accelerator_inputs(catalogue_accelerator("nvidia-b200-180gb")) \
        | {"gpus_per_replica": 1.0, "batch": np.array([1.0, 4.0, 16.0])}
    j = serving.evaluate(v, kind="image")["gpu_j_per_image"]
    ratio = j / M.FLUX_B200_J_PER_IMAGE
    assert np.all((ratio >= 1 / TWO_X) & (ratio <= TWO_X)), ratio
    assert np.all(np.diff(j) <= 0)  # batching never costs more per image


# ------------------------------------------------------------------ the written service
def test_written_service_carries_the_same_formulas(data_dir):
    """chat-8b-h200 as Brightway writes it: its parameters evaluate to what
    serving.evaluate gives for the same inputs, and the result reports them."""
    from lca.api import prepare

    service = prepare(ROOT / "inventories/services/chat-8b-h200.yaml", data_dir=data_dir)
    result = service.assess("1k-output-tokens")
    acc = catalogue_accelerator("nvidia-h200-sxm-141gb")
    direct = serving.evaluate(dict(M.MODELS["llama-3.1-8b"]) | serving.accelerator_inputs(acc)
                              | {"batch": 32.0, "input_tokens_per_request": 500.0,
                                 "output_tokens_per_request": 300.0, "host_idle_w": 1150.0,
                                 "host_peak_w": 2300.0, "gpus_per_server": 8.0})
    for key, value in result.serving.items():
        assert value == pytest.approx(float(direct[key]), rel=1e-12), key
    kwh = float(direct["replica_hours_per_request"]) * (
        float(direct["gpu_power_serving_w"]) + float(direct["host_power_w"]) / 8) / 1000
    pue = 1.1  # the datacentre record's
    assert result.energy_by_stage_kwh["inference"] == pytest.approx(
        kwh * pue * 1000 / 300, rel=1e-6)  # grid energy of the inference stage per 1k tokens
    assert result.functional_unit["output_tokens"] == 1000
    assert result.functional_unit["reasoning_tokens"] == 0


def _variant(tmp_path, name, replace):
    text = (ROOT / "inventories/services/chat-8b-h200.yaml").read_text()
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("id: chat-8b-h200", f"id: {name}"))
    return path


def test_reasoning_tokens_and_agent_task_units(data_dir, tmp_path):
    """Reasoning tokens decode like output (energy per token equal) but are reported apart;
    per agent task = calls per task x one request of every class."""
    path = _variant(tmp_path, "reasoning-agent", [(
        "  - {name: batch,",
        "  - {name: reasoning_tokens_per_request, amount: 900, unit: token / request, source: "
        "genai-lca-reference-serving-assumptions}\n"
        "  - {name: cached_input_tokens_per_request, amount: 400, unit: token / request, "
        "source: genai-lca-reference-serving-assumptions}\n"
        "  - {name: calls_per_task, amount: 12, unit: request, source: "
        "genai-lca-reference-serving-assumptions}\n  - {name: batch,")])
    from lca.api import prepare

    service = prepare(path, data_dir=data_dir)
    out = {fu: service.assess(fu).to_dict()
           for fu in ("request", "1k-output-tokens", "1k-generated-tokens", "agent-task")}
    gwp = {fu: d["indicators"]["climate_change"]["total"] for fu, d in out.items()}
    assert gwp["agent-task"] == pytest.approx(12 * gwp["request"], rel=1e-12)
    assert gwp["1k-output-tokens"] == pytest.approx(1000 / 300 * gwp["request"], rel=1e-12)
    assert gwp["1k-generated-tokens"] == pytest.approx(1000 / 1200 * gwp["request"], rel=1e-12)
    fu = out["agent-task"]["functional_unit"]
    assert (fu["input_tokens"], fu["cached_input_tokens"], fu["output_tokens"],
            fu["reasoning_tokens"]) == (6000, 4800, 3600, 10800)
    s = out["request"]["serving"]
    assert s["decode_j_per_token"] > s["prefill_j_per_token"] > 0
    assert "reasoning tokens excluded" in out["1k-output-tokens"]["functional_unit"]["name"]


CONTRADICTIONS = [  # (replacements in chat-8b-h200.yaml, the message expected)
    ([("name: batch, amount: 32,", "name: batch, amount: 5000,"),
      ("minimum: 4, maximum: 256", "minimum: 4000, maximum: 6000"),
      ("  - {name: batch,", "  - {name: gpus_per_replica, amount: 1, unit: unit, source: x}\n"
       "  - {name: batch,")],
     "parameter 'memory_fill' must be in (0, 1]"),
    ([("  - {name: batch,", "  - {name: gpus_per_replica, amount: 1, unit: unit, source: x}\n"
       "  - {name: batch,"), ("amount: 8.03e+9", "amount: 200e+9")],
     "parameter 'memory_fill' must be in (0, 1]"),
    ([("  - {name: batch,", "  - {name: cached_input_tokens_per_request, amount: 900, "
       "unit: token / request, source: x}\n  - {name: batch,")],
     "parameter 'prefill_tokens_per_request' must be >= 0"),
    ([("  - {name: batch,", "  - {name: active_parameters, amount: 9e+9, unit: dimensionless, "
       "source: x}\n  - {name: batch,")],
     "parameter 'active_share' must be in (0, 1]"),
    ([("{name: head_dim, amount: 128, unit: dimensionless, source: llama3-architecture-2024}",
       "{name: head_dimension, amount: 128, unit: dimensionless, source: x}")],
     "parameter 'head_dim' is required"),
]


def test_contradictory_serving_inputs_exit_2(data_dir, tmp_path):
    """One validate run over five broken services: each refused at the parameter that
    says what is wrong (a batch that does not fit, cached input above input, active
    parameters above total, a missing architecture field)."""
    paths = [_variant(tmp_path, f"broken-serving-{i}", replace)
             for i, (replace, _) in enumerate(CONTRADICTIONS)]
    proc = run_cli("--data-dir", str(data_dir), "validate", *map(str, paths))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    for path, (_, message) in zip(paths, CONTRADICTIONS):
        assert any(str(path) in line and message in line for line in lines), (message, lines)


def test_sobol_ranks_batch_and_bandwidth_fraction(data_dir):
    """Sobol on the roofline service: batch and the achieved bandwidth share are among the
    parameters that drive the inference stage's climate change per 1k output tokens."""
    from lca.api import prepare

    service = prepare(ROOT / "inventories/services/chat-8b-h200.yaml", data_dir=data_dir)
    table = service.sensitivity("sobol", samples=256, seed=7, fu="1k-output-tokens")
    gwp = table[(table["indicator"] == "climate_change")].sort_values("ST", ascending=False)
    top = gwp["parameter"].tolist()[:4]
    assert "batch" in top[:2] and "bandwidth_fraction" in top, gwp.head(8)


def test_image_service_energy_is_the_denoising_steps(data_dir):
    """inventories/examples/image-flux-b200.yaml through Brightway: grid energy per image =
    (GPU energy + host share over the same time) x PUE, from the model's own figures."""
    from lca.api import prepare

    result = prepare(ROOT / "inventories/examples/image-flux-b200.yaml",
                     data_dir=data_dir).assess("image")
    s = result.serving
    seconds = 50 * s["decode_step_s"] / s["batch"]
    assert s["gpu_j_per_image"] == pytest.approx(seconds * s["gpu_power_serving_w"], rel=1e-12)
    host_j = seconds * s["host_power_w"] / 8
    assert result.energy_by_stage_kwh["inference"] == pytest.approx(
        (s["gpu_j_per_image"] + host_j) / 3.6e6 * 1.1, rel=1e-6)
    ratio = s["gpu_j_per_image"] / M.FLUX_B200_J_PER_IMAGE
    assert 1 / TWO_X <= ratio <= TWO_X
