"""The roofline serving model: inference time and power from the model, the hardware and
the batch (``inference: {energy_model: roofline}``; docs/DESIGN.md, "Inference energy").

Every quantity is a Brightway parameter with a formula (:data:`DERIVED`), so Monte Carlo,
Sobol and sweeps see batch, precision and bandwidth fraction. The physics, per replica of
``gpus_per_replica`` GPUs serving ``batch`` sequences at once:

- **memory**: weights (``total_parameters x bytes_per_weight``) plus the KV cache
  (``batch x mean_context_tokens x kv_bytes_per_token``) must fit in
  ``gpus x accelerator_memory_gb x memory_usable_fraction``; the replica size is the
  smallest power of two of GPUs that holds them, unless the service gives it;
- **prefill** is compute-bound: ``2 x active_parameters`` FLOPs per uncached input token
  at ``mfu_prefill`` of peak, at full board power (measured: 690 W of 700 W on an H200,
  genai-lca-h200-measured-2026);
- **a decode step** (one token for each of the ``batch`` sequences) takes
  ``max(bytes moved / achieved bandwidth, FLOPs / achieved compute) x (1 + tensor-parallel
  share) + per-step overhead + per-sequence overhead x batch``. Bytes moved = the weights the batch touches (a mixture of
  experts: ``total x (1 - (1 - active/total)^batch)``, experts drawn independently) + the KV
  cache read;
- **GPU power** = idle + (TDP - idle) x activity, never above TDP; activity = the step's
  compute-busy share + ``memory_activity`` x its memory-busy share + ``overhead_activity``
  x the rest (launches, communication), capped at 1;
- **host power** (CPUs, memory, fans of the server, per server) = idle + (peak - idle) x
  the same activity, not its peak;
- **time per request** = prefill time + (output + reasoning tokens) x step time / batch,
  the replica's time a request holds; the model's IT energy per request is that time x
  (GPUs x GPU power + GPUs / GPUs per server x host power), and embodied GPU-hours follow
  the same time.

**Idle capacity** (optional, all models but ``measured``): a service that gives
``serving_utilisation`` u (share of its provisioned replica time spent serving) also pays,
per request, the ``1/u - 1`` replica-hours its replicas sit idle, at idle power
(:data:`IDLE_PROPERTIES`): ``inference_idle_kwh_per_request = replica_hours_per_request x
(1/u - 1) x (gpus_per_replica x gpu_idle_w + gpus_per_replica / gpus_per_server x
host_idle_w) / 1000``, written by lca.model.genai._inference as a separate "idle energy"
exchange, the ``it-provisioned`` boundary's extra over ``it-active``
(lca/analysis/boundaries.py). Without it the model counts busy time only, as before.

What it leaves out (said in notebook 06 and the note of issue 13): attention FLOPs (small
below a few thousand tokens of context), prefill-decode interference and chunking, queueing,
idle replicas unless ``serving_utilisation`` is given (``hardware_utilisation`` covers idle
time in the embodied share only), speculative decoding, quantised-kernel overheads, CPU
offload.

Images (``kind: image``): ``denoising_steps`` steps of ``image_flops_per_step`` each at
``decode_compute_fraction`` of peak (a diffusion transformer step is compute-bound), or the
weights' read time if longer, plus the per-step overhead, for ``batch`` images at once.

Pure: formulas and defaults only; :mod:`lca.model.genai` writes them as parameters, and
:func:`evaluate` computes them directly (notebooks, tests against published measurements).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Mapping

#: ``inference.precision`` -> bytes per weight and the catalogue's peak compute property.
PRECISIONS: dict[str, tuple[float, str]] = {
    "bf16": (2.0, "fp16_dense_tflops"), "fp16": (2.0, "fp16_dense_tflops"),
    "fp8": (1.0, "fp8_dense_tflops"), "int4": (0.5, "fp16_dense_tflops")}
ASSUMPTION = "genai-lca-assumption-roofline"
MEASURED = "genai-lca-h200-measured-2026"


@dataclass(frozen=True)
class Factor:
    """An efficiency or activity factor the service may give; else this default, with its
    distribution (triangular minimum, mode, maximum) and source."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    why: str

    def uncertainty(self) -> dict:
        return {"type": "triangular", "minimum": self.low, "maximum": self.high}


