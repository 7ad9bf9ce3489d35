"""Results as an Excel workbook (openpyxl): one sheet per table, values as numbers.

Sheets: ``results`` (one row per indicator: total per functional unit, unit, method,
pre-characterised share), ``stages`` (the long table of
:meth:`lca.results.AssessmentResult.rows`), ``processes`` and ``flows`` (top N + rest per
indicator), ``parameters``, ``sources`` (citation, year, licence) and ``provenance``
(versions, method names, inventory hashes). Monte Carlo samples go to tidy CSV/Parquet
(``genai-lca uncertainty --out``), not here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SHEETS = ("results", "stages", "processes", "flows", "parameters", "sources", "provenance")


def results_frames(result, contributions) -> dict:
    """The workbook's sheets as DataFrames (sheet name -> frame)."""
    import pandas as pd

    fu = result.functional_unit
    rows = [{"service": result.service, "functional_unit": fu["id"], "fu_name": fu["name"],
             "indicator": k, "label": i.label, "unit": i.unit, "total": i.total,
             "method": " | ".join(i.method),
             "precharacterised_share": contributions.precharacterised_share.get(k)}
            for k, i in result.indicators.items()]
    rows.append({"service": result.service, "functional_unit": fu["id"], "fu_name": fu["name"],
                 "indicator": "energy", "label": "Energy (grid electricity)", "unit": "kWh",
                 "total": result.energy_total_kwh, "method": "cumulative grid electricity",
                 "precharacterised_share": None})
    prov = result.provenance
    provenance = [{"item": f"version {k}", "value": str(v)}
                  for k, v in prov.get("versions", {}).items()]
    provenance += [{"item": f"method {m['indicator']}", "value": " | ".join(m["name"])}
                   for m in prov.get("methods", [])]
    provenance += [{"item": f"inventory {i['database']}", "value": i.get("digest") or ""}
                   for i in prov.get("inventories", [])]
    provenance += [{"item": "project", "value": prov.get("project", "")},
                   {"item": "allocation", "value": json.dumps(prov.get("allocation", {}),
                                                              default=str, allow_nan=False)}]
    provenance += [{"item": f"warning {w['code']}", "value": w["message"]}
                   for w in result.warnings]
    return {"results": pd.DataFrame(rows), "stages": result.to_frame(),
            "processes": contributions.processes, "flows": contributions.flows,
            "parameters": pd.DataFrame(contributions.parameters),
            "sources": pd.DataFrame(contributions.sources),
            "provenance": pd.DataFrame(provenance)}


def write_results_xlsx(path: str | os.PathLike, result, contributions) -> Path:
    """Write ``result`` (:class:`~lca.results.AssessmentResult`) and ``contributions``
    (:class:`~lca.bw.contributions.Contributions`) to ``path`` (.xlsx)."""
    import pandas as pd

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in results_frames(result, contributions).items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for col in sheet.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in col[:200])
                sheet.column_dimensions[col[0].column_letter].width = min(max(width, 8), 60) + 2
    return path
