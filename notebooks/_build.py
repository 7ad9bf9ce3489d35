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
on H100 GPUs, and shows its footprint per request by lifecycle stage, the warnings that come
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

# --------------------------------------------------------------------------- 06
INFERENCE = [
    ("md", '''\
# 06 - Inference energy: the roofline serving model

How much energy does one generated token cost? For a given model on given hardware, the
first-order answer is the **batch**, the number of sequences a replica decodes together.
Each decode step reads the model's weights from accelerator memory once, however many
sequences it serves, and produces one token per sequence. At small batch the step is bound
by memory bandwidth and fixed overheads while the board draws well above its idle power,
so that energy is shared among few tokens; as the batch grows the same weight read serves
more tokens, until the step becomes compute-bound or the KV cache fills the memory. The
same model on the same GPU can therefore cost many times more per token on a lightly
loaded replica than on a busy one.

With `inference: {energy_model: roofline}` a service derives its serving time and power
from the model, the hardware and the batch (`lca/model/serving.py`), per replica:

- **replica size**: the weights plus the KV cache of the batch must fit in the GPUs'
  usable memory; the smallest power of two of GPUs that holds them (unless the service
  gives `gpus_per_replica`), and the largest batch that replica holds (`max_batch`);
- **prefill**: compute-bound, two FLOPs per active parameter per uncached input token at a
  fraction of peak, at full board power;
- **a decode step**: max(memory time, compute time), the tensor-parallel share, plus a
  per-step and a per-sequence overhead;
- **GPU power**: from idle to TDP by the step's activity (compute-busy, memory-busy or
  waiting);
- **host power** (CPUs, memory, fans, per server): from idle to peak by the same activity.

This notebook prints the formulas, checks the model against published and measured
energies, then shows what the model does inside a service's footprint.'''),
    ("md", SETUP_NOTE),
    ("code", SETUP + '''

import numpy as np
from matplotlib.figure import Figure

from lca.analysis import sweep
from lca.data import measured_energy as me
from lca.data.hardware import catalogue_accelerator
from lca.model import serving'''),
    ("md", '''\
## The formulas

Every derived quantity is a Brightway parameter with a formula, so Monte Carlo, Sobol and
sweeps see batch, precision and bandwidth fraction. The formulas below are printed from
`serving.DERIVED` and `serving.PER_TOKEN`: the same text the service's parameters carry,
in the order they are evaluated. `serving.evaluate(values)` computes them directly, numpy
arrays broadcasting, which is what the rest of this section uses.'''),
    ("code", '''\
for name, formula, unit in serving.DERIVED + serving.PER_TOKEN:
    print(f"{name} [{unit}]\\n    = {formula}")'''),
    ("md", '''\
The factors no datasheet gives have defaults with a triangular range (what Sobol ranks)
and a source: an assumption of this project, or a calibration on our H200 measurements. A
service may give any of them as a parameter.'''),
    ("code", '''\
pd.DataFrame([{"factor": f.name, "default": f.value, "low": f.low, "high": f.high,
               "unit": f.unit, "source": f.source, "why": f.why} for f in serving.FACTORS])'''),
    ("md", '''\
## Inputs: a model, an accelerator, a workload

The architectures (parameters, layers, KV heads, head dimension) come from the model
cards (`measured_energy.MODELS`), the accelerators' memory, bandwidth, peak compute and
power from the hardware catalogue (`catalogue_accelerator`, turned into the model's inputs
by `serving.accelerator_inputs` for a precision). The workload is the shape of ML.ENERGY's
chat task: its output length per response, and an assumed prompt length
(`measured_energy.CHAT_INPUT_TOKENS`; the module's docstring says why).'''),
    ("code", '''\
ACCELERATORS = {"nvidia-h100-sxm-80gb": "H100 SXM", "nvidia-b200-180gb": "B200",
                "nvidia-h200-sxm-141gb": "H200 SXM"}
OUTPUT_TOKENS = float(np.mean([p.output_tokens for p in me.POINTS]))


def roofline(model, accelerator, precision, batch, gpus=None,
             output_tokens=OUTPUT_TOKENS, **extra):
    """Every parameter of the roofline model for one configuration (batch: a number or
    an array)."""
    values = {**me.MODELS[model],
              **serving.accelerator_inputs(catalogue_accelerator(accelerator), precision),
              "batch": batch, "input_tokens_per_request": me.CHAT_INPUT_TOKENS,
              "output_tokens_per_request": output_tokens, **extra}
    if gpus is not None:
        values["gpus_per_replica"] = float(gpus)
    return serving.evaluate(values)


print("input tokens per request:", me.CHAT_INPUT_TOKENS, "| output tokens:", OUTPUT_TOKENS)
properties = ["memory_gb", "memory_bandwidth_tb_s", "fp16_dense_tflops", "fp8_dense_tflops",
              "idle_w", "tdp_w"]
pd.DataFrame({name: {k: catalogue_accelerator(a)[k] for k in properties}
              for a, name in ACCELERATORS.items()})'''),
    ("md", '''\
## Choosing a replica

Each model gets a GPU count per accelerator: the 8B model on one GPU, the 70B on four
H100 or two B200 (the configurations ML.ENERGY measured), the 405B on eight. The precision
is bf16 where its weights and one sequence's KV cache fit in those GPUs, else fp8:
`gpus_needed` is the replica size the model derives at batch 1 for each precision,
`memory_fill` the share of the usable memory used at batch 1 and `max_batch` the largest
batch the chosen replica holds.'''),
    ("code", '''\
MODEL_NAMES = {"llama-3.1-8b": "Llama-3.1 8B", "llama-3.1-70b": "Llama-3.1 70B",
               "llama-3.1-405b": "Llama-3.1 405B"}
GPUS = {"llama-3.1-8b": {"nvidia-h100-sxm-80gb": 1, "nvidia-b200-180gb": 1},
        "llama-3.1-70b": {"nvidia-h100-sxm-80gb": 4, "nvidia-b200-180gb": 2},
        "llama-3.1-405b": {"nvidia-h100-sxm-80gb": 8, "nvidia-b200-180gb": 8}}
configs, rows = {}, []
for model, per_accelerator in GPUS.items():
    for accelerator, gpus in per_accelerator.items():
        needed = {p: float(roofline(model, accelerator, p, 1.0)["gpus_per_replica"])
                  for p in ("bf16", "fp8")}
        precision = next(p for p in ("bf16", "fp8") if needed[p] <= gpus)
        at_one = roofline(model, accelerator, precision, 1.0, gpus=gpus)
        configs[model, accelerator] = {"gpus": gpus, "precision": precision,
                                       "max_batch": float(at_one["max_batch"])}
        rows.append({"model": MODEL_NAMES[model], "accelerator": ACCELERATORS[accelerator],
                     "gpus_needed bf16": needed["bf16"], "gpus_needed fp8": needed["fp8"],
                     "gpus": gpus, "precision": precision,
                     "memory_fill": float(at_one["memory_fill"]),
                     "max_batch": float(at_one["max_batch"])})
pd.DataFrame(rows)'''),
    ("md", '''\
## Energy per output token against batch

The curves are the model's GPU energy per output token (prefill included, as the
leaderboard divides a run's GPU energy by its output tokens) from batch 1 to each
replica's memory limit. The markers are ML.ENERGY v3's measurements (vLLM, GPU energy
only), labelled with their source id; a "best configuration" without a stated batch is
drawn at the model's memory limit, and a batch above that limit (possible with a shorter
context than assumed here) at its stated batch, compared at the limit in the table below.

The right panel is our own H200 measurement of the 8B model: a manual KV-cache loop in
eager PyTorch, so each step carries a launch overhead of tens of milliseconds
(`EAGER_STEP_OVERHEAD_S`, in place of the CUDA-graph default), at a context of
`H200_CONTEXT_TOKENS`, and decode energy only (no prefill): the model's GPU power at the
decode activity, `gpu_idle_w + (gpu_tdp_w - gpu_idle_w) x decode_activity`, times
`decode_step_s / batch`. The measurements are in Wh per 1,000 tokens, x 3.6 for J per
token. The dashed line is the same decode with the default (CUDA-graph) overhead.'''),
    ("code", '''\
def model_point(point):
    """(batch compared, model J per output token) for a published point: its own GPUs and
    output length, bf16, at its batch or at the memory limit when it gives none or a
    larger one."""
    at_one = roofline(point.model, point.accelerator, "bf16", 1.0, gpus=point.gpus,
                      output_tokens=point.output_tokens)
    limit = float(at_one["max_batch"])
    batch = limit if point.batch is None else min(float(point.batch), limit)
    out = roofline(point.model, point.accelerator, "bf16", batch, gpus=point.gpus,
                   output_tokens=point.output_tokens)
    return batch, float(out["gpu_j_per_output_token"])


def h200_decode(batch, step_overhead_s):
    """Decode-only GPU J per token of the 8B model on one H200 at the measured context."""
    out = roofline("llama-3.1-8b", "nvidia-h200-sxm-141gb", "bf16", batch, gpus=1,
                   mean_context_tokens=me.H200_CONTEXT_TOKENS,
                   decode_step_overhead_s=step_overhead_s)
    power = out["gpu_idle_w"] + (out["gpu_tdp_w"] - out["gpu_idle_w"]) * out["decode_activity"]
    return power * out["decode_step_s"] / batch


compared = [model_point(p) for p in me.POINTS]
COLOURS = {"llama-3.1-8b": "#5e81ac", "llama-3.1-70b": "#d08770", "llama-3.1-405b": "#a3be8c"}
MARKERS = {me.MLENERGY: "o", me.H200: "s"}

fig = Figure(figsize=(14, 6), layout="constrained")
axes = fig.subplots(1, 3)
for ax, accelerator in zip(axes, ["nvidia-h100-sxm-80gb", "nvidia-b200-180gb"]):
    for model in GPUS:
        c = configs[model, accelerator]
        batch = np.geomspace(1, c["max_batch"], 80)
        j = roofline(model, accelerator, c["precision"], batch, gpus=c["gpus"])
        ax.plot(batch, j["gpu_j_per_output_token"], color=COLOURS[model],
                label=f"{MODEL_NAMES[model]}, {c['gpus']}x {c['precision']} (model)")
    labelled = set()
    for p, (batch, _) in zip(me.POINTS, compared):
        if p.accelerator == accelerator:
            x = batch if p.batch is None else p.batch
            label = f"{MODEL_NAMES[p.model]}, {p.gpus}x, measured ({p.source})"
            ax.plot(x, p.j_per_token, MARKERS[p.source], color=COLOURS[p.model], mec="black",
                    ms=8, label=None if label in labelled else label)
            labelled.add(label)
    ax.set_title(f"{ACCELERATORS[accelerator]}: GPU energy per output token")

decode = np.array(sorted(me.H200_DECODE_WH_PER_1000), dtype=float)
measured_h200 = np.array([me.H200_DECODE_WH_PER_1000[int(b)] for b in decode]) * 3.6
batch = np.geomspace(1, decode.max(), 80)
ax = axes[2]
ax.plot(batch, h200_decode(batch, me.EAGER_STEP_OVERHEAD_S), color=COLOURS["llama-3.1-8b"],
        label="Llama-3.1 8B, 1x bf16, eager (model)")
default_overhead = next(f.value for f in serving.FACTORS if f.name == "decode_step_overhead_s")
ax.plot(batch, h200_decode(batch, default_overhead), color=COLOURS["llama-3.1-8b"], ls="--",
        label="same, CUDA-graph overhead (model)")
ax.plot(decode, measured_h200, MARKERS[me.H200], color=COLOURS["llama-3.1-8b"], mec="black",
        ms=8, label=f"measured, decode only ({me.H200})")
ax.set_title("H200 SXM: GPU decode energy per token")
for ax in axes:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch [sequences decoded together]")
    ax.set_ylabel("GPU energy [J per output token]")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16))
fig'''),
    ("md", '''\
## Model against measurement

Each published point, with the model at the same GPUs, output length and batch (at the
memory limit for a "best configuration" or a batch the replica cannot hold at the assumed
context). The ratio is model / measured; the test suite checks separately that every
ratio is within a factor of two.'''),
    ("code", '''\
table = pd.DataFrame([
    {"model": MODEL_NAMES[p.model], "accelerator": ACCELERATORS[p.accelerator],
     "gpus": p.gpus, "batch (reported)": p.batch, "batch (model)": batch,
     "measured J/token": p.j_per_token, "model J/token": j, "model / measured": j / p.j_per_token,
     "source": p.source, "note": p.note}
    for p, (batch, j) in zip(me.POINTS, compared)])
table'''),
    ("code", '''\
h200 = pd.DataFrame({"batch": decode, "measured J/token": measured_h200,
                     "model J/token": h200_decode(decode, me.EAGER_STEP_OVERHEAD_S)})
h200["model / measured"] = h200["model J/token"] / h200["measured J/token"]
h200["source"] = me.H200
h200'''),
    ("md", '''\
## The service view

The reference service `chat-8b-h200.yaml` uses the roofline model (`energy_model:
roofline`): its file gives the architecture, the batch and the workload; the replica, the
decode step and the powers are derived. Every result of such a service carries a
`serving` block with the derived figures and the energy per token of each class (IT
energy: GPUs and their share of the host, before PUE).'''),
    ("code", '''\
SERVICE = SERVICES / "chat-8b-h200.yaml"
svc = api.prepare(SERVICE)
result = svc.assess("1k-output-tokens")
pd.Series(result.serving, name=result.service)'''),
    ("md", '''\
The assessment per 1,000 output tokens, by lifecycle stage: the inference stage is where
the serving model acts (electricity and cooling water while serving).'''),
    ("code", '''\
frame = result.to_frame()
stages = frame.pivot(index=["label", "unit"], columns="stage", values="value")
stages[result.stages + ["total"]]'''),
    ("md", '''\
The measured points above are GPU board energy. The footprint counts more: the host
(CPUs, memory, fans) and the datacentre's overhead (PUE). Below, the model's GPU energy
per output token next to the inference stage's electricity per output token at the
facility meter.'''),
    ("code", '''\
tokens = result.functional_unit["output_tokens"]
pd.Series({
    "GPU energy per output token, model [J]": result.serving["gpu_j_per_output_token"],
    "inference electricity per output token, GPUs + host + PUE [J]":
        result.energy_by_stage_kwh["inference"] * 3.6e6 / tokens})'''),
    ("md", '''\
## Batch moves the inference stage

`sweep.default_sweeps` gives a roofline service's batch from 1 to the largest batch its
replica holds (`max_batch`); `sweep.sweep` evaluates the compiled service over that range,
every formula that uses the batch following it. The inference stage moves with the batch,
and so do the hardware's embodied share and the datacentre infrastructure, which follow
the replica's time; training does not. The figure shows each stage on log scales (a stage
below a millionth of the total is left out), with the service's own batch dashed.'''),
    ("code", '''\
model = svc.compile("1k-output-tokens")
spec = next(s for s in sweep.default_sweeps(model) if s.parameter == "batch")
print(spec)
swept = sweep.sweep(model, spec)
climate = swept[swept["indicator"] == "climate_change"].pivot_table(
    index="value", columns="stage", values="score")[result.stages + ["total"]]
climate.rename_axis("batch").iloc[::4]'''),
    ("code", '''\
labels = plots.result_labels(result)
fig = Figure(figsize=(12, 4.4), layout="constrained")
for ax, indicator in zip(fig.subplots(1, 2), ["climate_change", "energy_kwh"]):
    wide = swept[swept["indicator"] == indicator].pivot_table(
        index="value", columns="stage", values="score")
    for stage in result.stages + ["total"]:
        if (wide[stage] > 1e-6 * wide["total"]).all():
            ax.plot(wide.index, wide[stage], label=stage,
                    color="#2e3440" if stage == "total" else plots.stage_colour(stage),
                    lw=2 if stage in ("inference", "total") else 1.2)
    ax.axvline(result.serving["batch"], color="#bf616a", ls="--", lw=1, label="service batch")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch [sequences decoded together]")
    ax.set_ylabel(plots.indicator_label(indicator, labels, per="1,000 output tokens"))
    ax.set_title(labels[indicator][0])
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
fig.suptitle(f"{result.service}: stages per 1,000 output tokens against batch")
fig'''),
    ("md", '''\
## What the model leaves out

- **Attention FLOPs**: the compute counts two FLOPs per parameter per token; attention
  over the context adds FLOPs that stay small below a few thousand tokens of context (its
  KV-cache *reads* are counted).
- **Prefill-decode interference and chunked prefill**: prefill and decode are timed
  apart, as if they never shared a step.
- **Queueing and idle replicas**: the batch is taken as given and the replica as always
  busy; `hardware_utilisation` covers idle time only in the embodied share, not as idle
  power.
- **Speculative decoding**, **quantised-kernel overheads** (an fp8 or int4 model is
  modelled by its bytes and peak, not by its kernels' efficiency) and **CPU offload**.
- **Network and storage** between the replicas and the users.
- The measured points are **GPU-only** (no host, no PUE), while the service's footprint
  includes the host and the PUE: compare a measurement with `serving`'s per-token figures,
  not with the footprint's electricity.
- The factors' defaults (bandwidth fraction, MFU, overheads, activities) rest on few
  measurements: a roofline service carries their ranges, above, so its Monte Carlo and
  Sobol analyses (notebook 03) sample them.'''),
]
# --------------------------------------------------------------------------- 07
YOUR_OWN_DATA = [
    ("md", """\
# 07 - Your own data: sources, stated figures, your databases, measurements, scenarios

An analyst's numbers rarely all come from the package. This notebook walks through the five
ways to bring your own evidence into a service without touching the installed package:

1. **`sources:`**: declare your own bibliography entries (a measurement log, a report, a
   contract) in the file and cite them like the package's.
2. **`stated_impacts:`**: take a provider's published per-prompt (per-image, per-campaign)
   figures as they are, on their lifecycle stage, labelled as pre-characterised data, alone
   or added to a modelled service.
3. **Links to your Brightway databases**: take the grid (or a material, transport or energy
   input) from ecoinvent or your own inventory in the project.
4. **`measure`**: turn a CodeCarbon (NVML/Zeus, ML.ENERGY) log into the measured energy
   model, with the run-to-run spread.
5. **`explore`**: a scenario table (batch x grid location x accelerator) on the compiled
   model, its Pareto front and best rows.

Every part runs offline on the data directory of the first cell and writes its files into
a temporary folder."""),
    ("md", SETUP_NOTE),
    ("code", SETUP + """

import math
import sys
import tempfile
import time

import numpy as np
import yaml

from lca.errors import InputError

WORK = Path(tempfile.mkdtemp(prefix="genai-lca-07-"))
REFERENCE = SERVICES / "chat-8b-h200.yaml"
GEMINI = ROOT / "inventories" / "examples" / "google-gemini-prompt-2025.yaml\""""),
    ("md", """\
## 1. Cite your own sources

A `sources:` section takes the fields of `inventories/SOURCES/*.yaml`: `id`, `citation`,
`year`, `licence`, `kind` (literature, dataset, package, vendor, assumption or
measurement), and optionally `url` and `notes`. Here the reference 8B service gets its
demand from a (fictitious) request log of the operator's own."""),
    ("code", """\
service = yaml.safe_load(REFERENCE.read_text())
service["service"]["id"] = "chat-8b-own-log"
service["sources"] = [{
    "id": "acme-request-log-2026", "kind": "measurement", "year": 2026,
    "citation": "ACME Corp., request log of the chat service, Jan-Oct 2026 (internal)",
    "licence": "proprietary, shared with the auditor", "notes": "mean of 300 days"}]
for p in service["parameters"]:
    if p["name"] == "requests_per_day":
        p.update(amount=8.0e5, source="acme-request-log-2026")
own = WORK / "chat-8b-own-log.yaml"
own.write_text(yaml.safe_dump(service, sort_keys=False))

sources = pd.DataFrame(api.contributions(own).sources)
sources[["id", "kind", "year", "uses", "citation"]]"""),
    ("md", """\
The local entry is listed next to the package's, with the number of parameters and
exchanges citing it; the workbook (`assess --out results.xlsx`, sheet `sources`) and the
HTML report list it too. A local id may not shadow a package id: the file below reuses the
id of the package's Llama 3 model card, and is refused before anything is written."""),
    ("code", """\
service["sources"][0]["id"] = "meta-llama3-8b-model-card-2024"
bad = WORK / "chat-8b-shadow.yaml"
bad.write_text(yaml.safe_dump(service, sort_keys=False))
try:
    api.assess(bad)
except InputError as exc:
    print(exc)"""),
    ("md", """\
## 2. State a provider's figures

Google published the footprint of the median Gemini Apps text prompt (Elsworth et al.
2025). `inventories/examples/google-gemini-prompt-2025.yaml` states it as one term of the
inference stage, in the units of the paper (g CO2e, mL); genai-lca converts them to the
indicators' units and writes them on the pre-characterised flows. Its `model:` block is
only this:"""),
    ("code", """\
print(yaml.safe_dump(yaml.safe_load(GEMINI.read_text())["model"], sort_keys=False))"""),
    ("code", """\
gemini = api.assess(GEMINI)
pd.DataFrame({k: {"total": i.total, "unit": i.unit} for k, i in gemini.indicators.items()}).T"""),
    ("md", """\
The provenance block lists every stated term, as stated and in the indicator's unit, and
the contributions say how much of each indicator rests on pre-characterised data: all of
it, here. The flow chart hatches the pre-characterised flow."""),
    ("code", """\
pd.DataFrame([{"term": t["id"], "stage": t["stage"], "indicator": k, **v}
              for t in gemini.provenance["stated_impacts"] for k, v in t["values"].items()])"""),
    ("code", """\
gemini_contrib = api.contributions(GEMINI)
print(gemini_contrib.precharacterised_share)
plots.flow_contributions_figure(gemini_contrib, "climate_change")"""),
    ("md", """\
### A stated term added to a modelled service

A stated term may sit next to the model: below, a vendor's hardware footprint per request
is added to the reference 8B service's manufacture stage. The term is **added**; the
warning `stated-adds-to-modelled-stage` says so, and names the switch to turn off if the
stated figure stands for the modelled part (`boundary.embodied: false`). Each value becomes
a parameter (`stated_<id>_<indicator>`) that Monte Carlo, sensitivity and sweeps reach."""),
    ("code", """\
mixed = yaml.safe_load(REFERENCE.read_text())
mixed["service"]["id"] = "chat-8b-stated-hardware"
mixed["sources"] = yaml.safe_load(GEMINI.read_text())["sources"]
mixed["model"]["stated_impacts"] = [{
    "id": "vendor-hardware", "stage": "manufacture", "source": "elsworth-2025-gemini-prompt",
    "name": "hardware share per request, stated (illustrative figure)",
    "values": {"climate_change": {"amount": 0.01, "unit": "g CO2e",
                                  "uncertainty": {"type": "lognormal", "gsd": 1.5}}}}]
path = WORK / "chat-8b-stated-hardware.yaml"
path.write_text(yaml.safe_dump(mixed, sort_keys=False))

reference, stated = api.assess(REFERENCE), api.assess(path)
print([w["message"] for w in stated.warnings if w["code"] == "stated-adds-to-modelled-stage"])
manufacture = {r.service: r.indicators["climate_change"].by_stage["manufacture"]
               for r in (reference, stated)}
manufacture"""),
    ("code", """\
plots.stage_contributions_figure([reference, stated])"""),
    ("md", """\
## 3. Link to your own Brightway databases

Any database of the project `genai-lca-0.1` can supply the grid, or a material, transport
or energy input: an ecoinvent import (bw2io), or your own inventory. You would have
ecoinvent there already. This notebook has no licence to ship it, so it writes a small
**stand-in shaped like an ecoinvent import** (`tests/data/links/ecoinvent_mini.py`: made-up
round figures under ecoinvent's names, locations, units and UUID codes), and removes it at
the end of this part. With your ecoinvent, skip the next cell and use its database name."""),
    ("code", """\
import bw2calc as bc
import bw2data as bd

from lca.bw.project import use_project
from lca.data.files import method_names

sys.path.insert(0, str(ROOT / "tests" / "data" / "links"))
import ecoinvent_mini  # the stand-in; not needed with a real ecoinvent

DATABASE = ecoinvent_mini.DATABASE
with use_project():  # the project genai-lca uses
    if DATABASE not in bd.databases:
        ecoinvent_mini.write()
    print(DATABASE, len(bd.Database(DATABASE)), "activities")"""),
    ("md", """\
`api.find_activity` searches a database by name (exactly, else containing it, ignoring
case), location and reference product. The `link` column is the shortest mapping that
names that one activity: paste it into the service file."""),
    ("code", """\
found = api.find_activity(DATABASE, "market for electricity, medium voltage")
found[["location", "reference_product", "unit", "link"]]"""),
    ("md", """\
The reference 8B service with its grid linked to the French medium-voltage market
(`basis: linked`; `location: FRA` stays the site's country, for the water scarcity factor
of on-site water). In YAML, as in `tests/data/links/chat-linked.yaml`, it reads
`electricity: {basis: linked, location: FRA, activity: {database: ..., name: ..., location: FR}}`.
A link that names no activity, or several, stops with an error listing the candidates."""),
    ("code", """\
link = found.set_index("location").loc["FR", "link"]
linked = yaml.safe_load(REFERENCE.read_text())
linked["service"]["id"] = "chat-8b-own-grid"
linked["model"]["electricity"] = {"basis": "linked", "location": "FRA", "activity": link}
own_grid = WORK / "chat-8b-own-grid.yaml"
own_grid.write_text(yaml.safe_dump(linked, sort_keys=False))
print(yaml.safe_dump(linked["model"]["electricity"], sort_keys=False))

linked_result = api.assess(own_grid)
linked_totals = {k: i.total for k, i in linked_result.indicators.items()}"""),
    ("md", """\
The service is an ordinary Brightway database, so plain bw2calc gives the same numbers:
one LCA of the functional unit's reference flow per method."""),
    ("code", """\
flow = linked_result.functional_unit["reference_flow"]
plain = {}
with use_project():
    demand = {bd.get_activity(tuple(flow["activity"])).id: flow["amount"]}
    for key, spec in method_names().items():
        lca = bc.LCA(demand, method=spec["name"])
        lca.lci()
        lca.lcia()
        plain[key] = float(lca.score)
pd.DataFrame({"genai-lca": linked_totals, "plain bw2calc": plain,
              "unit": {k: i.unit for k, i in linked_result.indicators.items()}})"""),
    ("code", """\
plots.stage_contributions_figure([reference, linked_result])"""),
    ("md", """\
`uncertainty --background` would sample the linked database's lognormals too. The stand-in
and the service that links to it are removed now (a real ecoinvent stays where it is:
genai-lca never rewrites or deletes your databases)."""),
    ("code", """\
with use_project():
    for name in [n for n in bd.databases if n.startswith("genai-service-chat-8b-own-grid")]:
        del bd.databases[name]
    del bd.databases[DATABASE]
    left = [n for n in bd.databases if n == DATABASE or "own-grid" in n]
print("left in the project:", left)"""),
    ("md", """\
## 4. Measured energy: `genai-lca measure`

Measure a run of your service with CodeCarbon (or NVML/Zeus, ML.ENERGY) and the measured
energy per request replaces the modelled one, with its run-to-run spread. Below, a real
`OfflineEmissionsTracker` tracks three short CPU runs on this machine, a stand-in for three
serving runs of 50 requests each (on a machine without a GPU, CodeCarbon estimates the CPU
from its TDP and the RAM from its size)."""),
    ("code", """\
from codecarbon import OfflineEmissionsTracker


def busy(seconds: float) -> float:
    '''Keep one core busy for ``seconds`` (the stand-in workload).'''
    x, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        x += math.sqrt(x + 1.0)
    return x


for seconds in (0.6, 0.9, 1.2):  # different lengths: a run-to-run spread
    tracker = OfflineEmissionsTracker(country_iso_code="FRA", output_dir=str(WORK),
                                      measure_power_secs=0.5, log_level="error",
                                      project_name="genai-lca-07")
    tracker.start()
    busy(seconds)
    tracker.stop()
runs = pd.read_csv(WORK / "emissions.csv")
runs[["timestamp", "duration", "energy_consumed", "cpu_energy", "gpu_energy", "ram_energy"]]"""),
    ("md", """\
`api.measure` (the command `genai-lca measure emissions.csv --service chat-8b-h200.yaml
--requests 50 --gpus 1 --overlay measured.yaml`) fits the `measured` energy model's
parameters: the mean energy per request, and a lognormal whose gsd is exp of the sample
standard deviation of ln(energy per request). It writes them as an **overlay**, with a
local `measurement` source naming the log and its sha256; the service file never changes."""),
    ("code", """\
layer = WORK / "measured.yaml"
fit = api.measure([WORK / "emissions.csv"], REFERENCE, requests=50, gpus=1, overlay=layer)
print(fit.summary())
print(layer.read_text())"""),
    ("md", """\
`prepare(service, overlays=[...])` (the CLI: `assess --overlay`) assesses the service with
the measurement laid over it, as its own database (`-measured`). The inference energy is
the measured IT energy per request times the service's PUE (a CPU loop here, so far below
the modelled GPU energy of a real request)."""),
    ("code", """\
measured = api.prepare(REFERENCE, overlays=[layer])
measured_result = measured.assess()
pd.DataFrame({r.service: r.energy_by_stage_kwh for r in (reference, measured_result)})"""),
    ("md", """\
The Monte Carlo samples the measured spread: the geometric standard deviation of the
inference energy over 2,000 samples is the measured one, up to sampling error."""),
    ("code", """\
mc = measured.uncertainty(2000, seed=7)
inference_kwh = mc.by_stage[:, mc.stages.index("inference"), mc.indicators.index("energy_kwh")]
spread = {"measured gsd": fit.spreads["inference_wh_per_request"].gsd,
          "Monte Carlo gsd": math.exp(np.std(np.log(inference_kwh), ddof=1)),
          "Monte Carlo median, kWh": float(np.median(inference_kwh))}
print(spread)

from matplotlib.figure import Figure

fig = Figure(figsize=(6, 3.5), layout="tight")
ax = fig.add_subplot()
wh = inference_kwh * 1000
ax.hist(wh, bins=np.geomspace(*np.percentile(wh, [0.5, 99.5]), 40))
ax.set_xscale("log")
ax.set_xlabel("inference energy, Wh per request (2,000 samples)")
ax.set_ylabel("samples")
fig"""),
    ("md", """\
## 5. Scenario tables: `genai-lca explore`

"Which accelerator, region and batch?" without one service file per combination: a CSV
table, one row per scenario, with parameters of the service (`batch`, `pue`, ...) and the
structural columns `accelerator` and `grid_location`. Each structural alternative is
compiled once; the rows vary parameters on the compiled model. Here 2 accelerators x 2
grids x 3 batches, 12 rows."""),
    ("code", """\
scenarios = pd.DataFrame([
    {"scenario": f"{acc.split('-')[1]}-{grid}-b{batch}", "accelerator": acc,
     "grid_location": grid, "batch": batch}
    for acc in ("nvidia-h200-sxm-141gb", "nvidia-h100-sxm-80gb")
    for grid in ("IRL", "FRA") for batch in (8, 32, 128)])
table = WORK / "scenarios.csv"
scenarios.to_csv(table, index=False)

explored = api.explore(REFERENCE, table)
print(explored.units)
explored.frame"""),
    ("md", """\
The best row per indicator, and the Pareto front of climate change against water
consumption (both minimised): the rows no other row beats on both."""),
    ("code", """\
explored.best"""),
    ("code", """\
explored.front()[["scenario", "climate_change", "water_consumption"]]"""),
    ("code", """\
explored.figure()"""),
    ("md", """\
The same from the command line: `genai-lca explore inventories/services/chat-8b-h200.yaml
--table scenarios.csv --figure front.png`, or a full factorial with `--grid
batch=8,32,128 --grid pue=1.1,1.3`."""),
]


NOTEBOOKS = {
    "01-quickstart": QUICKSTART,
    "02-build-your-inventory": BUILD,
    "03-uncertainty-and-sensitivity": UNCERTAINTY,
    "04-compare-services": COMPARE,
    "05-prospective": PROSPECTIVE,
    "06-inference-energy": INFERENCE,
    "07-your-own-data": YOUR_OWN_DATA,
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
