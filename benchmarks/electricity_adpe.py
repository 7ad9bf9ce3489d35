"""Abiotic depletion (EF 3.1 ADP elements) of grid electricity per kWh: genai-lca's country
mixes side by side with a published per-kWh figure (issue 14).

    python benchmarks/electricity_adpe.py [--data-dir DIR]

The published figures are ADEME-derived (ADEME Base Empreinte) and are NOT in this
repository: :func:`ademe_adpe_via_ecologits` reads them at run time from the installed
EcoLogits package (MPL-2.0; ``ecologits/data/electricity_mixes.json``, field ``adpe`` in
kg Sb-eq/kWh), labelled as such. Source id: ``ecologits-electricity-mixes-ademe``.

Scope differs, so only the order of magnitude is expected to agree: ADEME's values are full
life-cycle inventories (fuel chains, plant construction, and, depending on the dataset, the
grid), genai-lca's are the plant metals of each technology (IEA 2021 kg/MW, DOE QTR 2015
t/TWh, PV silver) plus the transmission and distribution network's metals (Deetman et al.
2021 global stock / lifetime / world generation, the same 5.99e-8 kg Sb-eq/kWh on every
grid) on biosphere3 resource flows.

The world comparison uses the generation-weighted mean of ADEME's country values (weights:
``country_mix.csv`` ``total_twh``), because EcoLogits' own ``WOR`` row is lower than every
large country's value and cannot be a mean of them.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIXES = ROOT / "inventories" / "background" / "electricity" / "country_mix.csv"
#: World + five countries that cover coal-, gas-, nuclear- and renewables-heavy grids.
COUNTRIES = ("WORLD", "FRA", "USA", "CHN", "DEU", "IND", "JPN", "GBR")
LABEL = "ADEME-derived, read at run time from EcoLogits' electricity_mixes.json"


def ademe_adpe_via_ecologits() -> dict[str, float]:
    """ISO3 -> ADPe in kg Sb-eq per kWh as shipped in the installed EcoLogits (ADEME-derived).

    Raises ImportError when EcoLogits is not installed (``pip install -e '.[compare]'``)."""
    import ecologits

    path = Path(ecologits.__file__).parent / "data" / "electricity_mixes.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["electricity_mixes"]
    return {r["name"]: float(r["adpe"]) for r in rows if r.get("adpe") is not None}


def generation_weighted_world(per_country: dict[str, float]) -> float:
    """Mean of per-country values weighted by generation (TWh) in ``country_mix.csv``, over
    the countries present in both."""
    with MIXES.open(encoding="utf-8") as fh:
        twh = {r["iso3"]: float(r["total_twh"]) for r in csv.DictReader(fh)
               if r["iso3"] != "WORLD"}
    common = [c for c in twh if c in per_country]
    return sum(twh[c] * per_country[c] for c in common) / sum(twh[c] for c in common)


def cross_check(ours: dict[str, float], published: dict[str, float]) -> list[dict]:
    """One row per place of :data:`COUNTRIES`: ours, the published figure, their ratio."""
    out = []
    for iso3 in COUNTRIES:
        ref = generation_weighted_world(published) if iso3 == "WORLD" else published[iso3]
        out.append({"iso3": iso3, "ours": ours[iso3], "published": ref,
                    "ratio": ours[iso3] / ref})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    from lca.api import catalog

    grids = {g["id"]: g["abiotic_depletion_elements"]
             for g in catalog("grids", data_dir=args.data_dir)}
    ours = {iso3: grids[f"electricity-{iso3}"] for iso3 in COUNTRIES}
    rows = cross_check(ours, ademe_adpe_via_ecologits())
    print(f"ADPe of grid electricity, kg Sb-eq per kWh (published: {LABEL})")
    print(f"{'place':<7}{'genai-lca':>12}{'published':>12}{'ratio':>8}")
    for r in rows:
        print(f"{r['iso3']:<7}{r['ours']:>12.3e}{r['published']:>12.3e}{r['ratio']:>8.2f}")


if __name__ == "__main__":
    main()
