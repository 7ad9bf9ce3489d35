"""Write the tutorial notebooks (``notebooks/NN-*.ipynb``, nbformat 4, without outputs).

The notebooks are generated from the cell lists below so that they stay reviewable as
plain Python and are regenerated identically (fixed cell ids)::

    python notebooks/_build.py            # rewrite every notebook
    python notebooks/_build.py --check    # exit 1 if a committed notebook is stale

``tests/test_notebooks.py`` executes every notebook (nbclient) and checks that the
committed files match this script. Prose never states a computed number: results are shown
by the code cells, so the text cannot go stale when the data change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

# Every notebook starts the same way: figures inline, repository paths found from the
# notebook's folder (no hard-coded path), the Brightway project set up (fast when current;
# the data directory is BRIGHTWAY2_DIR or Brightway's default).
SETUP = '''\
%matplotlib inline
from pathlib import Path

import pandas as pd

import lca.api as api
from lca.report import plots

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "pyproject.toml").is_file())
SERVICES = ROOT / "inventories" / "services"
pd.options.display.float_format = "{:.4g}".format
pd.options.display.max_colwidth = 120

setup = api.setup()
print(f"project {setup.project} in {setup.data_dir} "
      f"({'already current' if setup.already else 'set up now'}, {setup.seconds:.1f} s)")'''

SETUP_NOTE = '''\
The first cell finds the repository from the notebook's folder and calls `api.setup()`,
which creates the Brightway project on first use (offline, well under a minute) and
returns at once afterwards. The data directory is `BRIGHTWAY2_DIR` if set, else Brightway's own, so
Activity Browser sees the same project.'''


# --------------------------------------------------------------------------- 01
QUICKSTART = [
    ("md", '''\
# 01 - Quick start: assess a service

This notebook assesses one reference service, a chat assistant on a 70B dense model served
on 8x H100, and shows its footprint per request by lifecycle stage, the warnings that come
with it, the service's graph and where the impact flows through it.

**Indicators.** Climate change (IPCC 2021 GWP100, kg CO2-eq), water consumption (m3),
water scarcity (AWARE, m3 world-eq deprived), abiotic depletion of elements (EF 3.1,
kg Sb-eq), plus the grid electricity drawn (kWh, at the facility meter).'''),
    ("md", SETUP_NOTE),
    ("code", SETUP),
    ("md", '''\
## The functional unit

Every number is *per functional unit*: the quantity of service the footprint is attributed
to. A chat service declares `request` (the default), `1k-output-tokens`, `service-year` and
`whole-service`. A request here is the average request of the service file (its input and
output token counts are parameters of the file, shown below). Results for different
functional units are the same model scaled, not different models.'''),
    ("code", '''\
SERVICE = SERVICES / "chat-70b-h100.yaml"
result = api.assess(SERVICE)            # fu="request", the service's first unit
print(result.service_name)
result.functional_unit'''),
    ("md", '''\
## Results by lifecycle stage

- **manufacture**: the accelerators and servers, by time share (the GPU-hours this unit
  uses / the hours of the hardware's life at its utilisation);
- **transport**: shipping hardware, where the service includes it;
- **training**: the model's training campaign, amortised over the requests served in the
  deployment (see `provenance["allocation"]`);
- **inference**: electricity (IT energy x PUE, from the grid named in the file) and on-site
  cooling water while serving;
- **datacenter infrastructure**: the building and its power and cooling equipment, by
  share of IT capacity;
- **end of life**: collection and treatment of retired hardware (cut-off).

`by_stage` always sums to `total` exactly.'''),
    ("code", '''\
frame = result.to_frame()
table = frame.pivot(index=["label", "unit"], columns="stage", values="value")
table = table[result.stages + ["total"]]
table'''),
    ("code", '''\
shares = 100 * table[result.stages].div(table["total"], axis=0)
shares.round(1)   # % of each indicator's total'''),
    ("code", '''\
plots.stage_contributions_figure(result)'''),
    ("md", '''\
## Warnings: what the file did not say

Each `default-<parameter>` warning names a value the service file did not give and that
was taken from a background record (with that record's source). Override it by giving the
parameter in the file. The `aware-*` warning says which AWARE factors the water scarcity
used: where only the world-average factor applies, water scarcity is simply water
consumption times one number and says nothing about *where* the water is taken.'''),
    ("code", '''\
pd.DataFrame(result.warnings)'''),
    ("md", '''\
## Another functional unit

Per 1,000 output tokens is convenient for comparing chat services with different request
lengths (see notebook 04). The reference flow says how many requests one unit is.'''),
    ("code", '''\
per_tokens = api.assess(SERVICE, fu="1k-output-tokens")
print("1k-output-tokens =", per_tokens.functional_unit["reference_flow"]["amount"], "requests")
pd.DataFrame({"per request": {i.label: i.total for i in result.indicators.values()},
              "per 1,000 output tokens": {i.label: i.total
                                          for i in per_tokens.indicators.values()}})'''),
    ("md", '''\
## One prepared service, many questions

`api.prepare(SERVICE)` returns the service ready to compute: the file is read, built and
written into the project once, and each verb (`assess`, `contributions`, `compile`,
`uncertainty`, `sensitivity`, `graph`, `export`) computes on it. Results are remembered
per functional unit and kept in a cache keyed on the content of every input (the service
file, the background and method files, the package), so asking again, even from a new
process, costs nothing until one of them, or the Brightway project itself, changes. The
`api.assess` calls above already went through it.'''),
    ("code", '''\
svc = api.prepare(SERVICE)
print(svc, "->", svc.database)
svc.assess("1k-output-tokens") is svc.assess("1k-output-tokens")   # the same result object'''),
    ("code", '''\
svc.contributions(top=5).processes.head(6)'''),
    ("md", '''\
## The service graph

genai-lca writes the service as Brightway activities, one per stage and sub-stage, whose
exchanges are formulas over the service's parameters. The graph shows them (coloured by
stage) and the background activities they draw on (grey).'''),
    ("code", '''\
graph = api.graph(SERVICE)
plots.stage_graph_figure(graph)'''),
    ("md", '''\
## Where the impact comes from

`api.contributions` gives the largest processes and elementary flows (plus one `rest` row,
so each indicator's rows sum to its total) and the impact carried by each link of the
graph. Link widths below are proportional to the climate impact carried.'''),
    ("code", '''\
contrib = api.contributions(SERVICE, top=8)
labels = plots.result_labels(result)
plots.impact_graph_figure(graph, contrib.edges, "climate_change", labels=labels, per="request")'''),
    ("code", '''\
top = contrib.processes[contrib.processes["indicator"] == "climate_change"]
top[["rank", "name", "location", "stage", "score", "share"]]'''),
    ("md", '''\
### Pre-characterised data

Some sources publish only a score (for example a life-cycle kg CO2-eq per kWh of a
generation technology, or a vendor's product carbon footprint), not the elementary flows
behind it. Those enter as *pre-characterised* flows with a characterisation factor of 1
for their own indicator. The share below is the part of each total resting on such
scores: for that part the method's own characterisation factors are not applied (the
source's choice of GWP values stands), and the other indicators receive nothing from it,
so they may be underestimated there.'''),
    ("code", '''\
pd.Series(contrib.precharacterised_share, name="share of total resting on published scores")'''),
    ("md", '''\
## What these numbers mean, and what they do not

- They are an **attributional** footprint of the average functional unit of the service
  *as described by its file*. The reference services are illustrative set-ups with sourced
  but assumed serving figures (throughput, power, demand), not measurements of any
  provider's production system.
- They are **deterministic**: one value per parameter. How far they can move with the
  parameters' uncertainty is the subject of notebook 03.
- **Not included**: the user's device, the network between the user and the datacentre,
  and anything the service file does not describe (for example other systems a request
  calls, such as search or retrieval services).
- Training is **amortised** over the requests served; a different allocation
  (`allocation: {training: tokens}` or `share`) changes the training stage, and the
  `provenance["allocation"]` block of every result records the rule used.
- Brightway stores exchange amounts as **float32** (about 7 significant digits): digits
  beyond the fourth or fifth of a result carry no information.
- Water scarcity with the **AWARE world average** (see the warning above) is not a local
  water-stress assessment.'''),
    ("code", '''\
pd.DataFrame(result.provenance["inventories"])[["database", "digest"]]'''),
]

# --------------------------------------------------------------------------- 02
BUILD = [
    ("md", '''\
# 02 - Build your own service inventory

A service is a YAML file (`format: genai-lca/service@1`). With a `model:` block you name
the hardware, datacentre and grid from the catalogue and give every number as a parameter
with a unit and a source; genai-lca generates one Brightway activity per lifecycle stage.
This notebook writes such a file from scratch (a Python dict dumped to YAML), validates
it, shows what a validation error looks like, assesses it and compares it with a
reference service. `inventories/services/README.md` lists every parameter.'''),
    ("md", SETUP_NOTE),
    ("code", SETUP + '''

import copy
import tempfile

import yaml

from lca.errors import InputError'''),
    ("md", '''\
## Choose hardware, datacentre and grid from the catalogue

The catalogue lists what the background offers, with each item's footprint per unit. A
service names an accelerator, server or datacentre by its id *without* the
`accelerator-` / `server-` / `datacenter-` prefix, and a grid by its location (ISO3 code,
`US-XX`, `CN-XX` or `WORLD`).'''),
    ("code", '''\
accelerators = pd.DataFrame(api.catalog("accelerators"))
accelerators[["id", "tdp_w", "memory_gb", "climate_change", "abiotic_depletion_elements"]]'''),
    ("code", '''\
datacenters = pd.DataFrame(api.catalog("datacenters"))
datacenters[["id", "location", "pue", "wue_l_per_kwh", "cooling", "year"]].head(12)'''),
    ("md", '''\
## Write the service

The example is an 8B chat model served on one NVIDIA L4 per replica, in a colocation
datacentre with free-air cooling, on the French grid. It mirrors the structure of the
reference `chat-8b-h200.yaml` (same model, same training campaign), with different
hardware, site and serving figures. The serving figures are illustrative: in a real
inventory they would come from your own measurements, cited as a new entry of
`inventories/SOURCES/` (here they cite the project's serving-assumptions entry, since a
source id must resolve to the bibliography).

Parameters with an `uncertainty` block take part in Monte Carlo and sensitivity analysis;
values the file leaves out (PUE, WUE, host power, masses) are taken from the background
records and reported as warnings.'''),
    ("code", '''\
ASSUMED = "genai-lca-reference-serving-assumptions"
LLAMA3_8B = "meta-llama3-8b-model-card-2024"


def param(name, amount, unit, source=ASSUMED, **extra):
    return {"name": name, "amount": amount, "unit": unit, "source": source, **extra}


def triangular(low, high):
    return {"type": "triangular", "minimum": low, "maximum": high}


service = {
    "format": "genai-lca/service@1",
    "service": {"id": "chat-8b-l4-fra", "kind": "chat",
                "name": "Chat assistant, 8B model on one L4, France (notebook example)"},
    "model": {
        "hardware": {"accelerator": "nvidia-l4-24gb", "server": "archetype-pcie-8x-l4",
                     "datacenter": "colocation-air-free-cooling"},
        "electricity": {"location": "FRA"},
        "training": {"energy": "gpu-hours"},
        "inference": {"energy_model": "throughput"},
    },
    "parameters": [
        # demand
        param("requests_per_day", 1.0e6, "request / day"),
        param("deployment_years", 1, "year"),
        param("input_tokens_per_request", 500, "token / request"),
        param("output_tokens_per_request", 300, "token / request"),
        # serving (throughput model): one L4 per replica
        param("gpus_per_replica", 1, "unit"),
        param("replica_output_tokens_per_s", 300, "token / second",
              uncertainty=triangular(150, 600)),
        param("gpu_power_serving_w", 65, "W", uncertainty=triangular(45, 72)),
        # hardware and datacentre
        param("hardware_lifetime_years", 5, "year", "hyperscaler-depreciation-2024",
              uncertainty=triangular(3, 6)),
        param("hardware_utilisation", 0.6, "dimensionless", minimum=0.01, maximum=1),
        param("dc_load_factor", 0.6, "dimensionless"),
        param("host_mass_kg", 25, "kg", comment="2U PCIe server; the archetype has no mass"),
        # training: Llama 3 8B, as in the reference chat-8b-h200
        param("training_gpu_hours", 1.3e6, "hour", LLAMA3_8B),
        param("training_gpu_power_w", 700, "W", LLAMA3_8B),
        param("training_power_includes_pue", 1, "dimensionless", LLAMA3_8B),
    ],
}

workdir = tempfile.TemporaryDirectory(prefix="genai-lca-notebook-")
MINE = Path(workdir.name) / "chat-8b-l4-fra.yaml"
MINE.write_text(yaml.safe_dump(service, sort_keys=False), encoding="utf-8")
print(MINE.read_text(encoding="utf-8"))'''),
    ("md", '''\
## Validate

`api.validate` runs every check (schema, exchange units, links, sources, formulas,
bounds, physical domains, cycles) without writing anything, and returns the Brightway
database(s) the file would become. The model reads each parameter in the unit listed in
`inventories/services/README.md` (W, hours, years...): give them in those units. A problem raises `lca.errors.InputError`, which lists *every* problem
found, each with file, dataset and field.'''),
    ("code", '''\
databases = api.validate([MINE])
databases'''),
    ("md", '''\
A deliberately broken copy: a serving power in kW (the model reads W), a negative
hardware lifetime and a utilisation above 1 (each parameter's physical domain is listed in
`inventories/services/README.md`). All three are reported at once; nothing is written.'''),
    ("code", '''\
broken = copy.deepcopy(service)
params = {p["name"]: p for p in broken["parameters"]}
params["gpu_power_serving_w"]["unit"] = "kW"
params["hardware_lifetime_years"]["amount"] = -5
params["hardware_utilisation"]["amount"] = 1.5
BROKEN = Path(workdir.name) / "broken.yaml"
BROKEN.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")

try:
    api.validate([BROKEN])
except InputError as error:
    validation_error = str(error)
    print(validation_error)'''),
    ("md", '''\
## Assess it

The first `assess` writes the service as a Brightway database in the project
(`genai-service-chat-8b-l4-fra`, kept there: Activity Browser can open it). Note the
`default-*` warnings: PUE, WUE and host power came from the catalogue records.'''),
    ("code", '''\
mine = api.assess(MINE, fu="1k-output-tokens")
print(mine.to_text())'''),
    ("md", '''\
## Compare with the reference

Per 1,000 output tokens, since the two services' requests need not be the same length.
First the deterministic results side by side, then a short paired Monte Carlo comparison
(notebook 04 explains it in full).'''),
    ("code", '''\
REFERENCE = SERVICES / "chat-8b-h200.yaml"
reference = api.assess(REFERENCE, fu="1k-output-tokens")
side = pd.DataFrame({
    "unit": {k: i.unit for k, i in mine.indicators.items()},
    mine.service: {k: i.total for k, i in mine.indicators.items()},
    reference.service: {k: i.total for k, i in reference.indicators.items()},
})
side["ratio"] = side[mine.service] / side[reference.service]
side'''),
    ("code", '''\
plots.stage_contributions_figure([mine, reference])'''),
    ("code", '''\
comparison = api.compare([MINE, REFERENCE], 2000, seed=2, fu="1k-output-tokens")
comparison.pairs()[["a", "b", "indicator", "p_a_lower", "ratio_median", "ratio_p2.5",
                    "ratio_p97.5", "deterministic_ratio"]]'''),
    ("md", '''\
## What this comparison says, and what it does not

- The two services share the training campaign and its figures, so the difference comes
  from hardware (embodied share per token), site (PUE, water), grid and serving
  throughput. The stage plot shows which.
- The new file's serving figures are illustrative. A difference is only as good as the
  weakest figure behind it: before drawing conclusions, give measured throughput and
  power with their ranges and sources.
- Defaults taken from the catalogue (warnings above) are the catalogue record's values,
  not yours.
- The Monte Carlo spreads only cover the parameters that carry an `uncertainty` block.'''),
    ("code", '''\
workdir.cleanup()   # the temporary folder; the database stays in the project'''),
]

# --------------------------------------------------------------------------- 03
UNCERTAINTY = [
    ("md", '''\
# 03 - Uncertainty and sensitivity

How far can the reference chat service's footprint move, and which parameters move it?
Monte Carlo propagates the distributions the service file gives (`uncertainty:` blocks on
parameters and exchanges); one-at-a-time (OAT) and Sobol analyses rank the parameters.'''),
    ("md", SETUP_NOTE),
    ("code", SETUP + '''

import numpy as np

from lca.analysis import sensitivity'''),
    ("md", '''\
## Monte Carlo

`api.uncertainty` compiles the service into a vectorised model (the same numbers as
Brightway, to about 1e-12) and samples it. The seed is explicit: the same seed gives the
same samples whatever the number of samples, batch size or workers.'''),
    ("code", '''\
SERVICE = SERVICES / "chat-70b-h100.yaml"
SAMPLES, SEED = 20_000, 42
mc = api.uncertainty(SERVICE, SAMPLES, seed=SEED)
mc.summary()'''),
    ("md", '''\
How to read the summary:

- `deterministic` is the value `assess` reports (every parameter at its stated value);
  `mean` and `median` can differ from it markedly when distributions are skewed
  (lognormal demand, for example) or when the result is non-linear in a parameter (a
  footprint per request varies as 1 / requests served).
- `p2.5`-`p97.5` is the central 95 % interval of the *modelled* uncertainty: it covers
  only the parameters with a distribution, not model-structure choices, not the
  background data (unless `background=True`, below), not the characterisation factors.
- `standard_error` is the Monte Carlo error of the mean; `converged` says it is below 1 %
  of the mean. It is not a measure of the footprint's uncertainty.'''),
    ("code", '''\
labels = plots.result_labels(api.assess(SERVICE))
plots.distribution_figure({"chat-70b-h100": mc}, labels=labels, per="request")'''),
    ("code", '''\
plots.histogram_figure(mc, "climate_change", labels=labels, per="request")'''),
    ("md", '''\
## Background uncertainty

By default the background (hardware footprints, grid mixes, datacentre infrastructure) is
taken at its stated values. `background=True` (CLI: `--background`) also samples the
background's uncertain entries, without refactorising the background matrix. The
foreground draws depend only on the seed (not on the number of samples, nor on
`background`), so the first 2,000 samples of the run above differ from the small run
below *only* by the background's draws. A ratio near 1 means the background's stated
uncertainties add little to that indicator.'''),
    ("code", '''\
N_BG = 2_000
mc_bg = api.uncertainty(SERVICE, N_BG, seed=SEED, background=True)


def interval_width(samples):
    return np.percentile(samples, 97.5, axis=0) - np.percentile(samples, 2.5, axis=0)


width = pd.DataFrame({"foreground only": interval_width(mc.total[:N_BG]),
                      "with background": interval_width(mc_bg.total)}, index=mc.indicators)
width["ratio"] = width["with background"] / width["foreground only"]
width   # width of the 95 % interval, same foreground draws'''),
    ("md", '''\
## One at a time: the tornado

Each uncertain parameter is set to the 2.5 % and 97.5 % quantiles of its distribution,
the others staying at their values. The bars show the result at each end. OAT is cheap
and easy to read, but it misses interactions and says nothing about how likely each end
is.'''),
    ("code", '''\
model = api.compile(SERVICE)
oat = sensitivity.oat(model)
oat[oat["indicator"] == "climate_change"]'''),
    ("code", '''\
plots.tornado_figure(oat, "climate_change", labels=labels, per="request")'''),
    ("md", '''\
### Parameters without a distribution: `bounds=`

A parameter the file states as a fixed value (here `pue`, taken from the datacentre
record) is not in the analysis unless you give it a range. `bounds={name: (low, high)}`
(CLI: `--bounds pue=1.05:1.4`) brings it in: the low and high values themselves for OAT,
a uniform distribution over the range for Morris and Sobol. The range is your assumption,
so say where it comes from.'''),
    ("code", '''\
bounded = sensitivity.oat(model, bounds={"pue": (1.05, 1.4)})
bounded[(bounded["indicator"] == "climate_change")][["parameter", "value_low", "value_high",
                                                      "result_low", "result_high", "swing"]]'''),
    ("md", '''\
## Sobol indices

Sobol analysis apportions the *variance* of the result among the parameters, sampling all
of them together (SALib, Saltelli sampling; `base_samples` x (parameters + 2) model
runs):

- **S1** (first order): the share of the variance explained by the parameter alone;
- **ST** (total): its share including every interaction with the others. A parameter
  with ST near zero can be fixed anywhere in its range without changing the result's
  spread; ST much larger than S1 means it acts through interactions.

The bars carry 95 % confidence intervals (bootstrap). With few samples or heavy-tailed
inputs (a lognormal with a large geometric standard deviation) the estimates are noisy and
can fall outside [0, 1]: read the ranking and the intervals, not the third digit, and
increase `base_samples` before relying on a close call.'''),
    ("code", '''\
sobol = sensitivity.sobol(model, base_samples=1024, seed=SEED)
sobol[sobol["indicator"] == "climate_change"].sort_values("ST", ascending=False)'''),
    ("code", '''\
plots.sobol_figure(sobol, "climate_change", labels=labels, per="request")'''),
    ("md", '''\
## What these analyses mean, and what they do not

- They describe the **model as parameterised**: a parameter without a distribution (or
  bounds) cannot show up, however uncertain it is in reality. Check which parameters are
  fixed before concluding that "nothing else matters".
- Distributions come from the service file's sources and assumptions; a range that is a
  guess gives a sensitivity that is a guess.
- Sensitivity ranks are per indicator and per functional unit: the parameter that drives
  climate change need not drive abiotic depletion.
- Monte Carlo intervals are not confidence intervals on a measured quantity; they show
  what the stated uncertainties imply.'''),
]

# --------------------------------------------------------------------------- 04
COMPARE = [
    ("md", '''\
# 04 - Comparing services (for an auditor)

"Service A has a lower footprint than service B": how robust is the claim to the
uncertainty the inventories state? `api.compare` answers with a *paired* Monte Carlo
comparison: both services are sampled together, sample by sample, with common random
numbers, and the distribution of A/B, A-B and the probability P(A < B) are reported per
indicator.'''),
    ("md", SETUP_NOTE),
    ("code", SETUP + '''

import numpy as np'''),
    ("md", '''\
## Same functional unit

Compare like with like: three chat services per 1,000 output tokens (per request would
favour the service with shorter answers). An image service cannot be compared with a chat
service on a common unit.'''),
    ("code", '''\
NAMES = ["chat-70b-h100", "chat-8b-h200", "moe-47b-h100"]
FILES = [SERVICES / f"{name}.yaml" for name in NAMES]
FU = "1k-output-tokens"
results = [api.assess(f, fu=FU) for f in FILES]
pd.DataFrame({r.service: {i.label: i.total for i in r.indicators.values()} for r in results})'''),
    ("code", '''\
plots.stage_contributions_figure(results)'''),
    ("md", '''\
## Paired comparison with common random numbers

Within each Monte Carlo sample, every service draws from the same random streams:

- a parameter two services share **by name** (e.g. `gpu_power_serving_w`) draws from the
  same random stream in both, so it takes the same value when both give it the same
  distribution (and the same quantile of each when the distributions differ);
- the background is common: deterministic, or with `background=True` each uncertain
  background entry draws the same value in both.

So the spread of A/B shows the difference the services' *own* choices make, not sampling
noise or uncertainty the two share. The seed makes the run reproducible.'''),
    ("code", '''\
SAMPLES, SEED = 5_000, 11
comparison = api.compare(FILES, SAMPLES, seed=SEED, fu=FU)
pairs = comparison.pairs()
pairs'''),
    ("code", '''\
plots.comparison_figure(comparison, labels=plots.result_labels(results[0]))'''),
    ("md", '''\
## How to read P(A < B)

`p_a_lower` is the fraction of paired samples in which A's footprint is below B's, for
one indicator and one functional unit.

- Near 1 (or 0): A is lower (higher) in (almost) every combination of the stated
  uncertainties; the ranking is robust *to those uncertainties*.
- Near 0.5: the stated uncertainties do not separate the services; no ranking should be
  claimed.
- It is **not** a p-value or a statistical test on measured data, and it says nothing
  about uncertainties the two services share or that the model does not represent:
  common background data, the characterisation method, the system boundary, the
  allocation rule. Those cancel out of the comparison, by design.
- Ratios (`ratio_median`, `ratio_p2.5`-`ratio_p97.5`) say how large the difference is;
  `deterministic_ratio` is the ratio of the `assess` values, for reference.
- One claim per indicator: a service can be lower on climate change and higher on water.'''),
    ("md", '''\
## Why pairing matters

The clearest case is a service against a variant of itself. Below, the reference 70B
service is moved to the French grid (a copy of its file with one line changed), so every
uncertain parameter is shared. With common random numbers, both variants see the same
demand, throughput, power and lifetime in each sample, and the ratio isolates the grid.
Sampling each file with its own seed instead makes those parameters independent between
the two: the ratio's interval then mostly shows the parameters' own uncertainty, counted
twice, and P(A < B) drifts towards 0.5 although the grid is the only difference.'''),
    ("code", '''\
import tempfile

import yaml

variant = yaml.safe_load(FILES[0].read_text(encoding="utf-8"))
variant["service"]["id"] = "chat-70b-h100-fra"
variant["service"]["name"] += ", on the French grid"
variant["model"]["electricity"] = {"location": "FRA"}
workdir = tempfile.TemporaryDirectory(prefix="genai-lca-notebook-")
VARIANT = Path(workdir.name) / "chat-70b-h100-fra.yaml"
VARIANT.write_text(yaml.safe_dump(variant, sort_keys=False), encoding="utf-8")

paired = api.compare([VARIANT, FILES[0]], SAMPLES, seed=SEED, fu=FU)
a = api.uncertainty(VARIANT, SAMPLES, seed=1, fu=FU)     # independent streams
b = api.uncertainty(FILES[0], SAMPLES, seed=2, fu=FU)


def ratio_summary(x, y):
    r = x / y
    return {"ratio p2.5": np.percentile(r, 2.5), "ratio median": np.median(r),
            "ratio p97.5": np.percentile(r, 97.5), "P(A<B)": np.mean(x < y)}


rows = {}
for k, indicator in enumerate(a.indicators):
    rows[(indicator, "paired")] = ratio_summary(paired.results[0].total[:, k],
                                                paired.results[1].total[:, k])
    rows[(indicator, "independent")] = ratio_summary(a.total[:, k], b.total[:, k])
pd.DataFrame(rows).T'''),
    ("md", '''\
Note the indicators the grid does not change (abiotic depletion, energy): paired, the two
variants are identical in every sample, the ratio is exactly 1 and P(A < B) is 0, since a
tie is not "lower". Read P(A < B) together with the ratio.'''),
    ("code", '''\
workdir.cleanup()'''),
    ("md", '''\
## What to keep for the audit trail

Every result carries its provenance: the inventory digests, the methods, the package
versions and the allocation rules. With the seed and the number of samples, they are
enough to reproduce the comparison exactly.'''),
    ("code", '''\
pd.DataFrame(results[0].provenance["inventories"])[["database", "digest"]]'''),
    ("code", '''\
pd.DataFrame({r.service: r.provenance["allocation"] for r in results})'''),
    ("code", '''\
pd.Series(results[0].provenance["versions"], name="version")'''),
]

# --------------------------------------------------------------------------- 05
PROSPECTIVE = [
    ("md", '''\
# 05 - Prospective outlook

Two prospective views:

1. **The outlook**: world net CO2 under the SSP scenarios (RCMIP series) against ICT
   emissions growing at a chosen rate from a share of world emissions in a base year, with
   cumulative emissions against the AR6 remaining carbon budget; optionally with one AI
   service scaled to a demand.
2. **A service in a future year**: the same service file assessed as it would run in, say,
   2035 under a scenario (grid intensity per the scenario's proxy, accelerator efficiency
   following a doubling trend).

Both are *what-if arithmetic on stated assumptions*, not forecasts.'''),
    ("md", SETUP_NOTE),
    ("code", SETUP + '''

from lca.prospective.figures import budget_figure, outlook_figure'''),
    ("md", '''\
## ICT against the SSP pathways

Each (scenario, ICT growth rate) pair is one case. The ICT share is ICT emissions over
world *net* CO2; it is undefined once the world reaches net zero (the charts shade those
years), which is why the share can grow very fast in the low-emission scenarios.'''),
    ("code", '''\
outlook = api.outlook(["SSP1-1.9", "SSP2-4.5", "SSP5-8.5"], [0.06, 0.0])
outlook.summary'''),
    ("code", '''\
outlook_figure(outlook)'''),
    ("code", '''\
budget_figure(outlook)'''),
    ("code", '''\
pd.Series(outlook.parameters)[["ict_share", "base_year", "budget_limit_c",
                               "budget_likelihood", "budget_gt", "grid_floor_g_per_kwh"]]'''),
    ("md", '''\
## Adding an AI service

With `service=`, the service's present footprint per request (from `assess`) is scaled
by demand (`ai_requests_per_day`, growing `ai_growth` a year), by efficiency (energy per
unit of work halving every `doubling_years`), by a direct rebound (`rebound`: demand
elasticity to efficiency; 0 none, 1 gains fully taken back) and by the scenario's grid.
The demand figures below are illustrative inputs, not estimates of any provider's
traffic.'''),
    ("code", '''\
SERVICE = SERVICES / "chat-70b-h100.yaml"
with_ai = api.outlook("SSP2-4.5", [0.06], service=SERVICE, ai_requests_per_day=1e9,
                      ai_growth=0.15, rebound=0.5)
with_ai.frame[with_ai.frame["year"] % 10 == 0][
    ["year", "world_net_co2_gt", "ict_gt", "ai_gt", "ai_share", "grid_world_g_per_kwh"]]'''),
    ("code", '''\
outlook_figure(with_ai)'''),
    ("md", '''\
## The service in a future year

`api.assess(..., year=, scenario=)` (CLI: `assess --year 2035 --scenario SSP2-4.5`)
writes the service as its own database with the grid's GHG intensity moved to the
scenario's proxy for that year and accelerator time and energy per unit of work scaled by
the efficiency trend (`doubling_years=0` switches the trend off). Comparing the three
results separates the two effects.'''),
    ("code", '''\
present = api.assess(SERVICE)
grid_only = api.assess(SERVICE, year=2035, scenario="SSP2-4.5", doubling_years=0)
both = api.assess(SERVICE, year=2035, scenario="SSP2-4.5")
pd.DataFrame({
    "present": {i.label: i.total for i in present.indicators.values()},
    "2035 SSP2-4.5, grid only": {i.label: i.total for i in grid_only.indicators.values()},
    "2035 SSP2-4.5, grid + efficiency": {i.label: i.total for i in both.indicators.values()},
})'''),
    ("code", '''\
import dataclasses

# both future-year results carry the id of the year's database; label them apart
plots.stage_contributions_figure([
    dataclasses.replace(present, service="present"),
    dataclasses.replace(grid_only, service="2035, grid only"),
    dataclasses.replace(both, service="2035, grid + efficiency")])'''),
    ("code", '''\
change = both.provenance["prospective"]
pd.DataFrame(change["grid"]["activities"]).assign(index=change["grid"]["index"])'''),
    ("code", '''\
pd.Series(change["efficiency"])'''),
    ("md", '''\
## What these numbers mean, and what they do not

- World emissions are the scenarios' published pathways; the **grid intensities are a
  derived proxy** (the scenario's fossil CO2 per unit of a growing electricity demand,
  above a low-carbon floor), not output of an integrated assessment model. See
  `inventories/scenarios/README.md` for data, sources and formulas.
- The **efficiency trend** is a historical regularity (Koomey) extrapolated; it may slow
  down. It scales the accelerator time and energy per unit of work (the parameters listed
  under `parameters_scaled`), and with them everything proportional to that time: energy,
  water, hardware shares. Footprints per device, PUE and water per kWh stay at today's
  values.
- **Rebound** and demand growth are inputs you choose. The AI slice is one service scaled
  up, not a model of the AI sector.
- The scenario changes only the grid's **GHG intensity**: water per kWh, AWARE factors
  and the hardware background are today's, so water and abiotic depletion change in the
  future-year result only through the efficiency scaling.
- The carbon budget is AR6's remaining budget from 1 January 2020 for the chosen
  warming limit and likelihood; it has its own uncertainty range
  (`outlook.parameters["budget_range_gt"]`).'''),
]

NOTEBOOKS = {
    "01-quickstart": QUICKSTART,
    "02-build-your-inventory": BUILD,
    "03-uncertainty-and-sensitivity": UNCERTAINTY,
    "04-compare-services": COMPARE,
    "05-prospective": PROSPECTIVE,
}


def notebook(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """The notebook ``name`` from ``(kind, source)`` cells, with fixed cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"},
                   "language_info": {"name": "python"}}
    for i, (kind, source) in enumerate(cells):
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = new(source)
        cell.id = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def text(name: str) -> str:
    """The file's content as written (nbformat's JSON, with a final newline)."""
    return nbformat.writes(notebook(name, NOTEBOOKS[name])) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for name in NOTEBOOKS:
        path = HERE / f"{name}.ipynb"
        if "--check" in argv:
            if not path.is_file() or path.read_text(encoding="utf-8") != text(name):
                stale.append(path.name)
        else:
            path.write_text(text(name), encoding="utf-8")
    if stale:
        print("stale notebooks (run python notebooks/_build.py):", ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
