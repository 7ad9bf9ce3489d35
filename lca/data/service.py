"""Service files: an inventory database plus what a service declares about itself.

A service file is an inventory file (see :mod:`lca.data.schema`) with ``format:
genai-lca/service@1`` and two more sections::

    service:
      id: chat-70b-h100            # the Brightway database is "genai-service-<id>"
      name: Chat assistant, 70B dense model on H100 SXM
      description: ...
    functional_units:              # the first one is the default of ``--fu``
      - {id: request, name: one request, unit: request, activity: request, amount: "1"}
      - {id: 1k-output-tokens, name: "1,000 output tokens", unit: 1000 output tokens,
         activity: request, amount: "1000 / output_tokens_per_request"}

Each functional unit is an amount (a number or a formula over the service's database
parameters) of one of the service's activities.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, \
    model_validator

from lca.data import names, parse_yaml, read_text
from lca.data.inventory import _schema_problem
from lca.data.links import Link
from lca.data.schema import Activity, InventoryFile, Number, Parameter
from lca.data.sources import Source
from lca.errors import InputError, Problem

SERVICE_FORMAT = "genai-lca/service@1"
DATABASE_PREFIX = names.SERVICE_DB_PREFIX
#: Longest service id: it becomes part of database and file names (255 bytes at most on
#: common file systems, with prefixes and suffixes such as "-SSP2-4.5-2035-k2.6").
MAX_ID_LENGTH = 100


class FunctionalUnit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    unit: str
    activity: str
    amount: str = "1"

    @field_validator("amount", mode="before")
    @classmethod
    def amount_as_text(cls, v):
        if isinstance(v, bool):
            raise ValueError("expected a number or a formula, not a boolean (YAML reads "
                             "true, false, yes, no, on and off as booleans)")
        return repr(float(v)) if isinstance(v, (int, float)) else v


class ServiceMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    description: str | None = None
    kind: Literal["chat", "image", "training", "other"] = "other"

    @field_validator("id")
    @classmethod
    def id_is_slug(cls, v: str) -> str:
        if len(v) > MAX_ID_LENGTH:  # it names a database, a cache entry and report files
            raise ValueError(f"a service id is at most {MAX_ID_LENGTH} characters long; "
                             f"this one has {len(v)}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", v):
            raise ValueError(f"service id '{v}' must use lower-case letters, digits and '-'")
        return v


class _Spec(BaseModel):
    """Model blocks: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Boundary(_Spec):
    """What the assessment includes; a published study's boundary is set here, not in code."""

    pue: bool = True
    onsite_water: bool = True
    embodied: bool = True
    end_of_life: bool = True
    datacenter_infrastructure: bool = True


class Electricity(_Spec):
    """Grid electricity: a location of ``genai-electricity`` (ISO3, US-XX, CN-XX), a
    factor stated by the study or a supplier (``stated``: parameters
    ``grid_gwp_kg_per_kwh`` and optionally ``grid_water_l_per_kwh``), or an activity of any
    database of the project (``linked``: ``activity`` is a :class:`~lca.data.links.Link`,
    e.g. ecoinvent's "market for electricity, medium voltage" at FR; ``location``, optional,
    is then the site's ISO3 country for the AWARE factor of on-site water)."""

    location: str | None = None
    basis: Literal["location-based", "market-based", "stated", "linked"] = "location-based"
    activity: Link | None = None

    @model_validator(mode="after")
    def location_or_stated(self):
        if self.basis == "location-based" and not self.location:
            raise ValueError("location-based electricity needs a 'location' (ISO3 or region)")
        return self

    @model_validator(mode="after")
    def activity_when_linked(self):
        if self.basis == "linked" and self.activity is None:
            raise ValueError("linked electricity needs an 'activity': {database, name, "
                             "location, reference_product} or {database, code}")
        if self.basis != "linked" and self.activity is not None:
            raise ValueError(f"'activity' is read with basis 'linked' only, not "
                             f"'{self.basis}'")
        return self


class LinkedInput(_Spec):
    """An extra input of one stage's operation (a material, transport, energy) from any
    database of the project: ``amount`` or ``formula`` (over the service's parameters) of
    ``activity`` per unit of the stage's operation (inference: per request; training and
    fine-tuning: per campaign), in ``unit`` (converted to the activity's unit)."""

    stage: Literal["inference", "training", "fine_tuning"]
    activity: Link
    amount: Number | None = None
    formula: str | None = None
    unit: str
    source: str
    comment: str | None = None

    @field_validator("formula", mode="before")
    @classmethod
    def formula_is_text(cls, v):
        return repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def amount_or_formula(self):
        if (self.amount is None) == (self.formula is None):
            raise ValueError("give exactly one of 'amount' (a number) or 'formula' (an "
                             "expression over the service's parameters)")
        return self


class Hardware(_Spec):
    accelerator: str = Field(description="genai-hardware accelerator id, or 'custom'")
    embodied: Literal["bottom-up", "vendor-pcf"] = "bottom-up"
    server: str | None = Field(default=None, description="genai-hardware server id, or 'custom'")
    datacenter: str | None = Field(default=None, description="genai-datacenter record id")


class Campaign(_Spec):
    """Training or fine-tuning: energy from GPU-hours x power, or measured."""

    energy: Literal["gpu-hours", "measured"] = "gpu-hours"


