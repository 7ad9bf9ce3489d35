"""The parameters of the service model: unit, physical domain, role, description; one place.

Every parameter :mod:`lca.model.genai` reads from a service file (or writes as a formula)
has one :class:`Spec` in :data:`PARAMETERS`:

- ``units``: the unit its formulas assume, then the other spellings accepted (the model
  does no unit conversion; ``_Builder.check_units`` refuses any other unit);
- ``domain``: the values that have a physical meaning (``requests_per_day > 0``,
  ``1 <= pue <= 3``); a value or a distribution outside it is refused when the service is
  built (``_Builder.check_domains``);
- roles: ``efficiency_scaled`` (accelerator time or energy per unit of work, scaled by the
  prospective efficiency trend, :mod:`lca.prospective.service`) and ``sweep`` (the default
  range of ``genai-lca report --sweep``, :mod:`lca.analysis.sweep`);
- ``description``: what it is, in a few words (quoted in error messages), and ``why``: the
  reason for the domain.

``kind`` says where the value comes from: ``input`` (the service file, or the default
named in ``default``), ``derived`` (a formula the model writes; listed so that every name
the model's formulas use is here, see tests/test_parameter_registry.py) or ``convention``
(not read by the model, but a name the sweeps know: ``batch``).

Pure: no Brightway, no I/O. :func:`markdown_table` renders inventories/services/README.md's
parameter table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

#: The campaigns whose parameters carry their name as a prefix (``training_gpu_hours``).
CAMPAIGNS = ("training", "fine_tuning")


@dataclass(frozen=True)
class Domain:
    """An interval of admissible values, optionally integers only or exactly {0, 1}."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False
    flag: bool = False

    def contains(self, value):
        """Whether ``value`` is admissible: a bool for a number, elementwise for an array
        (scenario tables check whole columns, lca.analysis.explore)."""
        import numpy as np

        v = np.asarray(value, dtype=float)
        ok = np.isfinite(v)
        if self.flag:
            ok &= (v == 0.0) | (v == 1.0)
        else:
            with np.errstate(invalid="ignore"):
                if self.integer:
                    ok &= v == np.round(v)
                ok &= (v > self.low) if self.low_open else (v >= self.low)
                ok &= (v < self.high) if self.high_open else (v <= self.high)
        return bool(ok) if ok.ndim == 0 else ok

    def holds(self, support: tuple[float, float]) -> bool:
        """A distribution with this (closed) support draws only admissible values. An open
        end of the domain may be the support's end: a continuous distribution draws that
        one point with probability zero (a lognormal's support is [0, inf)). A count takes a
        distribution within its bounds: its draws are read as averages, not integers."""
        if self.flag:
            return False  # a switch is 0 or 1, never a continuous draw
        low, high = support
        return low >= self.low and high <= self.high

    def __str__(self) -> str:
        if self.flag:
            return "0 or 1"
        if self.integer:
            return f"an integer >= {self.low:g}"
        if math.isinf(self.high):
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return (f"in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.high_open else ']'}")

    def fix(self) -> str:
        """How to give an uncertainty that stays in the domain."""
        if self.flag:
            return "a 0/1 switch takes no distribution; remove the uncertainty"
        if math.isinf(self.high) and self.low == 0:
            return ("use a lognormal (positive values only), or a triangular or uniform with "
                    "minimum >= 0")
        return f"use a triangular or uniform with minimum and maximum {self}"


POSITIVE = Domain(0.0, low_open=True)
NON_NEGATIVE = Domain(0.0)
FRACTION = Domain(0.0, 1.0, low_open=True)  # (0, 1]
SHARE = Domain(0.0, 1.0)                    # [0, 1]
AT_LEAST_ONE = Domain(1.0)
COUNT = Domain(1.0, integer=True)
FLAG = Domain(0.0, 1.0, flag=True)

_DIMENSIONLESS = ("dimensionless",)


@dataclass(frozen=True)
class Spec:
    """One parameter of the service model."""

    name: str
    units: tuple[str, ...]
    domain: Domain
    description: str
    why: str
    section: str
    default: str = "required"
    kind: Literal["input", "derived", "convention"] = "input"
    efficiency_scaled: bool = False
    sweep: tuple[float, float, bool] | None = None  # (low, high, log-spaced)
    constraint: bool = False  # derived, but its domain is checked: it says what is wrong

    @property
    def unit(self) -> str:
        return self.units[0]