#: Defaults of the factors no datasheet gives. The ranges are wide on purpose: they are
#: what Sobol ranks.
FACTORS: tuple[Factor, ...] = (
    Factor("bandwidth_fraction", 0.7, 0.5, 0.85, "dimensionless", ASSUMPTION,
           "achieved share of peak memory bandwidth in decode (vLLM-class kernels)"),
    Factor("mfu_prefill", 0.5, 0.3, 0.65, "dimensionless", MEASURED,
           "prefill FLOPs utilisation; 545 of 989 TFLOPS (0.55) measured on an H200"),
    Factor("decode_compute_fraction", 0.5, 0.3, 0.65, "dimensionless", ASSUMPTION,
           "achieved share of peak compute when a decode or denoising step is compute-bound"),
    Factor("decode_step_overhead_s", 0.002, 0.0005, 0.005, "second", ASSUMPTION,
           "per-step scheduling and launch time with CUDA graphs (eager decoding: ~0.05 s, "
           "measured 59 ms steps on an H200)"),
    Factor("sequence_overhead_s", 1e-5, 0.0, 3e-5, "second", ASSUMPTION,
           "host time per sequence per step (scheduling, sampling, detokenising), which "
           "flattens energy per token at very large batch"),
    Factor("tp_overhead", 0.1, 0.03, 0.3, "dimensionless", ASSUMPTION,
           "tensor-parallel communication, as a share of the roofline time of a large "
           "replica (x (1 - 1/GPUs): none on one GPU)"),
    Factor("memory_activity", 0.6, 0.4, 0.8, "dimensionless", ASSUMPTION,
           "board power activity of a memory-bound kernel at the achieved bandwidth "
           "(the token phase draws less than the compute-bound prompt phase: Splitwise, "
           "Patel et al. 2024)"),
    Factor("overhead_activity", 0.1, 0.05, 0.2, "dimensionless", MEASURED,
           "board power activity while the step waits on launches or communication; "
           "calibrated on the H200's 155 W at batch 1 (eager, 78 W idle, 700 W limit)"),
    Factor("memory_usable_fraction", 0.9, 0.8, 0.95, "dimensionless", ASSUMPTION,
           "share of accelerator memory for weights and KV cache (vLLM's default "
           "gpu_memory_utilization is 0.9)"),
)

#: Derived parameters of the text (decode) model, in order: name, formula, unit. The ones
#: in :data:`OVERRIDABLE` are derived only when the service does not give them.
_REPLICA_DECODE = "max(decode_memory_s, decode_compute_s)"
#: Formulas both models share: weights, replica size, the step and its power.
_WEIGHTS = ("weight_bytes", "total_parameters * bytes_per_weight", "byte")
_REPLICA = ("gpus_per_replica", "2 ** ceil(log(replica_gpus_needed) / log(2) - 1e-9)", "unit")
_STEP = (
    ("decode_step_s", f"{_REPLICA_DECODE} * (1 + tp_overhead * (1 - 1 / gpus_per_replica)) "
     "+ decode_step_overhead_s + sequence_overhead_s * batch", "second"),
    ("decode_activity", "min(1, (decode_compute_s + memory_activity * decode_memory_s + "
     f"overhead_activity * (decode_step_s - {_REPLICA_DECODE})) / decode_step_s)",
     "dimensionless"))
_POWER = (
    ("gpu_power_serving_w", "gpu_idle_w + (gpu_tdp_w - gpu_idle_w) * serving_activity", "W"),
    ("host_power_w", "host_idle_w + (host_peak_w - host_idle_w) * serving_activity", "W"))
