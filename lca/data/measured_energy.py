"""Published and measured inference energy: the points the roofline serving model
(lca.model.serving) is checked against (tests/test_serving.py, notebook 06).

Figures are cited, not shipped data files: each carries its source id
(inventories/SOURCES). Energies are GPU board energy only (no host, no PUE), per output
token (prefill included, as the leaderboard divides a run's energy by its output tokens)
or per image.

Workload shapes: ML.ENERGY v3's chat task has 350-390 output tokens per response (its J per
response / J per token at batch 8); its prompt length is not in our notes, so 200 input
tokens is an assumption (``CHAT_INPUT_TOKENS``), and the checks' 2x tolerance covers
100-500. Our H200 manual KV-cache loop decoded with about 1,024 tokens of context
(``H200_CONTEXT_TOKENS``, the prompt of the run) in eager PyTorch, so its checks use an
eager per-step overhead (``EAGER_STEP_OVERHEAD_S``, the 59 ms launch-bound step less the
roofline time).
"""

from __future__ import annotations

from dataclasses import dataclass

MLENERGY = "mlenergy-leaderboard-v3-2025"
H200 = "genai-lca-h200-measured-2026"
CHAT_INPUT_TOKENS = 200.0
H200_CONTEXT_TOKENS = 1024.0
EAGER_STEP_OVERHEAD_S = 0.05


@dataclass(frozen=True)
class Point:
    """One measured configuration: model, accelerator, GPUs, batch -> energy."""

    model: str          # key of MODELS
    accelerator: str    # catalogue id
    gpus: int
    batch: float | None  # None: the leaderboard's best configuration (largest batch)
    j_per_token: float   # GPU energy per output token (J), or per image for images
    output_tokens: float
    source: str
    note: str = ""


#: Architectures (parameters, layers, KV heads, head dimension), from their model cards.
MODELS: dict[str, dict[str, float]] = {
    "llama-3.1-8b": {"total_parameters": 8.03e9, "layers": 32, "kv_heads": 8, "head_dim": 128},
    "llama-3.1-70b": {"total_parameters": 70.6e9, "layers": 80, "kv_heads": 8,
                      "head_dim": 128},
    "llama-3.1-405b": {"total_parameters": 405.9e9, "layers": 126, "kv_heads": 8,
                       "head_dim": 128},
}

#: ML.ENERGY v3 chat (vLLM, Zeus, GPU energy) and our H200 eager decode measurements.
POINTS: tuple[Point, ...] = (
    Point("llama-3.1-8b", "nvidia-h100-sxm-80gb", 1, 8, 0.455, 389, MLENERGY),
    Point("llama-3.1-8b", "nvidia-h100-sxm-80gb", 1, None, 0.070, 389, MLENERGY,
          "best configuration"),
    Point("llama-3.1-70b", "nvidia-h100-sxm-80gb", 4, 8, 3.76, 350, MLENERGY),
    Point("llama-3.1-70b", "nvidia-h100-sxm-80gb", 4, 900, 0.37, 354, MLENERGY,
          "best configuration, batch about 900"),
    Point("llama-3.1-70b", "nvidia-b200-180gb", 2, 8, 3.57, 352, MLENERGY),
    Point("llama-3.1-70b", "nvidia-b200-180gb", 2, 2000, 0.19, 347, MLENERGY,
          "best configuration, batch about 2,000 (above the memory limit at our context: "
          "checked at the limit)"),
)

#: Our H200 decode measurements (manual KV-cache loop, bf16, eager): Wh per 1,000 output
#: tokens at batch 1 / 16 / 64 / 256, decode only (no prefill).
H200_DECODE_WH_PER_1000: dict[int, float] = {1: 2.55, 16: 0.167, 64: 0.050, 256: 0.0206}

#: FLUX.1-dev (12 B parameters), 1024 x 1024, 50 steps, on 1x B200: GPU J per image.
FLUX_B200_J_PER_IMAGE = 6.7e3
#: FLUX.1-dev's transformer: 12 B parameters (bfl-flux1-dev-2024); a 1024 x 1024 image is
#: 4,096 latent tokens (64 x 64 patches of 2 x 2 on the 128 x 128 latent) plus 512 text
#: tokens per step; guidance-distilled, so one pass per step.
FLUX = {"total_parameters": 12e9, "image_tokens": 4096 + 512, "denoising_steps": 50}
