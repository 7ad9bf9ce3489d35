"""Side by side with EcoLogits: the reference chat services, per request, same inputs,
before and after the roofline serving model.

    pip install -e '.[compare]' && python benchmarks/compare_ecologits.py [--before REV]
        [--no-before]

EcoLogits (MPL-2.0, installed from the package index; its code is called at run time, its
ADEME-derived tables are never copied) estimates one request from the model's active/total
parameters, the output tokens, the request latency, the grid (GWP, ADPe, water per kWh) and
the datacentre (PUE, WUE). It has no training, no datacentre building and no end of life,
so genai-lca is restricted to the same scope (inference operation + inference hardware).

Inputs passed to EcoLogits are genai-lca's own: the active and total parameters the service
states (``active_parameters`` defaults to ``total_parameters``), the grid's kg CO2-eq, kg
Sb-eq and L per kWh from the catalogue, the service's PUE/WUE, and its replica time per
request (x EcoLogits' batch of 64) as the latency.

Two versions of each service are run: BEFORE (the files at ``--before``, default cd2d6b3,
the throughput and compute models, read with ``git show`` into a temporary folder, the
service id suffixed ``-before`` so both databases live side by side) and AFTER (the files
in the working tree, the roofline model). For each service the table gives genai-lca /
EcoLogits per indicator for both, then one line per source of difference, computed from
both tools' intermediate figures. Offline: only git, the installed EcoLogits and the local
Brightway project are used.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("chat-70b-h100", "chat-8b-h200", "moe-47b-h100")
BEFORE = "cd2d6b3"  # the commit before the roofline serving model
SCOPE = ("inference", "inference-hardware")  # inference-* activities; end of life left out
INDICATORS = (  # label, genai-lca indicator (None: energy), EcoLogits attribute, factor
    ("energy, kWh", None, "energy", 1.0),
    ("GWP, kg CO2-eq", "climate_change", "gwp", 1.0),
    ("water consumption, L", "water_consumption", "wcf", 1000.0),  # m3 -> L
    ("ADPe, kg Sb-eq", "abiotic_depletion_elements", "adpe", 1.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE,
                        help="git revision of the BEFORE service files (default %(default)s)")
    parser.add_argument("--no-before", action="store_true", help="the current files only")
    args = parser.parse_args()
    try:
        import ecologits
        from ecologits.impacts.llm import compute_llm_impacts  # noqa: F401
    except ImportError:
        sys.exit("EcoLogits is not installed: pip install -e '.[compare]'")

    current = ROOT / "inventories" / "services"
    with tempfile.TemporaryDirectory(prefix="genai-lca-before-") as tmp:
        results = {}
        for name in SERVICES:
            after = _run(current / f"{name}.yaml", None)
            before = None if args.no_before else _before(name, args.before, Path(tmp), after)
            results[name] = (before, after)
    print(f"EcoLogits {ecologits.__version__}; scope: inference operation + inference hardware "
          "(genai-lca's training, datacentre building and end of life left out)\n")
    _table(results, args.before)
    for name, (before, after) in results.items():
        print(f"\n{name}")
        for label, run in (("before", before), ("after", after)):
            if run is not None:
                for line in _explain(run):
                    print(f"  [{label}] {line}")


def _before(name: str, rev: str, tmp: Path, after: dict) -> dict | None:
    """The service file at ``rev``, written to ``tmp`` with its id suffixed, then run."""
    try:
        text = subprocess.run(["git", "-C", str(ROOT), "show",
                               f"{rev}:inventories/services/{name}.yaml"],
                              check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"note: {name} at {rev} not read ({exc}); before skipped", file=sys.stderr)
        return None
    marker = f"id: {name}\n"
    if marker not in text:
        print(f"note: {name} at {rev}: no 'id: {name}' line; before skipped", file=sys.stderr)
        return None
    path = tmp / f"{name}-before.yaml"
    path.write_text(text.replace(marker, f"id: {name}-before\n", 1))
    return _run(path, after)


def _run(path: Path, after: dict | None) -> dict:
    """genai-lca's result and EcoLogits' for one service file. ``after``: the current
    version's run, whose parameters stand in for counts the older file does not state."""
    from ecologits.impacts.llm import compute_llm_impacts, compute_llm_impacts_dag

    from lca.api import assess

    res = assess(path)
    values = _values(res.functional_unit["reference_flow"]["activity"][0])
    spec = _spec(path)
    notes = []
    if "total_parameters" in values:
        total = values["total_parameters"]
        active = values.get("active_parameters", total)
    elif after is not None:
        total, active = after["total"], after["active"]
        notes.append("parameter counts: this file states none; the current file's "
                     f"({active / 1e9:.3g} B active, {total / 1e9:.3g} B total) are passed")
    else:
        sys.exit(f"{path}: no total_parameters to pass to EcoLogits")
    grid = _record("grids", f"electricity-{spec['model']['electricity']['location']}")
    inputs = dict(
        model_active_parameter_count=active / 1e9, model_total_parameter_count=total / 1e9,
        output_token_count=values["output_tokens_per_request"],
        if_electricity_mix_adpe=grid["abiotic_depletion_elements"],
        if_electricity_mix_pe=0.0,  # primary energy is not an indicator here
        if_electricity_mix_gwp=grid["climate_change"],
        if_electricity_mix_wue=grid["water_consumption"] * 1000,  # m3 -> L per kWh
        datacenter_pue=values["pue"], datacenter_wue=values["wue_l_per_kwh"])
    dag = compute_llm_impacts_dag(**inputs, request_latency=math.inf)  # for its defaults
    inputs["request_latency"] = values["replica_hours_per_request"] * 3600 * dag["batch_size"]
    eco = compute_llm_impacts(**inputs)
    own_latency = dag["generation_latency"]  # its regression, no latency cap
    dag = compute_llm_impacts_dag(**inputs)
    ours = {ind: sum(v for code, v in res.indicators[ind].by_activity.items()
                     if code.startswith(SCOPE[0]) or code == SCOPE[1])
            for _, ind, _, _ in INDICATORS if ind}
    ours[None] = res.energy_by_stage_kwh.get("inference", 0.0)
    hw = {ind: res.indicators[ind].by_activity.get(SCOPE[1], 0.0)
          for ind in ("climate_change", "abiotic_depletion_elements")}
    return dict(path=path, res=res, values=values, spec=spec, grid=grid,
                active=active, total=total, eco=eco, dag=dag, own_latency=own_latency,
                ours=ours, hardware=hw, notes=notes)