class Inference(_Spec):
    """How inference energy is found: ``measured`` (Wh per request), ``throughput`` (given
    replica throughput and power), ``compute`` (2N FLOPs per token at a utilisation) or
    ``roofline`` (model size, precision, batch and the accelerator's bandwidth, compute,
    memory and power: lca.model.serving). ``precision`` (roofline only) sets the bytes per
    weight and which peak compute of the accelerator applies."""

    energy_model: Literal["measured", "throughput", "compute", "roofline"]
    precision: Literal["bf16", "fp16", "fp8", "int4"] | None = None

    @model_validator(mode="after")
    def precision_is_roofline(self):
        if self.precision is not None and self.energy_model != "roofline":
            raise ValueError(f"'precision' is read by energy_model roofline only, not "
                             f"'{self.energy_model}'")
        return self


class Allocation(_Spec):
    """How shared burdens reach one request (recorded in every result's provenance).

    ``training``: ``requests`` spreads a campaign over this service's requests; ``tokens``
    over every output token the model serves in its life (parameter
    ``training_amortisation_tokens``, e.g. across several deployments); ``share`` gives this
    service a fraction ``training_share`` of the campaign, spread over its requests.
    """

    training: Literal["requests", "tokens", "share"] = "requests"


class ServiceModel(_Spec):
    hardware: Hardware
    electricity: Electricity
    boundary: Boundary = Boundary()
    allocation: Allocation = Allocation()
    training: Campaign | None = None
    fine_tuning: Campaign | None = None
    inference: Inference | None = None
    inputs: list[LinkedInput] = Field(default_factory=list)

    @model_validator(mode="after")
    def inputs_have_their_stage(self):
        absent = sorted({i.stage for i in self.inputs if getattr(self, i.stage) is None})
        if absent:
            raise ValueError(f"'inputs' name stage(s) {', '.join(absent)} that the model has "
                             "no block for")
        return self

    @model_validator(mode="after")
    def does_something(self):
        if not (self.training or self.fine_tuning or self.inference):
            raise ValueError("give at least one of 'training', 'fine_tuning', 'inference'")
        return self


class ServiceFile(BaseModel):
    """A service written as activities, or described by a ``model:`` block that
    :mod:`lca.model.genai` turns into activities (then ``functional_units`` may be left
    out: the model declares the usual ones for the service's kind)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["genai-lca/service@1"]
    service: ServiceMeta
    functional_units: list[FunctionalUnit] = Field(default_factory=list)
    description: str | None = None
    #: The service's own bibliography entries, cited like the package's (issue 15).
    sources: list[Source] = Field(default_factory=list)
    model: ServiceModel | None = None
    parameters: list[Parameter] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)

    @model_validator(mode="after")
    def activities_or_model(self):
        if self.model is None and not self.activities:
            raise ValueError("give 'activities' or a 'model' block")
        if self.model is not None and self.activities:
            raise ValueError("give either 'activities' or a 'model' block, not both")
        if self.model is None and not self.functional_units:
            raise ValueError("a service written as activities must declare 'functional_units'")
        return self

    @field_validator("functional_units")
    @classmethod
    def functional_unit_ids_are_unique(cls, units: list[FunctionalUnit]):
        ids = [fu.id for fu in units]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"functional unit id(s) declared more than once: "
                             f"{', '.join(twice)}; each id must be unique")
        return units

    @property
    def database(self) -> str:
        return names.service_database(self.service.id)

    def inventory(self) -> InventoryFile:
        return InventoryFile(database=self.database, description=self.service.name,
                             sources=self.sources, parameters=self.parameters,
                             activities=self.activities)



def load_service(path: str | Path) -> Service:
    """Read a service file; raise :class:`InputError` naming file, dataset and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem("service file not found", file=str(path)))
    text = read_text(path)
    raw = parse_yaml(text, path)
    if not isinstance(raw, dict) or raw.get("format") != SERVICE_FORMAT:
        got = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
        raise InputError(Problem(f"expected 'format: {SERVICE_FORMAT}'; got {got!r}",
                                 file=str(path), field="format"))
    try:
        svc = ServiceFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError([_schema_problem(path, raw, e) for e in exc.errors()]) from None
    codes = {a.code for a in svc.activities}
    bad = [fu for fu in svc.functional_units if svc.model is None and fu.activity not in codes]
    if bad:
        raise InputError([Problem(f"functional unit '{fu.id}' refers to activity "
                                  f"'{fu.activity}', which the file does not define",
                                  file=str(path), dataset=fu.id, field="activity")
                          for fu in bad])
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Service(svc, str(path), digest)


@dataclass
class Service:
    """A loaded service file; :func:`lca.model.genai.build` gives its records."""

    file: ServiceFile
    path: str
    digest: str


def select_unit(units: list[FunctionalUnit], fu_id: str | None) -> FunctionalUnit:
    """The functional unit ``fu_id`` (default: the first one declared)."""
    if fu_id is None:
        return units[0]
    for fu in units:
        if fu.id == fu_id:
            return fu
    raise InputError(Problem(f"unknown functional unit '{fu_id}'; this service declares: "
                             f"{', '.join(f.id for f in units)}", field="--fu"))