def _campaign(prefix: str) -> list[Spec]:
    what = prefix.replace("_", "-")
    section = f"{what}, gpu-hours"
    return [
        Spec(f"{prefix}_gpu_hours", ("hour", "unit hour"), NON_NEGATIVE,
             f"GPU-hours of the final {what} run", "a duration", section,
             f"required (also for the embodied share of {what}, measured)",
             efficiency_scaled=True),
        Spec(f"{prefix}_gpu_power_w", ("W",), NON_NEGATIVE,
             f"average power of one GPU during {what}", "a power", section,
             "accelerator record (TDP)"),
        Spec(f"{prefix}_power_includes_pue", _DIMENSIONLESS, FLAG,
             "1: the power is facility power (PUE included), 0: IT power", "a switch",
             section, "0"),
        Spec(f"{prefix}_experiments", _DIMENSIONLESS, AT_LEAST_ONE,
             "GPU-hours of all runs / GPU-hours of the final run",
             "the final run is one of the runs", section, "1"),
        Spec(f"{prefix}_idle_kwh", ("kWh",), NON_NEGATIVE, f"idle IT energy of {what}",
             "an energy", section, "0"),
        Spec(f"{prefix}_energy_kwh", ("kWh",), NON_NEGATIVE, f"measured energy of {what}",
             "an energy", f"{what}, measured", efficiency_scaled=True),
        Spec(f"{prefix}_energy_includes_pue", _DIMENSIONLESS, FLAG,
             "1: the measured energy is facility energy (PUE included), 0: IT energy",
             "a switch", f"{what}, measured", "0"),
        Spec(f"{prefix}_dynamic_it_kwh", ("kWh",), NON_NEGATIVE,
             f"IT energy of the {what} runs", "an energy", section, kind="derived"),
        Spec(f"{prefix}_it_kwh", ("kWh",), NON_NEGATIVE, f"IT energy of {what}",
             "an energy", section, kind="derived"),
        Spec(f"{prefix}_gpu_hours_total", ("hour",), NON_NEGATIVE,
             f"GPU-hours of all {what} runs", "a duration", section, kind="derived"),
    ]