def _values(db: str) -> dict:
    """The service's parameter values, as written in its Brightway database."""
    from bw2data.parameters import DatabaseParameter

    from lca.bw.project import use_project
    from lca.formula import evaluate_all

    with use_project():
        rows = DatabaseParameter.select().where(DatabaseParameter.database == db)
        return evaluate_all({p.name: p.formula or p.amount for p in rows})


def _spec(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def _record(category: str, ident: str) -> dict:
    from lca.api import catalog

    return next(r for r in catalog(category) if r["id"] == ident)


def _eco(run: dict, attr: str) -> float:
    value = getattr(run["eco"], attr).value
    return getattr(value, "mean", value)


def _eco_part(run: dict, part: str) -> float:
    value = getattr(run["eco"], part).gwp.value
    return getattr(value, "mean", value)


def _table(results: dict, rev: str) -> None:
    print(f"{'':37}| {'before (' + rev + ')':^29} | {'after (working tree)':^29} |")
    head = (f"{'service':14} {'indicator':21} | {'genai-lca':>11} {'EcoLogits':>10} "
            f"{'ratio':>6} | {'genai-lca':>11} {'EcoLogits':>10} {'ratio':>6} | after/before")
    print(head)
    print("-" * len(head))
    for name, runs in results.items():
        for label, ind, attr, factor in INDICATORS:
            cells, ratios = [], []
            for run in runs:
                if run is None:
                    cells.append(f"{'-':>11} {'-':>10} {'-':>6}")
                    ratios.append(None)
                    continue
                ours, theirs = run["ours"][ind] * factor, _eco(run, attr)
                ratio = ours / theirs if theirs else float("nan")
                ratios.append(ratio)
                cells.append(f"{ours:11.4g} {theirs:10.4g} {ratio:6.2f}")
            change = (f"{ratios[1] / ratios[0]:6.2f}" if ratios[0] and ratios[1]
                      and not math.isnan(ratios[0]) else "")
            print(f"{name:14} {label:21} | {cells[0]} | {cells[1]} | {change}")
    print("ratio = genai-lca (same scope) / EcoLogits; after/before = the change of that "
          "ratio. The catalogue's grids have no ADPe\nper kWh (0, passed as such to "
          "EcoLogits), so ADPe compares embodied hardware only.")


def _explain(run: dict) -> list[str]:
    """One line per source of difference, from both tools' intermediate figures."""
    v, d, spec = run["values"], run["dag"], run["spec"]
    model = spec["model"]["inference"]["energy_model"]
    gpus, t = v["gpus_per_replica"], v["replica_hours_per_request"] * 3600
    per_server = v["gpus_per_server"]
    batch = d["batch_size"]
    n_eco, t_eco = d["gpu_required_count"], d["generation_latency"] / batch
    gpu_kwh = gpus * v["gpu_power_serving_w"] * t / 3.6e6
    host_kwh = gpus / per_server * v["host_power_w"] * t / 3.6e6
    eco_gpu, eco_host = n_eco * d["gpu_energy"], d["server_energy"]
    server = _record("servers", f"server-{spec['model']['hardware']['server']}")
    acc = _record("accelerators", f"accelerator-{spec['model']['hardware']['accelerator']}")
    lines = list(run["notes"])

    given = "given" if model != "roofline" else "roofline: weights + KV cache at the batch"
    lines.append(
        f"model {model}; GPUs per replica {gpus:g} ({given}) vs EcoLogits {n_eco} "
        f"(1.2 x {run['total'] / 1e9:.3g} B x 16 bit / {d['gpu_memory']} GB, power of two)")
    capped = "our replica time x 64 (shorter)" if d["generation_latency"] < run["own_latency"] \
        else "its own latency regression (shorter than our replica time x 64)"
    lines.append(
        f"server time per request: ours {t:.4g} s = replica time; EcoLogits {t_eco:.4g} s "
        f"= latency / {batch}, latency = min(our {t * batch:.3g} s, its regression "
        f"{run['own_latency']:.3g} s) -> {capped}")
    b = f"batch {v['batch']:g}" if "batch" in v else f"no batch: {model} model"
    if "prefill_s_per_request" in v:
        b += f", prefill {v['prefill_s_per_request']:.3g} s of it, which EcoLogits has not"
    j_ours = v["gpu_power_serving_w"] * t / v["output_tokens_per_request"]
    j_eco = d["gpu_energy"] * 3.6e6 / v["output_tokens_per_request"]
    lines.append(
        f"GPU energy: ours {gpus:g} x {v['gpu_power_serving_w']:.0f} W x {t:.3g} s ({b}; "
        f"{j_ours:.3g} J/output token/GPU) = {gpu_kwh * 1e3:.3g} Wh vs EcoLogits {n_eco} x "
        f"its regression at batch {batch} on {run['active'] / 1e9:.3g} B active ({j_eco:.3g} "
        f"J/token/GPU) = {eco_gpu * 1e3:.3g} Wh -> x{_r(gpu_kwh, eco_gpu)}")
    if model == "roofline":
        how = (f"by load: {v['host_idle_w']:.0f} + ({v['host_peak_w']:.0f} - "
               f"{v['host_idle_w']:.0f}) x activity {v['serving_activity']:.2f}")
    else:
        how = f"the server's peak non-GPU power ({server['nongpu_peak_w']:.0f} W)"
    lines.append(
        f"host energy: ours {v['host_power_w']:.0f} W per {per_server:g}-GPU server ({how}) "
        f"x {gpus:g}/{per_server:g} x {t:.3g} s = {host_kwh * 1e3:.3g} Wh vs EcoLogits' "
        f"server power {d['server_power'] * 1e3:.0f} W per {d['server_gpu_count']} GPUs x "
        f"{n_eco}/{d['server_gpu_count']} x {t_eco:.3g} s = {eco_host * 1e3:.3g} Wh "
        f"-> x{_r(host_kwh, eco_host)}")
    it_eco = d["request_it_energy"]
    lines.append(
        f"IT energy: ours {(gpu_kwh + host_kwh) * 1e3:.3g} Wh vs {it_eco * 1e3:.3g} Wh "
        f"(x{_r(gpu_kwh + host_kwh, it_eco)}); PUE {v['pue']:g} and WUE "
        f"{v['wue_l_per_kwh']:g} L/kWh are the same inputs to both (datacentre record "
        f"{spec['model']['hardware']['datacenter']}), so energy and water follow IT energy")
    grid, facility = run["grid"], run["ours"][None]
    el = run["res"].indicators["climate_change"].by_activity.get("inference-electricity", 0.0)
    eff = el / facility if facility else float("nan")
    lines.append(
        f"grid: {grid['id']} {grid['climate_change']:.4g} kg CO2-eq/kWh, "
        f"{grid['water_consumption'] * 1e3:.3g} L/kWh, ADPe {grid['abiotic_depletion_elements']:g}"
        f" (catalogue, passed to EcoLogits); ours through Brightway {eff:.4g} kg/kWh "
        f"(x{_r(eff, grid['climate_change'])})")
    use_h = v["hardware_lifetime_years"] * 8760 * v["hardware_utilisation"]
    emb_ours, emb_eco = run["hardware"]["climate_change"], d["request_embodied_gwp"]
    per_gpu = acc["climate_change"] + server["climate_change"] / per_server
    eco_per_gpu = d["gpu_embodied_gwp"] + d["server_embodied_gwp"] / d["server_gpu_count"]
    share = emb_ours / run["ours"]["climate_change"] if run["ours"]["climate_change"] else 0
    lines.append(
        f"embodied GWP: ours {emb_ours:.3g} kg ({share:.0%} of same scope): {gpus:g} GPU x "
        f"{t:.3g} s / ({v['hardware_lifetime_years']:g} yr x utilisation "
        f"{v['hardware_utilisation']:g}) x {per_gpu:.0f} kg per GPU with its server share "
        f"(bottom-up {acc['id'].split('-', 1)[1]} + {server['id'].split('-', 1)[1]}/"
        f"{per_server:g}) vs EcoLogits {emb_eco:.3g} kg: {n_eco} GPU x {t_eco:.3g} s / "
        f"{d['server_lifetime'] / 3.1536e7:g} yr x {eco_per_gpu:.0f} kg -> "
        f"x{_r(emb_ours, emb_eco)}")
    eco_use, eco_emb = (_eco_part(run, part) for part in ("usage", "embodied"))
    lines.append(
        f"GWP usage + embodied: ours {run['ours']['climate_change'] - emb_ours:.3g} + "
        f"{emb_ours:.3g} kg vs EcoLogits {eco_use:.3g} + {eco_emb:.3g} kg (embodied "
        f"{eco_emb / (eco_use + eco_emb):.0%} of its GWP)")
    adp_gpu = acc["abiotic_depletion_elements"] + server["abiotic_depletion_elements"] / per_server
    eco_adp = d["server_gpu_embodied_adpe"] / n_eco
    adp_ours, adp_eco = run["hardware"]["abiotic_depletion_elements"], d["request_embodied_adpe"]
    lines.append(
        f"ADPe (embodied only): ours {adp_gpu:.3g} kg Sb-eq per GPU with server share over "
        f"{use_h:,.0f} h of use vs EcoLogits {eco_adp:.3g} over "
        f"{d['server_lifetime'] / 3600:,.0f} h, times as above -> x{_r(adp_ours, adp_eco)}")
    return lines


def _r(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "nan"


if __name__ == "__main__":
    main()
