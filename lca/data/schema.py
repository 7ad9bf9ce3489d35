"""Records of the inventory file format (pydantic), before any link is resolved.

One YAML file describes part of one Brightway database::

    format: genai-lca/inventory@1
    database: genai-background
    parameters: [...]          # database parameters (name, amount or formula, unit, source)
    activities:
      - code: electricity-usa
        name: market for electricity, USA
        unit: kilowatt hour
        location: USA
        stage: use              # lifecycle-stage tag, used to group results
        source: owid-energy-2024   # default source of the exchanges below
        parameters: [...]       # activity parameters
        exchanges:
          - input: electricity-coal          # code in the same database, or "db/code"
            formula: share_coal              # or amount: 0.2
            unit: kWh                        # converted to the input's unit, or refused
          - flow: Water                      # biosphere flow by name and categories
            categories: [air]
            amount: 0.003
            unit: cubic meter
            source: macknick-2012

Long tables go in CSV files whose columns are the exchange fields plus ``database`` and
``activity`` (the code of the activity they belong to); see ``inventories/README.md``.
The records here only check the shape of each entry; :mod:`lca.data.inventory` checks
everything that needs the whole set (links, units, sources, cycles, formulas).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, \
    PrivateAttr, Tag, field_validator, model_validator

from lca.data import quality
from lca.data.links import Link
from lca.data.quality import Evidence, Pedigree
from lca.data.sources import Source
from lca.formula import reserved_name_problem

FORMAT = "genai-lca/inventory@1"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: stats_arrays uncertainty type ids (stats_arrays.distributions).
UNCERTAINTY_IDS = {"undefined": 0, "none": 1, "lognormal": 2, "normal": 3, "uniform": 4,
                   "triangular": 5}


def _not_bool(value):
    """YAML reads ``true``/``yes`` as booleans and pydantic turns them into 1.0: refuse."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean (YAML reads true, false, yes, "
                         "no, on and off as booleans)")
    return value