def _roofline() -> list[Spec]:
    """The roofline serving model's parameters (lca.model.serving)."""
    sec, img, der = "inference, roofline", "image, roofline", "inference, roofline (derived)"
    tokens = ("token / request", "token", "dimensionless")
    factor = "lca.model.serving FACTORS (triangular range)"
    return [
        Spec("total_parameters", _DIMENSIONLESS, POSITIVE,
             "model parameters in total (all experts: the weights held in memory)",
             "memory and bytes read scale with it", sec),
        Spec("batch", ("dimensionless", "request"), AT_LEAST_ONE,
             "sequences decoded together by one replica (or images denoised together)",
             "at least one", sec, "required", sweep=(1.0, 256.0, True)),
        Spec("cached_input_tokens_per_request", tokens, NON_NEGATIVE,
             "prompt tokens served from the prefix cache (part of the input tokens)",
             "a count of tokens", sec, "0"),
        Spec("reasoning_tokens_per_request", tokens, NON_NEGATIVE,
             "reasoning tokens per request, decoded like output but reported apart",
             "a count of tokens", sec, "0"),
        Spec("mean_context_tokens", ("token", "dimensionless"), POSITIVE,
             "mean tokens in context while decoding (the KV cache read per step)",
             "the largest batch divides by it", sec, "input + (output + reasoning) / 2"),
        Spec("kv_bytes_per_token", ("byte / token", "byte"), POSITIVE,
             "KV-cache bytes per token of context", "a transformer stores keys and values",
             sec, "2 x layers x kv_heads x head_dim x kv_bytes_per_value"),
        Spec("layers", _DIMENSIONLESS, COUNT, "transformer layers", "a count", sec,
             "required unless kv_bytes_per_token"),
        Spec("kv_heads", _DIMENSIONLESS, COUNT, "key-value heads per layer", "a count", sec,
             "required unless kv_bytes_per_token"),
        Spec("head_dim", _DIMENSIONLESS, COUNT, "dimension of one attention head", "a count",
             sec, "required unless kv_bytes_per_token"),
        Spec("kv_bytes_per_value", ("byte", "dimensionless"), POSITIVE,
             "bytes per cached key or value element", "a size", sec, "2 (16-bit)"),
        Spec("bytes_per_weight", ("dimensionless", "byte"), Domain(0.0, 8.0, low_open=True),
             "bytes per weight (bf16 2, fp8 1, int4 0.5)", "a size of at most 64 bits", sec,
             "from inference.precision (bf16)"),
        Spec("memory_bandwidth_tb_s", ("TB / s",), POSITIVE,
             "peak memory bandwidth of one GPU, TB/s", "the decode step divides by it", sec,
             "accelerator record"),
        Spec("accelerator_memory_gb", ("GB",), POSITIVE, "memory of one GPU, GB",
             "the replica size divides by it", sec, "accelerator record"),
        Spec("gpu_tdp_w", ("W",), POSITIVE, "board power limit (TDP) of one GPU",
             "a power", sec, "accelerator record"),
        Spec("gpu_idle_w", ("W",), NON_NEGATIVE, "idle board power of one GPU", "a power",
             sec, "accelerator record"),
        Spec("host_idle_w", ("W",), NON_NEGATIVE,
             "non-GPU power of one server at idle", "a power", sec, "server record"),
        Spec("host_peak_w", ("W",), NON_NEGATIVE,
             "non-GPU power of one server at full load", "a power", sec, "server record"),
        Spec("bandwidth_fraction", _DIMENSIONLESS, FRACTION,
             "achieved share of peak memory bandwidth in decode",
             "a share; 0 would divide by zero", sec, factor),
        Spec("decode_compute_fraction", _DIMENSIONLESS, FRACTION,
             "achieved share of peak compute in a compute-bound step",
             "a share; 0 would divide by zero", sec, factor),
        Spec("decode_step_overhead_s", ("second",), NON_NEGATIVE,
             "launch and scheduling time per decode step (eager decoding ~0.05 s)",
             "a duration", sec, factor),
        Spec("sequence_overhead_s", ("second",), NON_NEGATIVE,
             "host time per sequence per step", "a duration", sec, factor),
        Spec("tp_overhead", _DIMENSIONLESS, SHARE,
             "tensor-parallel communication, share of the roofline time", "a share", sec,
             factor),
        Spec("memory_activity", _DIMENSIONLESS, SHARE,
             "board power activity of a memory-bound step", "a share of (TDP - idle)", sec,
             factor),
        Spec("overhead_activity", _DIMENSIONLESS, SHARE,
             "board power activity while a step waits on launches or communication",
             "a share of (TDP - idle)", sec, factor),
        Spec("memory_usable_fraction", _DIMENSIONLESS, FRACTION,
             "share of GPU memory for weights and KV cache", "a share; 0 would divide by zero",
             sec, factor),
        Spec("denoising_steps", _DIMENSIONLESS, POSITIVE, "denoising steps per image",
             "a count of steps", img),
        Spec("image_tokens", ("token", "dimensionless"), POSITIVE,
             "latent and text tokens one denoising step processes (FLUX 1024x1024: 4,096 + 512)",
             "a count of tokens", img, "required unless image_flops_per_step"),
        Spec("image_flops_per_step", _DIMENSIONLESS, POSITIVE,
             "FLOPs of one denoising step for one image", "a count of operations", img,
             "2 x active_parameters x image_tokens"),
        # derived; the three checked ones ('constraint') say what a user got wrong
        Spec("active_share", _DIMENSIONLESS, FRACTION, "active / total parameters",
             "active_parameters cannot exceed total_parameters", der, kind="derived",
             constraint=True),
        Spec("prefill_tokens_per_request", tokens, NON_NEGATIVE,
             "input tokens prefilled (input - cached input)",
             "cached_input_tokens_per_request cannot exceed input_tokens_per_request", der,
             kind="derived", constraint=True),
        Spec("memory_fill", _DIMENSIONLESS, FRACTION,
             "share of the replica's usable memory taken by weights and KV cache at this batch",
             "above 1 they do not fit: more gpus_per_replica, a smaller batch or fewer bytes "
             "per weight", der, kind="derived", constraint=True),
        *[Spec(n, (u,), NON_NEGATIVE, d, "", der, kind="derived") for n, u, d in (
            ("weight_bytes", "byte", "bytes of the weights"),
            ("decoded_tokens_per_request", "token", "output + reasoning tokens"),
            ("replica_gpus_needed", "unit", "GPUs that hold weights and KV cache"),
            ("max_batch", "dimensionless", "largest batch the replica's memory holds"),
            ("touched_parameters", "dimensionless", "parameters one decode step reads"),
            ("decode_memory_s", "second", "memory time of a decode step"),
            ("decode_compute_s", "second", "compute time of a decode step"),
            ("decode_step_s", "second", "time of a decode step"),
            ("decode_activity", "dimensionless", "GPU power activity in decode"),
            ("prefill_s_per_request", "second", "replica time of a request's prefill"),
            ("decode_s_per_request", "second", "replica time of a request's decode"),
            ("serving_activity", "dimensionless", "GPU power activity over a request"),
            ("prefill_j_per_token", "J / token", "IT energy per prefilled input token"),
            ("decode_j_per_token", "J / token", "IT energy per output or reasoning token"),
            ("gpu_j_per_output_token", "J / token",
             "GPU energy per output and reasoning token (ML.ENERGY's boundary)"),
            ("gpu_j_per_image", "J / image", "GPU energy per image"))],
    ]


