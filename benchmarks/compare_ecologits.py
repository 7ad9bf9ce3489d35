"""Side by side with EcoLogits: the reference chat services, per request, same inputs.

    pip install -e '.[compare]' && python benchmarks/compare_ecologits.py

EcoLogits (MPL-2.0, installed from the package index; its code is called, not copied)
estimates one request from the model's active/total parameters, the output tokens, the
request latency, the grid (GWP, water per kWh) and the datacentre (PUE, WUE). It has no
training, no datacentre building and no end of life, so genai-lca's figures are shown both
in full and restricted to the same scope (inference operation + inference hardware).
Inputs passed to EcoLogits are genai-lca's own: the grid's kg CO2-eq/kWh and L/kWh from
the catalogue, the service's PUE/WUE, and its replica time per request (x EcoLogits' batch
of 64) as the latency.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: EcoLogits divides a request's latency by the batch it assumes (64, a constant of its
#: impacts/llm.py per shared/research/open-data-sources.md section 1.2) to get the request's
#: share of the server; genai-lca's replica time per request is already that share, so the
#: latency passed is replica time x 64 and both tools allocate the same server time.
ECOLOGITS_BATCH = 64
SERVICES = {  # service file -> (active, total) parameters in billions, as the files state
    "chat-70b-h100": (70.0, 70.0),
    "chat-8b-h200": (8.0, 8.0),
    "moe-47b-h100": (12.9, 46.7),
}


def main() -> None:
    try:
        from ecologits.impacts.llm import compute_llm_impacts
    except ImportError:
        sys.exit("EcoLogits is not installed: pip install -e '.[compare]'")
    from lca.api import assess, catalog

    grids = {g["id"]: g for g in catalog("grids")}
    rows = []
    for name, (active, total) in SERVICES.items():
        res = assess(ROOT / "inventories" / "services" / f"{name}.yaml")
        db = res.functional_unit["reference_flow"]["activity"][0]
        values = _values(db)
        grid = grids[f"electricity-{_location(name)}"]
        eco = compute_llm_impacts(
            model_active_parameter_count=active, model_total_parameter_count=total,
            output_token_count=values["output_tokens_per_request"],
            if_electricity_mix_adpe=grid["abiotic_depletion_elements"],
            if_electricity_mix_pe=0.0,  # primary energy is not an indicator here
            if_electricity_mix_gwp=grid["climate_change"],
            if_electricity_mix_wue=grid["water_consumption"] * 1000,  # m3 -> L per kWh
            datacenter_pue=values["pue"], datacenter_wue=values["wue_l_per_kwh"],
            request_latency=values["replica_hours_per_request"] * 3600 * ECOLOGITS_BATCH)
        same = ("inference", "inference-hardware")
        ours = {k: sum(v for code, v in ind.by_activity.items()
                       if code.startswith(same[0]) or code == same[1])
                for k, ind in res.indicators.items()}
        rows.append((name, res, ours, eco))
    _print(rows)


def _values(db: str) -> dict:
    """The service's parameter values, as written in its Brightway database."""
    from bw2data.parameters import DatabaseParameter

    from lca.bw.project import use_project
    from lca.formula import evaluate_all

    with use_project():
        rows = DatabaseParameter.select().where(DatabaseParameter.database == db)
        return evaluate_all({p.name: p.formula or p.amount for p in rows})


def _location(name: str) -> str:
    text = (ROOT / "inventories" / "services" / f"{name}.yaml").read_text()
    return text.split("location: ", 1)[1].split("}", 1)[0].strip()


def _print(rows) -> None:
    head = (f"{'service':16} {'metric':24} {'genai-lca full':>15} {'genai-lca same scope':>21} "
            f"{'EcoLogits':>12} {'same/Eco':>9}")
    print(head)
    print("-" * len(head))
    for name, res, ours, eco in rows:
        energy_same = sum(v for k, v in res.energy_by_stage_kwh.items() if k == "inference")
        metrics = [
            ("energy, kWh", res.energy_total_kwh, energy_same, eco.energy.value),
            ("GWP, kg CO2-eq", res.indicators["climate_change"].total, ours["climate_change"],
             eco.gwp.value),
            ("water consumption, L", res.indicators["water_consumption"].total * 1000,
             ours["water_consumption"] * 1000, eco.wcf.value),
            ("ADPe, kg Sb-eq", res.indicators["abiotic_depletion_elements"].total,
             ours["abiotic_depletion_elements"], eco.adpe.value),
        ]
        for label, full, same, theirs in metrics:
            theirs = getattr(theirs, "mean", theirs)
            ratio = same / theirs if theirs else float("nan")
            print(f"{name:16} {label:24} {full:15.4g} {same:21.4g} {theirs:12.4g} {ratio:9.2f}")


if __name__ == "__main__":
    main()
