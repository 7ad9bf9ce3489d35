"""Service files: an inventory database plus what a service declares about itself.

A service file is an inventory file (see :mod:`lca.data.schema`) with ``format:
genai-lca/service@1`` and two more sections::

    service:
      id: chat-70b-h100            # the Brightway database is "genai-service-<id>"
      name: Chat assistant, 70B dense model on 8x H100
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
from pathlib import Path
from typing import Literal

from lca.data import parse_yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lca.data.inventory import InventorySet, SourcedFile, _schema_problem
from lca.data.schema import Activity, InventoryFile, Parameter
from lca.errors import InputError, Problem

SERVICE_FORMAT = "genai-lca/service@1"
DATABASE_PREFIX = "genai-service-"


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
        if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", v):
            raise ValueError(f"service id '{v}' must use lower-case letters, digits and '-'")
        return v


class ServiceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["genai-lca/service@1"]
    service: ServiceMeta
    functional_units: list[FunctionalUnit] = Field(min_length=1)
    description: str | None = None
    parameters: list[Parameter] = Field(default_factory=list)
    activities: list[Activity] = Field(min_length=1)

    @property
    def database(self) -> str:
        return DATABASE_PREFIX + self.service.id

    def inventory(self) -> InventoryFile:
        return InventoryFile(database=self.database, description=self.service.name,
                             parameters=self.parameters, activities=self.activities)

    def functional_unit(self, fu_id: str | None) -> FunctionalUnit:
        if fu_id is None:
            return self.functional_units[0]
        for fu in self.functional_units:
            if fu.id == fu_id:
                return fu
        raise InputError(Problem(
            f"unknown functional unit '{fu_id}'; this service declares: "
            f"{', '.join(f.id for f in self.functional_units)}", field="--fu"))


def load_service(path: str | Path) -> tuple[ServiceFile, InventorySet]:
    """Read a service file; raise :class:`InputError` naming file, dataset and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem("service file not found", file=str(path)))
    text = path.read_text(encoding="utf-8")
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
    bad = [fu for fu in svc.functional_units if fu.activity not in codes]
    if bad:
        raise InputError([Problem(f"functional unit '{fu.id}' refers to activity "
                                  f"'{fu.activity}', which the file does not define",
                                  file=str(path), dataset=fu.id, field="activity")
                          for fu in bad])
    inv = InventorySet(files=[SourcedFile(str(path), svc.inventory(),
                                          hashlib.sha256(text.encode()).hexdigest())])
    return svc, inv
