"""Data quality: the evidence kind of a number, its pedigree scores, and the default spread
a pedigree gives (ecoinvent's basic-uncertainty approach).

Evidence kinds (:data:`EVIDENCE_KINDS`): ``measured``, ``vendor-declared``,
``peer-reviewed``, ``modelled``, ``assumed``. A parameter or exchange may state its kind
(``evidence:``); otherwise :func:`evidence_of` infers it:

1. a stated ``evidence`` wins;
2. a record whose value is a formula is ``modelled`` (computed from other numbers; the
   evidence *shares* of a result look through such a formula to the numbers it reads,
   see :func:`lca.bw.evidence.evidence_shares`);
3. else the source: an id in :data:`SOURCE_EVIDENCE` (sources whose kind says too little),
   then the source's ``kind`` through :data:`SOURCE_KIND_EVIDENCE` (``vendor`` ->
   vendor-declared, ``literature`` -> peer-reviewed, ``dataset`` and ``measurement`` ->
   measured, ``package`` -> modelled, ``assumption`` -> assumed). The model's own constants cite
   ``genai-lca-service-model`` (kind assumption) and so are ``assumed``.

Pedigree (Weidema et al. 2013, section 10): five scores, 1 (best) to 5 - reliability,
completeness, temporal, geographical and further technological correlation. Each score
maps to an uncertainty factor U (a contribution to GSD^2, the 95 % range factor); a
lognormal's variance of ln x is

    sigma^2 = sigma_b^2 + sum_i sigma_i^2,   sigma_i^2 = (ln U_i)^2 / 4,

with the basic uncertainty sigma_b^2 = (ln GSD_b^2)^2 / 4 of the exchange's class
(:data:`BASIC_GSD2`). Where a record states a pedigree and no distribution, the resolver
gives it lognormal(amount, sigma) (:func:`pedigree_sigma`).

References
----------
1. Weidema B.P., Bauer C., Hischier R., Mutel C., Nemecek T., Reinhard J., Vadenbo C.O.,
   Wernet G. (2013). Overview and methodology. Data quality guideline for the ecoinvent
   database version 3. Ecoinvent Report 1 (v3). St. Gallen: ecoinvent Centre. Section
   10.2, Tables 10.4 (basic uncertainty) and 10.5 (pedigree factors). Source id
   ``weidema-2013-ecoinvent-dq``.
2. Frischknecht R. et al. (2007). Overview and methodology. ecoinvent report No. 1,
   Table 7.2 (basic uncertainty factors, GSD^2). Source id ``frischknecht-2007-ecoinvent``.
3. Ciroth A., Muller S., Weidema B., Lesage P. (2016). Empirically based uncertainty
   factors for the pedigree matrix in ecoinvent. Int J Life Cycle Assess 21:1338-1348.
   https://doi.org/10.1007/s11367-013-0670-5. Source id ``ciroth-2016-pedigree``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from lca.errors import FormulaError

Evidence = Literal["measured", "vendor-declared", "peer-reviewed", "modelled", "assumed"]
#: The evidence kinds, from most to least direct.
EVIDENCE_KINDS: tuple[str, ...] = ("measured", "vendor-declared", "peer-reviewed",
                                   "modelled", "assumed")

#: Source ``kind`` (inventories/SOURCES) -> the evidence of a number citing it.
SOURCE_KIND_EVIDENCE: dict[str, str] = {
    "vendor": "vendor-declared",      # datasheets, product carbon footprints
    "literature": "peer-reviewed",    # papers, reports, standards
    "dataset": "measured",            # statistics and benchmarks (grid data, ML.ENERGY)
    "measurement": "measured",        # the user's own runs (genai-lca measure, issue 15)
    "package": "modelled",            # figures computed by a tool or method package
    "assumption": "assumed",          # our modelling choices
}

#: Sources whose ``kind`` says too little: id -> evidence (with the reason).
SOURCE_EVIDENCE: dict[str, str] = {
    "act-gupta-2022": "modelled",                # ACT: an architectural carbon model
    "imec-netzero-via-act": "modelled",          # per-area carbon from a fab model
    "rcmip-ssp-emissions-2020": "modelled",      # scenario pathways
    "boavizta-gpu-specs-2025": "vendor-declared",  # crowd-sourced datasheet figures
    "epoch-ai-ml-hardware-2026": "vendor-declared",  # datasheet figures
}

#: Pedigree indicators, in the order of a 5-tuple, and the key Brightway / Activity
#: Browser use for each in an exchange's ``pedigree`` dict.
INDICATORS: tuple[str, ...] = ("reliability", "completeness", "temporal", "geographical",
                               "technological")
BRIGHTWAY_KEYS: dict[str, str] = {
    "reliability": "reliability", "completeness": "completeness",
    "temporal": "temporal correlation", "geographical": "geographical correlation",
    "technological": "further technological correlation"}

#: Uncertainty factors U (GSD^2 contributions) per indicator for scores 1..5.
#: ``weidema-2013``: ecoinvent v3 guideline, Table 10.5 (the ecoinvent v2 factors of
#: Frischknecht et al. 2007; Weidema tabulates them as variances (ln U)^2/4, rounded to
#: one significant figure: 0.0006 for 1.05). ``ciroth-2016``: the empirically based
#: factors of Ciroth et al. 2016 (the table Brightway's
#: pedigree_matrix package calls version 2).
PEDIGREE_FACTORS: dict[str, dict[str, tuple[float, ...]]] = {
    "weidema-2013": {
        "reliability":   (1.00, 1.05, 1.10, 1.20, 1.50),
        "completeness":  (1.00, 1.02, 1.05, 1.10, 1.20),
        "temporal":      (1.00, 1.03, 1.10, 1.20, 1.50),
        "geographical":  (1.00, 1.01, 1.02, 1.05, 1.10),
        "technological": (1.00, 1.05, 1.20, 1.50, 2.00),
    },
    "ciroth-2016": {
        "reliability":   (1.00, 1.54, 1.61, 1.69, 1.69),
        "completeness":  (1.00, 1.03, 1.04, 1.08, 1.08),
        "temporal":      (1.00, 1.03, 1.10, 1.19, 1.29),
        "geographical":  (1.00, 1.04, 1.08, 1.11, 1.11),
        "technological": (1.00, 1.18, 1.65, 2.08, 2.80),
    },
}
#: The table used unless a record says otherwise (ecoinvent v3's own).
DEFAULT_TABLE = "weidema-2013"

#: Basic uncertainty, GSD^2 (95 % range factor), by class (Frischknecht et al. 2007 Table
#: 7.2; Weidema et al. 2013 Table 10.4 as variances). A record may give ``basic_gsd2``.
BASIC_GSD2: dict[str, float] = {
    "technosphere": 1.05,    # demand of energy, materials, services, waste treatment
    "transport": 2.00,       # transport services (tkm)
    "infrastructure": 3.00,  # capital goods
    "resource": 1.05,        # primary energy carriers, metals, water
    "co2": 1.05,             # CO2 (and SO2) emitted to air
    "emission": 1.50,        # most other emissions to air and water
    "parameter": 1.05,       # a parameter: taken as a demand figure
}


class Pedigree(BaseModel):
    """Five pedigree scores, each an integer 1-5; from a 5-list ``[1, 2, 1, 3, 2]`` (in
    the order of :data:`INDICATORS`) or a mapping with those names (or Brightway's long
    names, e.g. ``temporal correlation``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reliability: int
    completeness: int
    temporal: int
    geographical: int
    technological: int
    table: Literal["weidema-2013", "ciroth-2016"] = DEFAULT_TABLE

    @field_validator(*INDICATORS, mode="before")
    @classmethod
    def score_is_one_to_five(cls, v):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise ValueError(f"a pedigree score is an integer 1 (best) to 5; got {v!r}")
        return v

    @model_validator(mode="before")
    @classmethod
    def five_scores(cls, value):
        if isinstance(value, (list, tuple)):
            if len(value) != 5:
                raise ValueError(f"a pedigree is 5 scores ({', '.join(INDICATORS)}), each an "
                                 f"integer 1-5; got {len(value)} values")
            return dict(zip(INDICATORS, value))
        if isinstance(value, Mapping):
            long = {v: k for k, v in BRIGHTWAY_KEYS.items()}
            return {long.get(k, k): v for k, v in value.items()}
        raise ValueError(f"a pedigree is 5 scores ({', '.join(INDICATORS)}), each an integer "
                         f"1-5, as a list or a mapping; got {value!r}")

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(getattr(self, k) for k in INDICATORS)

    def brightway(self) -> dict[str, int]:
        """The ``pedigree`` dict Brightway and Activity Browser read on an exchange."""
        return {BRIGHTWAY_KEYS[k]: getattr(self, k) for k in INDICATORS}


def variance_of_factor(gsd2: float) -> float:
    """Variance of ln x contributed by a 95 % range factor ``gsd2`` (GSD^2): (ln U)^2 / 4."""
    return math.log(gsd2) ** 2 / 4


def pedigree_variance(pedigree: Pedigree) -> float:
    """Sum of the five indicators' variance contributions (ln U_i)^2 / 4 [Weidema 2013]."""
    table = PEDIGREE_FACTORS[pedigree.table]
    return sum(variance_of_factor(table[k][getattr(pedigree, k) - 1]) for k in INDICATORS)


def pedigree_sigma(pedigree: Pedigree, basic_gsd2: float) -> float:
    """sigma of ln x: sqrt(sigma_b^2 + sum sigma_i^2), sigma_b^2 from ``basic_gsd2``."""
    return math.sqrt(variance_of_factor(basic_gsd2) + pedigree_variance(pedigree))


def default_basic_gsd2(exchange_type: str | None, flow_name: str | None = None,
                       flow_type: str | None = None) -> float:
    """The basic GSD^2 of a record that states none: a parameter or a technosphere
    exchange is a demand (1.05); a biosphere resource or CO2 1.05, another emission 1.50.
    Transport and infrastructure (2.00, 3.00) are not recognised: state ``basic_gsd2``."""
    if exchange_type in (None, "technosphere", "substitution"):
        return BASIC_GSD2["parameter" if exchange_type is None else "technosphere"]
    if flow_type == "natural resource":
        return BASIC_GSD2["resource"]
    if flow_name and flow_name.lower().startswith("carbon dioxide"):
        return BASIC_GSD2["co2"]
    return BASIC_GSD2["emission"]


def evidence_of(stated: str | None, *, formula: bool, source: str | None,
                source_kind: str | None) -> tuple[str, str]:
    """(evidence kind, basis) of a record: ``stated``, else ``modelled`` for a formula, else
    from its source id or the source's kind (module docstring). The basis says which rule
    applied: ``stated``, ``formula``, ``source <id>`` or ``source kind <kind>``."""
    if stated is not None:
        return stated, "stated"
    if formula:
        return "modelled", "formula"
    if source in SOURCE_EVIDENCE:
        return SOURCE_EVIDENCE[source], f"source {source}"
    if source_kind in SOURCE_KIND_EVIDENCE:
        return SOURCE_KIND_EVIDENCE[source_kind], f"source kind {source_kind}"
    return "assumed", "no source"


#: The evidence of an exchange, stating none, of a database genai-lca did not write (an LCI
#: database linked by the user, e.g. an ecoinvent import): its unit processes are modelled
#: inventories, and their own data-quality fields are not read.
FOREIGN_EVIDENCE = "modelled"


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    """``weights`` (kind -> contribution) as shares of their sum, every kind present, in
    the order of :data:`EVIDENCE_KINDS`; all zeros when the sum is zero."""
    total = sum(weights.values())
    return {k: (weights.get(k, 0.0) / total if total else 0.0) for k in EVIDENCE_KINDS}


# --------------------------------------------------------------------------- attribution
#: Relative step of the central difference giving a formula's elasticities.
ELASTICITY_STEP = 1e-6


class ParameterScope:
    """The parameters a formula may read (one database's, plus an activity's own), for
    attributing a formula's value to the evidence of the numbers it rests on.

    ``params``: name -> (given, evidence or None, basis or None, source, source kind),
    ``given`` a number or a formula. A parameter whose value is a formula and whose evidence
    is not stated is *transparent*: the attribution looks through it to what it reads; any
    other parameter is a *leaf* with its own evidence (:func:`evidence_of`).
    """

    def __init__(self, params: Mapping[str, tuple]):
        from lca.formula import evaluate_all

        self.params = dict(params)
        self.given = {k: v[0] for k, v in self.params.items()}
        self.values = evaluate_all(self.given)
        self._perturbed: dict[tuple[str, float], dict] = {}

    def evidence(self, name: str) -> str:
        given, stated, _, source, kind = self.params[name]
        return evidence_of(stated, formula=isinstance(given, str), source=source,
                           source_kind=kind)[0]

    def leaves(self, names) -> set[str]:
        from lca.formula import Formula

        seen, todo, out = set(), list(names), set()
        while todo:
            n = todo.pop()
            if n in seen or n not in self.params:
                continue
            seen.add(n)
            given, stated = self.params[n][:2]
            if isinstance(given, str) and stated is None:
                todo.extend(Formula(given).names)
            else:
                out.add(n)
        return out

    def _with(self, name: str, factor: float) -> dict:
        from lca.formula import evaluate_all

        key = (name, factor)
        if key not in self._perturbed:
            self._perturbed[key] = evaluate_all({**self.given,
                                                 name: float(self.values[name]) * factor})
        return self._perturbed[key]

    def elasticities(self, formula: str) -> dict[str, float]:
        """|d ln f / d ln p| of ``formula`` for each leaf p it rests on (central difference,
        relative step :data:`ELASTICITY_STEP`); {} when f is 0 or reads no leaf."""
        from lca.formula import Formula

        f = Formula(formula)
        f0 = float(f.evaluate(self.values))
        out: dict[str, float] = {}
        if not f0:
            return out
        h = ELASTICITY_STEP
        for leaf in sorted(self.leaves(f.names)):
            if not self.values.get(leaf):
                continue
            up = float(f.evaluate(self._with(leaf, 1 + h)))
            down = float(f.evaluate(self._with(leaf, 1 - h)))
            e = abs((up - down) / (2 * h * f0))
            if e > 1e-9:
                out[leaf] = e
        return out


def amount_evidence(exchange: Mapping, scope: ParameterScope | None,
                    source_kind: str | None, *, internal: bool = False
                    ) -> tuple[float, dict[str, float]]:
    """(weight, evidence kind -> share) of what an exchange's amount rests on.

    - a formula whose evidence is not stated: its leaves' evidence, each in proportion to
      the formula's elasticity to it; the weight is the sum of the elasticities (1 for a
      product of independent numbers per number);
    - a structural link (``internal``: to an activity of the same database; a
      technosphere amount of exactly 1, no formula, no stated evidence or pedigree):
      weight 0 - it passes its supplier's evidence through;
    - otherwise the exchange's own evidence (as written by the resolver, else inferred
      from ``source_kind``), weight 1.
    ``exchange`` is a Brightway exchange dict (``formula``, ``amount``, ``evidence``,
    ``evidence basis``, ``source``, ``type``, ``pedigree``)."""
    stated = exchange.get("evidence") if exchange.get("evidence basis") == "stated" else None
    formula = exchange.get("formula")
    if formula and stated is None and scope is not None:
        try:
            el = scope.elasticities(formula)
        except FormulaError:  # not evaluable around its value: the exchange's own evidence
            el = {}
        if el:
            total = sum(el.values())
            kinds: dict[str, float] = {}
            for leaf, e in el.items():
                kind = scope.evidence(leaf)
                kinds[kind] = kinds.get(kind, 0.0) + e / total
            return total, kinds
    if (internal and exchange.get("type") == "technosphere" and not formula and stated is None
            and "pedigree" not in exchange and exchange.get("amount") == 1):
        return 0.0, {}
    written = exchange.get("evidence") if exchange.get("evidence basis") != "formula" else None
    kind = stated or written or evidence_of(None, formula=False, source=exchange.get("source"),
                                            source_kind=source_kind)[0]
    return 1.0, {kind: 1.0}