_SPECS: list[Spec] = [
    # site
    Spec("pue", _DIMENSIONLESS, Domain(1.0, 3.0),
         "power usage effectiveness, facility energy / IT energy",
         "1 is the physical floor; the Uptime Institute's 2007 survey average was 2.5", "site",
         "datacentre record (1 when boundary.pue is false)", sweep=(1.0, 2.0, False)),
    Spec("wue_l_per_kwh", ("L / kWh",), NON_NEGATIVE,
         "on-site water use, L per kWh of IT energy", "a volume per energy", "site",
         "datacentre record"),
    Spec("dc_load_factor", _DIMENSIONLESS, FRACTION, "IT load / IT capacity of the site",
         "a share of capacity; 0 would divide by zero", "site",
         "required if boundary.datacenter_infrastructure"),
    # hardware
    Spec("hardware_lifetime_years", ("year",), POSITIVE, "service life of the hardware, years",
         "the embodied share divides by it", "hardware", "required if boundary.embodied"),
    Spec("hardware_utilisation", _DIMENSIONLESS, FRACTION,
         "share of its lifetime the hardware is in use",
         "a share of time; 0 would divide by zero", "hardware", "required if boundary.embodied"),
    Spec("gpus_per_server", ("unit", "dimensionless"), COUNT, "GPUs in one server",
         "a count of GPUs; the server share divides by it", "hardware", "server record"),
    Spec("accelerator_mass_kg", ("kg",), NON_NEGATIVE, "mass of one accelerator, kg", "a mass",
         "hardware", "accelerator record (end of life)"),
    Spec("host_mass_kg", ("kg",), NON_NEGATIVE, "mass of one server without its GPUs, kg",
         "a mass", "hardware", "server record (end of life; 0 without a server)"),
    Spec("hardware_use_hours", ("hour",), POSITIVE, "hours of use in the hardware's life",
         "lifetime x 8760 x utilisation", "hardware", kind="derived"),
    # custom hardware
    Spec("accelerator_embodied_gwp_kg", ("kg CO2-Eq",), NON_NEGATIVE,
         "embodied GHG of one custom accelerator", "a footprint", "custom hardware"),
    Spec("server_embodied_gwp_kg", ("kg CO2-Eq",), NON_NEGATIVE,
         "embodied GHG of one custom server (without GPUs)", "a footprint", "custom hardware"),
    Spec("accelerator_embodied_adp_kg_sb", ("kg Sb-Eq",), NON_NEGATIVE,
         "embodied mineral depletion of one custom accelerator", "a footprint",
         "custom hardware", "optional"),
    Spec("server_embodied_adp_kg_sb", ("kg Sb-Eq",), NON_NEGATIVE,
         "embodied mineral depletion of one custom server", "a footprint", "custom hardware",
         "optional"),
    # stated grid
    Spec("grid_gwp_kg_per_kwh", ("kg CO2-Eq / kWh",), NON_NEGATIVE,
         "GHG of the stated (market-based or stated) electricity", "an emission factor",
         "stated grid", "required for basis market-based or stated"),
    Spec("grid_water_l_per_kwh", ("L / kWh",), NON_NEGATIVE,
         "water of the stated electricity, L per kWh", "a volume per energy", "stated grid",
         "optional"),
    # inference
    Spec("requests_per_day", ("request / day",), POSITIVE, "requests per day served",
         "training is amortised over the requests served", "inference"),
    Spec("deployment_years", ("year",), POSITIVE, "years the service is deployed",
         "training is amortised over the requests served", "inference"),
    Spec("output_tokens_per_request", ("token / request", "token", "dimensionless"), POSITIVE,
         "generated tokens per request",
         "the functional unit '1k-output-tokens' divides by it", "inference",
         "required by the throughput and compute models and by allocation tokens"),
    Spec("requests_served", ("request",), POSITIVE, "requests served in the deployment",
         "requests_per_day x 365 x deployment_years", "inference", kind="derived"),
    Spec("inference_wh_per_request", ("Wh", "Wh / request"), NON_NEGATIVE,
         "measured energy per request, Wh", "an energy", "inference, measured",
         efficiency_scaled=True),
    Spec("inference_energy_includes_pue", _DIMENSIONLESS, FLAG,
         "1: the measured energy is facility energy (PUE included), 0: IT energy",
         "a switch", "inference, measured", "0"),
    Spec("inference_gpu_hours_per_request",
         ("hour", "hour / request", "unit hour", "unit hour / request"), NON_NEGATIVE,
         "GPU-hours per request", "a duration", "inference, measured",
         "required if boundary.embodied (throughput and compute: derived)",
         efficiency_scaled=True),
    Spec("gpus_per_replica", ("unit", "dimensionless"), COUNT, "GPUs serving one model replica",
         "a count of GPUs", "inference, throughput and compute"),
    Spec("gpu_power_serving_w", ("W",), NON_NEGATIVE, "average power of one GPU while serving",
         "a power", "inference, throughput and compute"),
    Spec("host_power_w", ("W",), NON_NEGATIVE, "non-GPU power of one server while serving",
         "a power", "inference, throughput and compute", "server record"),
    Spec("replica_seconds_per_request", ("second", "second / request"), NON_NEGATIVE,
         "replica time per request, s (instead of tokens / throughput)", "a duration",
         "inference, throughput", "optional"),
    Spec("replica_output_tokens_per_s", ("token / second",), POSITIVE,
         "output tokens per second of one replica", "the replica time divides by it",
         "inference, throughput"),
    Spec("replica_hours_per_request", ("hour",), NON_NEGATIVE, "replica time per request",
         "a duration", "inference, throughput and compute", kind="derived",
         efficiency_scaled=True),
    Spec("inference_it_kwh_per_request", ("kWh",), NON_NEGATIVE, "IT energy per request",
         "an energy", "inference", kind="derived"),
    Spec("serving_utilisation", _DIMENSIONLESS, FRACTION,
         "share of the provisioned replica time spent serving requests",
         "a share of time; 0 would divide by zero", "inference, idle capacity",
         "optional, no default (idle capacity in fleets: elsworth-2025-google-ai-prompt, "
         "patel-2024-polca); none: busy time only; not used by energy_model measured"),
    Spec("inference_active_it_kwh_per_request", ("kWh",), NON_NEGATIVE,
         "active IT energy per request (busy replica time)", "an energy",
         "inference, idle capacity", kind="derived"),
    Spec("inference_idle_kwh_per_request", ("kWh",), NON_NEGATIVE,
         "idle IT energy of provisioned capacity per request", "an energy",
         "inference, idle capacity", kind="derived"),
    Spec("input_tokens_per_request", ("token / request", "token", "dimensionless"),
         NON_NEGATIVE, "prompt tokens per request", "a count of tokens", "inference, compute"),
    Spec("active_parameters", _DIMENSIONLESS, POSITIVE, "model parameters active per token",
         "2 x active parameters FLOPs per token", "inference, compute"),
    Spec("mfu_prefill", _DIMENSIONLESS, FRACTION, "model FLOPs utilisation in prefill",
         "a share of peak; 0 would divide by zero", "inference, compute"),
    Spec("mfu_decode", _DIMENSIONLESS, FRACTION, "model FLOPs utilisation in decode",
         "a share of peak; 0 would divide by zero", "inference, compute"),
    Spec("peak_tflops", ("TFLOPS",), POSITIVE, "dense FP16/BF16 peak of one GPU, TFLOPS",
         "the compute time divides by it", "inference, compute", "accelerator record"),
    Spec("images_per_request", ("image / request", "image", "dimensionless"), POSITIVE,
         "images generated per request", "the functional unit 'image' divides by it", "image",
         "required (functional unit image)"),
    # allocation
    Spec("training_amortisation_tokens", ("token", "dimensionless"), POSITIVE,
         "tokens the model serves in its life, across deployments",
         "training per token divides by it", "allocation", "required by allocation tokens"),
    Spec("training_share", _DIMENSIONLESS, SHARE,
         "share of the training campaign allocated to this service", "a share",
         "allocation", "required by allocation share"),
    *_campaign("training"),
    *_campaign("fine_tuning"),
    *_roofline(),
    Spec("calls_per_task", ("request", "dimensionless"), POSITIVE,
         "model calls (requests) per agent task", "the functional unit 'agent-task' "
         "multiplies by it", "agent task", "optional (functional unit agent-task)"),
]

