"""The result of an assessment and its renderings (dict/JSON, long CSV, text table).

The JSON shape is a contract (README "Output formats")::

    {"service": str,
     "functional_unit": {"id", "name", "amount", "unit"},
     "indicators": {key: {"label", "method": [str], "unit", "total", "by_stage": {stage: v},
                          "by_activity": {foreground activity code: v}}},
     "energy_kwh": {"total", "by_stage"},
     "evidence": {key: {"measured", "vendor-declared", "peer-reviewed", "modelled",
                        "assumed": share of the total, adding up to 1}},
     "provenance": {"inventories": [...], "methods": [...], "versions": {...},
                    "allocation": {...}, "data_dir", "project"},
     "warnings": [{"code", "message"}],
     "evidence": {key: {evidence kind: share of the total}}}    # issue 16, adds up to 1
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from lca.data.names import STAGE_ORDER  # order in which stages are shown
from lca.errors import InputError, Problem


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    method: tuple[str, ...]
    unit: str
    total: float
    by_stage: dict[str, float]
    by_activity: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentResult:
    service: str
    service_name: str
    functional_unit: dict[str, Any]
    indicators: dict[str, Indicator]
    energy_total_kwh: float
    energy_by_stage_kwh: dict[str, float]
    provenance: dict[str, Any]
    warnings: list[dict[str, str]] = field(default_factory=list)
    #: The roofline serving model's figures (lca.model.serving.REPORTED): replica size,
    #: batch, step time, power, IT energy per token of each class (J/token, before PUE).
    serving: dict[str, float] = field(default_factory=dict)
    #: Indicator -> evidence kind (measured, vendor-declared, peer-reviewed, modelled,
    #: assumed) -> share of the total resting on it, adding up to 1 (lca.bw.evidence).
    evidence: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """No silent NaN or inf: a non-finite total or stage is an error naming it."""
        values = [(f"indicator '{k}'", s, v) for k, i in self.indicators.items()
                  for s, v in [("total", i.total), *i.by_stage.items()]]
        values += [("energy", s, v) for s, v in [("total", self.energy_total_kwh),
                                                 *self.energy_by_stage_kwh.items()]]
        bad = [(what, stage, v) for what, stage, v in values if not math.isfinite(v)]
        if bad:
            what, stage, v = bad[0]
            raise InputError(Problem(
                f"the result is not a finite number ({what}, stage '{stage}': {v}); a "
                "parameter makes the system singular or overflows: check the service's "
                "parameters for values extremely large or small", file=self.service))

    @property
    def stages(self) -> list[str]:
        seen = {s for ind in self.indicators.values() for s, v in ind.by_stage.items() if v}
        seen |= {s for s, v in self.energy_by_stage_kwh.items() if v}
        return sorted(seen, key=lambda s: (STAGE_ORDER.index(s) if s in STAGE_ORDER
                                           else len(STAGE_ORDER), s))

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "service_name": self.service_name,
            "functional_unit": dict(self.functional_unit),
            "indicators": {k: {"label": i.label, "method": list(i.method), "unit": i.unit,
                               "total": i.total, "by_stage": self._ordered(i.by_stage),
                               "by_activity": dict(i.by_activity)}
                           for k, i in self.indicators.items()},
            "energy_kwh": {"total": self.energy_total_kwh,
                           "by_stage": self._ordered(self.energy_by_stage_kwh)},
            **({"serving": dict(self.serving)} if self.serving else {}),
            "evidence": {k: dict(v) for k, v in self.evidence.items()},
            "provenance": self.provenance,
            "warnings": list(self.warnings),
        }

    def _ordered(self, d: dict[str, float]) -> dict[str, float]:
        return {s: d.get(s, 0.0) for s in self.stages}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def rows(self) -> list[dict[str, Any]]:
        """The long table: one row per (indicator, stage), plus a 'total' row each."""
        fu = self.functional_unit
        out = []
        items = [(k, i.label, i.unit, i.total, i.by_stage) for k, i in self.indicators.items()]
        items.append(("energy", "Energy (grid electricity)", "kWh", self.energy_total_kwh,
                      self.energy_by_stage_kwh))
        for key, label, unit, total, by_stage in items:
            for stage in self.stages + ["total"]:
                value = total if stage == "total" else by_stage.get(stage, 0.0)
                out.append({"service": self.service, "functional_unit": fu["id"],
                            "fu_amount": fu["amount"], "fu_unit": fu["unit"],
                            "indicator": key, "label": label, "unit": unit,
                            "stage": stage, "value": value})
        return out

    def to_csv(self) -> str:
        buf = io.StringIO()
        rows = self.rows()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "value": repr(r["value"])})
        return buf.getvalue()

    def to_frame(self):
        """The long table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def to_text(self) -> str:
        """A readable table: indicator, unit, total, and each stage's share."""
        fu = self.functional_unit
        stages = self.stages
        head = ["indicator", "unit", "total"] + stages
        lines = [[i.label, i.unit, _fmt(i.total)] +
                 [_share(i.by_stage.get(s, 0.0), i.total) for s in stages]
                 for i in self.indicators.values()]
        lines.append(["Energy (grid electricity)", "kWh", _fmt(self.energy_total_kwh)] +
                     [_share(self.energy_by_stage_kwh.get(s, 0.0), self.energy_total_kwh)
                      for s in stages])
        widths = [max(len(str(r[c])) for r in [head] + lines) for c in range(len(head))]
        fmt = lambda r: "  ".join(str(v).ljust(w) if c < 2 else str(v).rjust(w)
                                  for c, (v, w) in enumerate(zip(r, widths)))
        ref = fu.get("reference_flow", {})
        title = (f"{self.service_name}\nper {fu['name']} [{fu['id']}] = {_fmt(ref.get('amount', 1))}"
                 f" x '{ref.get('activity', ['', ''])[1]}'; shares by lifecycle stage")
        body = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in lines]
        notes = [f"warning [{w['code']}]: {w['message']}" for w in self.warnings]
        evidence = [f"evidence, {self.indicators[k].label}: " + ", ".join(
            f"{kind} {_share(v, 1.0)}" for kind, v in shares.items())
            for k, shares in self.evidence.items() if k in self.indicators]
        serving = ["serving (roofline): " + ", ".join(
            f"{k} = {_fmt(v)}" for k, v in self.serving.items())] if self.serving else []
        return "\n".join([title, ""] + body + ([""] + serving if serving else [])
                         + ([""] + evidence if evidence else [])
                         + ([""] + notes if notes else []))


def _fmt(v: float) -> str:
    return f"{v:.4g}" if v and (abs(v) >= 1e4 or abs(v) < 1e-2) else f"{v:.4f}".rstrip("0").rstrip(".") or "0"


def _share(part: float, total: float) -> str:
    if not total:
        return "-"
    share = 100 * part / total
    return f"{0.0 if abs(share) < 0.05 else share:.1f} %"  # no "-0.0 %" from rounding noise


def records_to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, allow_nan=False)


def records_to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    fields = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def records_to_text(rows: list[dict[str, Any]]) -> str:
    """A plain aligned table of records (numbers to 4 significant digits)."""
    if not rows:
        return "(nothing)"
    fields = [k for k in dict.fromkeys(k for r in rows for k in r) if k != "name"]
    cells = [[_cell(r.get(k)) for k in fields] for r in rows]
    widths = [max(len(f), *(len(c[i]) for c in cells)) for i, f in enumerate(fields)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()
    return "\n".join([line(fields), line(["-" * w for w in widths])] + [line(c) for c in cells])


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)