#: A number field: a float, but never a YAML boolean (issue 12).
Number = Annotated[float, BeforeValidator(_not_bool)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Uncertainty(Record):
    """A distribution in stats_arrays conventions, around the record's amount.

    ``lognormal``: ``scale`` = sigma of ln(x) (or give ``gsd``, geometric standard deviation);
    ``normal``: ``scale`` = standard deviation; ``uniform``: ``minimum``, ``maximum``;
    ``triangular``: ``minimum``, ``maximum`` with the amount as mode.
    """

    type: Literal["lognormal", "normal", "uniform", "triangular"]
    scale: Number | None = None
    gsd: Number | None = Field(default=None, gt=1.0)
    minimum: Number | None = None
    maximum: Number | None = None

    @model_validator(mode="after")
    def fields_match_distribution(self) -> Uncertainty:
        if self.type == "lognormal" and self.scale is None and self.gsd is None:
            raise ValueError("lognormal needs 'scale' (sigma of ln x) or 'gsd'")
        if self.type == "normal" and (self.scale is None or self.scale <= 0):
            raise ValueError("normal needs a positive 'scale' (standard deviation)")
        if self.type in ("uniform", "triangular"):
            if self.minimum is None or self.maximum is None:
                raise ValueError(f"{self.type} needs 'minimum' and 'maximum'")
            if not self.minimum < self.maximum:
                raise ValueError(f"minimum ({self.minimum}) must be below maximum ({self.maximum})")
        if self.scale is not None and not self.scale > 0:
            raise ValueError(f"'scale' must be positive; got {self.scale}")
        return self

    def stats_arrays(self, amount: float) -> dict:
        """The Brightway/stats_arrays fields for this distribution around ``amount``."""
        out: dict = {"uncertainty type": UNCERTAINTY_IDS[self.type]}
        if self.type == "lognormal":
            out["loc"] = math.log(abs(amount)) if amount else 0.0
            out["scale"] = self.scale if self.scale is not None else math.log(self.gsd)
            out["negative"] = amount < 0
        elif self.type == "normal":
            out.update(loc=amount, scale=self.scale)
        else:
            out.update(loc=amount, minimum=self.minimum, maximum=self.maximum)
        return out


def _finite(value: float | None, what: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number; got {value}")
    return value


class Quantity(Record):
    """Shared fields of parameters and exchanges: a value (number or formula) and its unit.

    Data quality (:mod:`lca.data.quality`): ``evidence`` (measured, vendor-declared,
    peer-reviewed, modelled, assumed; inferred from the source when not given),
    ``pedigree`` (five scores 1-5) and ``basic_gsd2`` (basic uncertainty as GSD^2, default
    by exchange class); a pedigree without ``uncertainty`` gives the record a lognormal
    (``spread_from_pedigree`` is then true), so every later check sees that distribution.
    """

    amount: Number | None = None
    formula: str | None = None
    unit: str | None = None
    source: str | None = None
    uncertainty: Uncertainty | None = None
    comment: str | None = None
    evidence: Evidence | None = None
    pedigree: Pedigree | None = None
    basic_gsd2: Number | None = Field(default=None, ge=1.0,
                                      description="basic uncertainty, GSD^2 (95 % factor)")
    _spread_from_pedigree: bool = PrivateAttr(default=False)

    @field_validator("amount")
    @classmethod
    def amount_is_finite(cls, v: float | None) -> float | None:
        return _finite(v, "amount")

    @field_validator("formula", mode="before")
    @classmethod
    def formula_is_text(cls, v):
        if v is not None and not isinstance(v, str):
            if isinstance(v, (int, float)):
                return repr(v)
            raise ValueError("a formula is text, e.g. \"gpu_hours * power_kw\"")
        return v

    @model_validator(mode="after")
    def amount_or_formula(self):
        if self.amount is None and self.formula is None:
            raise ValueError("give 'amount' (a number) or 'formula' (an expression)")
        return self

    @model_validator(mode="after")
    def pedigree_gives_spread(self):
        """A pedigree and no distribution: lognormal with sigma^2 = basic + pedigree
        variances (lca.data.quality.pedigree_sigma), set on the frozen record once."""
        if self.pedigree is not None and self.uncertainty is None:
            sigma = quality.pedigree_sigma(self.pedigree, self.basic_gsd2_in_force)
            object.__setattr__(self, "uncertainty", Uncertainty(type="lognormal", scale=sigma))
            self._spread_from_pedigree = True
        return self

    @property
    def spread_from_pedigree(self) -> bool:
        """Whether ``uncertainty`` is the pedigree's default lognormal (not stated)."""
        return self._spread_from_pedigree

    @property
    def basic_gsd2_in_force(self) -> float:
        """``basic_gsd2``, else the default of the record's class: a parameter, a
        technosphere exchange, or an elementary flow given by ``flow`` and ``categories``
        (lca.data.quality.default_basic_gsd2)."""
        if self.basic_gsd2 is not None:
            return self.basic_gsd2
        flow, cats = getattr(self, "flow", None), getattr(self, "categories", None) or [""]
        kind = None if hasattr(self, "name") else "biosphere" if flow else "technosphere"
        return quality.default_basic_gsd2(
            kind, flow, "natural resource" if cats[0] == "natural resource" else None)


def check_mode(u: Uncertainty, amount: float) -> None:
    """A triangular distribution's mode (the amount) lies in [minimum, maximum]; checked by
    :mod:`lca.data.inventory` once formulas are evaluated, next to the other value checks."""
    if not u.minimum <= amount <= u.maximum:
        raise ValueError(f"a triangular distribution's mode (the amount, {amount:g}) must lie "
                         f"in [minimum, maximum] = [{u.minimum:g}, {u.maximum:g}]")


class Parameter(Quantity):
    name: str
    description: str | None = None
    minimum: Number | None = Field(default=None, description="validity bound, not uncertainty")
    maximum: Number | None = None

    @field_validator("name")
    @classmethod
    def name_is_identifier(cls, v: str) -> str:
        if not _NAME.match(v) or v.startswith("__"):
            raise ValueError(f"'{v}' is not a valid parameter name (letters, digits, '_', "
                             "not starting with a digit or '__')")
        return v

    @field_validator("name")
    @classmethod
    def name_is_not_reserved(cls, v: str) -> str:
        problem = reserved_name_problem(v)
        if problem:
            raise ValueError(problem)
        return v


def _input_kind(value) -> str:
    return "link" if isinstance(value, (dict, Link)) else \
        "path" if isinstance(value, list) else "code"


#: An exchange's input: a code, "db/code", [db, code], or a mapping read as a
#: :class:`~lca.data.links.Link` (its own errors only, not those of the other forms).
ExchangeInput = Annotated[Union[Annotated[str, Tag("code")], Annotated[list[str], Tag("path")],
                                Annotated[Link, Tag("link")]],
                          Discriminator(_input_kind)]


class Exchange(Quantity):
    type: Literal["technosphere", "biosphere", "production", "substitution"] | None = None
    input: ExchangeInput | None = Field(
        default=None, description="'code', 'db/code', or a link {database, name, location, "
        "reference_product} or {database, code} (lca.data.links)")
    flow: str | None = Field(default=None, description="biosphere flow name")
    categories: list[str] | None = None

    @model_validator(mode="after")
    def input_or_flow(self):
        if self.type == "production":
            return self
        if (self.input is None) == (self.flow is None):
            raise ValueError("give exactly one of 'input' (an activity or flow code) or "
                             "'flow' with 'categories' (a biosphere flow by name)")
        if self.flow is not None and not self.categories:
            raise ValueError(f"biosphere flow '{self.flow}' needs 'categories', e.g. [air]")
        return self


class Activity(Record):
    code: str
    name: str
    unit: str
    location: str = "GLO"
    reference_product: str | None = None
    type: Literal["process", "emission", "natural resource", "inventory indicator"] = "process"
    categories: list[str] | None = None
    stage: str | None = None
    substage: str | None = None
    source: str | None = None
    comment: str | None = None
    production: Number = Field(default=1.0, gt=0)
    properties: dict[str, float | str | None] = Field(default_factory=dict)
    parameters: list[Parameter] = Field(default_factory=list)
    exchanges: list[Exchange] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def code_has_no_slash(cls, v: str) -> str:
        if "/" in v or not v.strip():
            raise ValueError(f"activity code '{v}' must be non-empty and contain no '/'")
        return v

    @field_validator("production")
    @classmethod
    def production_is_finite(cls, v: float) -> float:
        return _finite(v, "production")


class InventoryFile(Record):
    format: Literal["genai-lca/inventory@1"] = FORMAT
    database: str
    description: str | None = None
    biosphere: bool = Field(default=False, description="a database of elementary flows")
    allow_cycles: bool = False
    #: The file's own bibliography entries (same fields as ``inventories/SOURCES``); an id
    #: may not shadow a package id (issue 15).
    sources: list[Source] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)

    @field_validator("database")
    @classmethod
    def database_is_named(cls, v: str) -> str:
        if not v.strip() or "/" in v or v != v.strip():
            raise ValueError(f"database name {v!r} must be non-empty, without '/' and "
                             "without leading or trailing spaces")
        return v