#: Name -> :class:`Spec` of every parameter of the service model.
PARAMETERS: dict[str, Spec] = {s.name: s for s in _SPECS}
assert len(PARAMETERS) == len(_SPECS), "a parameter is described twice"

#: The unit each parameter the model reads is in, then the other spellings it accepts.
PARAMETER_UNITS: dict[str, tuple[str, ...]] = {
    s.name: s.units for s in _SPECS if s.kind == "input"}
#: Accelerator time or energy per unit of work: scaled by the prospective efficiency factor.
EFFICIENCY_PARAMETERS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.efficiency_scaled)
#: Parameter -> (low, high, log-spaced) swept by default when the service has it.
DEFAULT_SWEEPS: dict[str, tuple[float, float, bool]] = {
    s.name: s.sweep for s in _SPECS if s.sweep is not None}


def checked() -> list[Spec]:
    """The parameters whose values a service gives (or the model defaults): checked
    against their domain when a service is built. Derived ones follow from them."""
    return [s for s in _SPECS if s.kind != "derived"]


def constraints() -> list[Spec]:
    """Derived parameters whose domain is checked too: a value outside it means the given
    ones contradict each other (cached input above input, a batch that does not fit)."""
    return [s for s in _SPECS if s.constraint]


def markdown_table() -> str:
    """The parameter table of inventories/services/README.md (given parameters; the
    fine-tuning ones are the training ones with prefix ``fine_tuning_``)."""
    lines = ["| section | parameter | unit | domain | default | what it is (domain: why) |",
             "|---|---|---|---|---|---|"]
    section = None
    for s in checked():
        if s.name.startswith("fine_tuning_"):
            continue
        name = f"`{s.name}`"
        if s.name.startswith("training_") and f"fine_tuning_{s.name[9:]}" in PARAMETERS:
            name += f" (`fine_tuning_{s.name[9:]}`)"
        roles = [r for r, on in (("efficiency-scaled", s.efficiency_scaled),
                                 (f"swept {s.sweep[0]:g}-{s.sweep[1]:g}" if s.sweep else "",
                                  bool(s.sweep))) if on]
        note = f"{s.description} ({s.why})" + (f"; {', '.join(roles)}" if roles else "")
        unit = " or ".join(f"{u}" for u in s.units)
        lines.append(f"| {s.section if s.section != section else ''} | {name} | {unit} | "
                     f"{s.domain} | {s.default} | {note} |")
        section = s.section
    return "\n".join(lines) + "\n"