DERIVED: tuple[tuple[str, str, str], ...] = (
    _WEIGHTS,
    ("active_share", "active_parameters / total_parameters", "dimensionless"),
    ("prefill_tokens_per_request", "input_tokens_per_request - cached_input_tokens_per_request",
     "token"),
    ("decoded_tokens_per_request", "output_tokens_per_request + reasoning_tokens_per_request",
     "token"),
    ("mean_context_tokens",
     "input_tokens_per_request + decoded_tokens_per_request / 2", "token"),
    ("replica_gpus_needed", "max(1, (weight_bytes + batch * mean_context_tokens * "
     "kv_bytes_per_token) / (accelerator_memory_gb * 1e9 * memory_usable_fraction))", "unit"),
    _REPLICA,
    ("memory_fill", "(weight_bytes + batch * mean_context_tokens * kv_bytes_per_token) / "
     "(gpus_per_replica * accelerator_memory_gb * 1e9 * memory_usable_fraction)",
     "dimensionless"),
    ("max_batch", "floor((gpus_per_replica * accelerator_memory_gb * 1e9 * "
     "memory_usable_fraction - weight_bytes) / (mean_context_tokens * kv_bytes_per_token))",
     "dimensionless"),
    ("touched_parameters",
     "total_parameters * (1 - (1 - active_share) ** batch)",
     "dimensionless"),
    ("decode_memory_s", "(touched_parameters * bytes_per_weight + batch * mean_context_tokens "
     "* kv_bytes_per_token) / (gpus_per_replica * memory_bandwidth_tb_s * 1e12 * "
     "bandwidth_fraction)", "second"),
    ("decode_compute_s", "2 * active_parameters * batch / (gpus_per_replica * peak_tflops * "
     "1e12 * decode_compute_fraction)", "second"),
    *_STEP,
    ("prefill_s_per_request", "2 * active_parameters * prefill_tokens_per_request / "
     "(gpus_per_replica * peak_tflops * 1e12 * mfu_prefill)", "second"),
    ("decode_s_per_request", "decoded_tokens_per_request * decode_step_s / batch", "second"),
    ("replica_hours_per_request", "(prefill_s_per_request + decode_s_per_request) / 3600",
     "hour"),
    ("serving_activity", "(prefill_s_per_request + decode_activity * decode_s_per_request) / "
     "(prefill_s_per_request + decode_s_per_request)", "dimensionless"),
    *_POWER,
)

#: The image (diffusion) model: the same replica, power and host formulas, with a
#: denoising step in place of a decode step.
DERIVED_IMAGE: tuple[tuple[str, str, str], ...] = (
    _WEIGHTS,
    ("replica_gpus_needed",
     "max(1, weight_bytes / (accelerator_memory_gb * 1e9 * memory_usable_fraction))", "unit"),
    _REPLICA,
    ("memory_fill", "weight_bytes / (gpus_per_replica * accelerator_memory_gb * 1e9 * "
     "memory_usable_fraction)", "dimensionless"),
    ("decode_memory_s", "weight_bytes / (gpus_per_replica * memory_bandwidth_tb_s * 1e12 * "
     "bandwidth_fraction)", "second"),
    ("decode_compute_s", "image_flops_per_step * batch / (gpus_per_replica * peak_tflops * "
     "1e12 * decode_compute_fraction)", "second"),
    *_STEP,
    ("replica_hours_per_request",
     "images_per_request * denoising_steps * decode_step_s / batch / 3600", "hour"),
    ("serving_activity", "decode_activity", "dimensionless"),
    *_POWER,
)

#: Derived only when the service does not give them (a measured power, a known replica).
OVERRIDABLE = frozenset({"gpus_per_replica", "gpu_power_serving_w", "host_power_w",
                         "mean_context_tokens"})

#: Energy per token of each class, J of IT energy (GPUs and host share, before PUE): what
#: a result reports next to its scores. Cached input costs no prefill compute here (its KV
#: cache is read in decode through ``mean_context_tokens``).
PER_TOKEN: tuple[tuple[str, str, str], ...] = (
    ("prefill_j_per_token", "gpus_per_replica * (gpu_tdp_w + host_peak_w / gpus_per_server) * "
     "prefill_s_per_request / max(prefill_tokens_per_request, 1e-30) * "
     "(prefill_tokens_per_request > 0)", "J / token"),
    ("decode_j_per_token", "gpus_per_replica * (gpu_idle_w + (gpu_tdp_w - gpu_idle_w) * "
     "decode_activity + (host_idle_w + (host_peak_w - host_idle_w) * decode_activity) / "
     "gpus_per_server) * decode_step_s / batch", "J / token"),
    ("gpu_j_per_output_token", "gpus_per_replica * gpu_power_serving_w * "
     "(prefill_s_per_request + decode_s_per_request) / decoded_tokens_per_request",
     "J / token"),
)


PER_IMAGE: tuple[tuple[str, str, str], ...] = (
    ("gpu_j_per_image", "gpus_per_replica * gpu_power_serving_w * replica_hours_per_request * "
     "3600 / images_per_request", "J / image"),)


def derived(kind: str = "chat") -> tuple[tuple[str, str, str], ...]:
    """(name, formula, unit) of every derived parameter, in order, for a ``kind`` of
    service (``image``: the diffusion model)."""
    return DERIVED_IMAGE + PER_IMAGE if kind == "image" else DERIVED + PER_TOKEN


#: Token classes a result states apart, per functional unit (``<class>_tokens_per_request``).
TOKEN_CLASSES = ("input", "cached_input", "output", "reasoning")
#: The figures a result carries in its ``serving`` block, when the service has them.
REPORTED = ("gpus_per_replica", "batch", "max_batch", "memory_fill", "decode_step_s",
            "decode_activity", "gpu_power_serving_w", "host_power_w", "prefill_j_per_token",
            "decode_j_per_token", "gpu_j_per_output_token", "gpu_j_per_image")


def formulas(kind: str = "chat") -> dict[str, str]:
    """Name -> formula of every derived parameter."""
    return {n: f for n, f, _ in derived(kind)}


@cache
def factors(kind: str = "chat") -> tuple[Factor, ...]:
    """The factors the ``kind``'s formulas use (an image has no prefill)."""
    from lca.formula import Formula

    used = set().union(*(Formula(f).names for f in formulas(kind).values()))
    return tuple(f for f in FACTORS if f.name in used)


#: FLOPs of one denoising step: 2 per active parameter per token the step processes.
IMAGE_FLOPS_FORMULA = "2 * active_parameters * image_tokens"
#: KV-cache bytes per token from the architecture: keys and values, per layer, per KV head,
#: per head dimension.
KV_BYTES_FORMULA = "2 * layers * kv_heads * head_dim * kv_bytes_per_value"

#: Inputs with a plain default a service may leave out: name -> (value, unit, why).
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "cached_input_tokens_per_request": (0.0, "token", "default: no prompt caching"),
    "reasoning_tokens_per_request": (0.0, "token", "default: no reasoning tokens"),
    "kv_bytes_per_value": (2.0, "byte", "default: KV cache in 16-bit"),
}

#: Idle power parameters -> the catalogue property each defaults to (accelerator, server):
#: the roofline's power formulas and the idle energy of provisioned capacity
#: (``serving_utilisation``) read them.
IDLE_PROPERTIES = {"gpu_idle_w": "idle_w", "host_idle_w": "nongpu_idle_w"}

#: The roofline's accelerator parameters -> the catalogue property each defaults to (the
#: peak compute's property depends on the precision: :data:`PRECISIONS`).
ACCELERATOR_PROPERTIES: dict[str, str | None] = {
    "memory_bandwidth_tb_s": "memory_bandwidth_tb_s", "peak_tflops": None,
    "accelerator_memory_gb": "memory_gb", "gpu_tdp_w": "tdp_w",
    "gpu_idle_w": IDLE_PROPERTIES["gpu_idle_w"]}


def accelerator_property(parameter: str, precision: str = "bf16") -> str:
    """The catalogue property an accelerator parameter defaults to, at ``precision``."""
    return ACCELERATOR_PROPERTIES[parameter] or PRECISIONS[precision][1]


def accelerator_inputs(properties: Mapping[str, float], precision: str = "bf16") -> dict:
    """The roofline's accelerator parameters from a catalogue record's properties."""
    return {name: properties[accelerator_property(name, precision)]
            for name in ACCELERATOR_PROPERTIES} | {"bytes_per_weight": PRECISIONS[precision][0]}


def evaluate(values: Mapping[str, float | str], kind: str = "chat") -> dict[str, float]:
    """Every parameter of the model for ``values`` (given numbers or formulas), evaluated by
    :func:`lca.formula.evaluate_all` (arrays broadcast): the same formulas the Brightway
    service carries. Left out, the factors and :data:`DEFAULTS` take their defaults, active
    parameters equal total ones, and there is no host (``host_idle_w = host_peak_w = 0``,
    one GPU per server): GPU energy only, the boundary of the published measurements."""
    from lca.formula import evaluate_all

    given = {f.name: f.value for f in factors(kind)} | {
        n: value for n, (value, _, _) in DEFAULTS.items()} | {
        "host_idle_w": 0.0, "host_peak_w": 0.0, "gpus_per_server": 1.0,
        "images_per_request": 1.0, "active_parameters": "total_parameters",
        "image_flops_per_step" if kind == "image" else "kv_bytes_per_token":
            IMAGE_FLOPS_FORMULA if kind == "image" else KV_BYTES_FORMULA} | dict(values)
    steps = {n: f for n, f in formulas(kind).items() if n not in given or n not in OVERRIDABLE}
    return evaluate_all({**given, **steps})
