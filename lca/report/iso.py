"""The report's study sections in the shape of ISO 14040/44 and ISO 14067 (issue 16), each
filled from the service file, its evaluated parameters and its results: goal and scope,
functional unit, system boundary (with the service graph), allocation and cut-off, LCIA
methods and versions, boundary reconciliation, energy disclosure, data quality by evidence
kind, interpretation and limitations.

Structure after ISO 14044:2006 clause 5 and ISO 14067:2018 clause 7 (bibliography ids
iso-14040-2006, iso-14067-2018); no text of the standards is reproduced. Called by
:mod:`lca.report.html`; no figure is drawn here but the service graph, moved from its
own section, so a report takes the time it took before.
"""

from __future__ import annotations

import re
from functools import partial

from lca.report import plots

#: Section id suffix -> heading, in report order (the contents line links them).
SECTIONS = {"goal": "Goal and scope", "fu": "Functional unit",
            "boundary": "System boundary", "allocation": "Allocation and cut-off",
            "methods": "LCIA methods and versions",
            "reconciliation": "Boundary reconciliation", "disclosure": "Energy disclosure",
            "quality": "Data quality", "interpretation": "Interpretation",
            "limitations": "Limitations"}
_SWITCHES = {"pue": "facility overhead (PUE) on IT energy",
             "onsite_water": "on-site cooling water (WUE x IT energy)",
             "embodied": "embodied hardware (accelerators and servers, time share)",
             "end_of_life": "end of life of the hardware (cut-off)",
             "datacenter_infrastructure": "datacentre building and equipment (IT power share)"}


def _h():
    from lca.report import html

    return html


def heading(i: int, key: str) -> str:
    return f"<h3 id='svc{i}-{key}' data-iso='{key}'>{SECTIONS[key]}</h3>"


def contents(i: int) -> str:
    links = " ".join(f"<a href='#svc{i}-{k}'>{v.lower()}</a>" for k, v in SECTIONS.items())
    return (f"<nav class='iso'>Study report after ISO 14040/44 and ISO 14067: {links}</nav>")


def _value(values: dict, name: str) -> str:
    return _h().num(values[name]) if name in values else "not given"


# ---------------------------------------------------------------------- goal and scope
def goal_and_scope(s, i: int, fig) -> str:
    """Goal, scope, functional unit, system boundary, allocation and cut-off, methods."""
    return "".join([_goal(s, i), _functional_unit(s, i), _boundary(s, i, fig),
                    _allocation(s, i), _methods(s, i)])


def _goal(s, i: int) -> str:
    h, r, spec, v = _h(), s.result, s.spec, s.values
    e = h._esc
    meta = spec["service"] if spec is not None else None
    model = spec["model"] if spec is not None else None
    labels = ", ".join(ind.label.lower() for ind in r.indicators.values())
    kind = meta["kind"] if meta else "service"
    what = (f"To quantify the potential environmental impacts ({e(labels)}) of "
            f"<b>{e(r.service_name)}</b>, a {e(kind)} service, per "
            f"{e(r.functional_unit['name'])}, over its life cycle and under the narrower "
            "boundaries published claims use (boundary reconciliation below).")
    if meta is not None and meta.get("description"):
        what += f" {e(meta['description'])}"
    rows = [["service", f"<code>{e(r.service)}</code> ({e(kind)})"]]
    if "requests_per_day" in v:
        served = v.get("requests_served")
        rows.append(["demand", f"{h.num(v['requests_per_day'])} requests a day, deployed "
                     f"{_value(v, 'deployment_years')} year(s)"
                     + (f" ({h.num(served)} requests served)" if served else "")])
    if model is not None and model.get("hardware"):
        hw = model["hardware"]
        rows.append(["technology", e(", ".join(x for x in (
            f"accelerator {hw['accelerator']}", f"server {hw['server']}" if hw["server"] else "",
            f"datacentre {hw['datacenter']}" if hw["datacenter"] else "",
            f"embodied route {hw['embodied']}") if x))])
        parts = []
        inf = model.get("inference")
        if inf is not None:
            parts.append(f"inference energy model {inf['energy_model']}"
                         + (f" ({inf['precision']})" if inf.get("precision") else ""))
        for name in ("training", "fine_tuning"):
            c = model.get(name)
            if c is not None:
                parts.append(f"{name.replace('_', '-')} campaign ({c['energy']})")
        rows.append(["activities modelled", e("; ".join(parts))])
    grid = s.boundaries.grid if s.boundaries is not None else {}
    if grid:
        loc = grid.get("location_kg_per_kwh")
        rows.append(["geography and electricity", e(
            f"{grid.get('location') or 'as written'}, {grid['basis']} grid"
            + (f", {loc:.4g} kg CO2-eq/kWh (life cycle)" if loc is not None else ""))])
    rows.append(["time", e("present (catalogue year)" if "prospective" not in r.provenance
                           else f"prospective: {r.provenance['prospective']}")])
    return (heading(i, "goal") + f"<p>{what}</p>" + h._table(["scope item", "value"], rows))


def _functional_unit(s, i: int) -> str:
    h, fu = _h(), s.result.functional_unit
    e = h._esc
    ref = fu.get("reference_flow", {})
    act = "/".join(ref.get("activity", []))
    rows = [["functional unit", e(f"{fu['name']} [{fu['id']}]")],
            ["unit", e(fu["unit"])],
            ["reference flow", f"{h.num(ref.get('amount', 1))} x <code>{e(act)}</code> "
             f"(formula <code>{e(ref.get('formula', ''))}</code>)"]]
    for key in ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens"):
        if key in fu:
            rows.append([e(key.replace("_", " ") + " per functional unit"), h.num(fu[key])])
    d = s.disclosure
    if d is not None and d.units_per_year:
        rows.append(["functional units a year", h.num(d.units_per_year)])
    return heading(i, "fu") + h._table(["item", "value"], rows)


def _boundary(s, i: int, fig) -> str:
    """Stages in the result with their shares, the boundary switches, and the service
    graph (the report's existing stage diagram)."""
    h, r = _h(), s.result
    e = h._esc
    climate = r.indicators.get("climate_change")
    rows = [[h._swatch(st), h.num(r.energy_by_stage_kwh.get(st, 0.0)),
             h.num(climate.by_stage.get(st, 0.0)) if climate else "",
             h.pct(climate.by_stage.get(st, 0.0), climate.total) if climate else ""]
            for st in r.stages]
    bound = r.provenance.get("allocation", {}).get("boundary")
    switches = ""
    if isinstance(bound, dict):
        sw = [[e(_SWITCHES.get(k, k)), "included" if v else "<b>excluded</b>"]
              for k, v in bound.items()]
        switches = h._table(["part of the system", "in this study"], sw)
    labels = plots.result_labels(r)
    graph = ""
    if climate is not None:
        graph = ("<h4>Climate change through the service graph</h4>" +
                 fig(partial(plots.impact_graph_figure, s.graph, s.contributions.edges,
                             "climate_change", labels=labels, per=h._per(s)),
                     "The system as modelled: foreground activities by lifecycle stage and the "
                     "background they draw on. Link width: impact carried from supplier to "
                     "consumer; percentages are shares of the total."))
    excluded = [k for k, v in (bound or {}).items() if not v] if isinstance(bound, dict) \
        else []
    extent = ("Cradle to grave" if not excluded else
              f"Partial life cycle ({len(excluded)} part(s) excluded, below)")
    return (heading(i, "boundary") +
            f"<p class='note'>{extent}: the lifecycle stages this result contains "
            f"({len(r.stages)}), per {e(r.functional_unit['name'])}.</p>" +
            h._table(["stage", "energy kWh", "kg CO2-eq", "share"], rows, numeric={1, 2, 3})
            + switches + graph)


def _allocation(s, i: int) -> str:
    h = _h()
    e = h._esc
    alloc = s.result.provenance.get("allocation", {})
    rows = [[e(k.replace("_", " ")), e(v)] for k, v in alloc.items() if isinstance(v, str)]
    bound = alloc.get("boundary") if isinstance(alloc.get("boundary"), dict) else {}
    cut = []
    if bound.get("end_of_life"):
        cut.append("end of life by the cut-off approach: recycling credits are not given, "
                   "treatment of retired hardware is counted")
    cut += [f"{_SWITCHES.get(k, k)}: cut off (switched off in the service's boundary)"
            for k, v in bound.items() if not v]
    if not bound:
        cut.append("as written in the service file's activities")
    return (heading(i, "allocation") +
            h._table(["allocation", "rule"], rows or [["rule", "as written"]]) +
            "<p class='note'>Cut-off: " + e("; ".join(cut)) + ".</p>")


def _methods(s, i: int) -> str:
    h = _h()
    e = h._esc
    p = s.result.provenance
    rows = [[e(m["indicator"]), e(" | ".join(m["name"])), e(m["unit"]),
             e(", ".join(map(str, m.get("characterisation_factors_from", []))))]
            for m in p.get("methods", [])]
    versions = ", ".join(f"{k} {v}" for k, v in p.get("versions", {}).items() if v)
    return (heading(i, "methods") +
            h._table(["indicator", "LCIA method", "unit", "characterisation factors from"],
                     rows) +
            f"<p class='note'>Software versions: {e(versions)}. Inventory hashes: "
            f"<a href='#svc{i}-provenance'>provenance</a>.</p>")


# ---------------------------------------------------------------------- results
def reconciliation(s, i: int) -> str:
    h, rec = _h(), s.boundaries
    if rec is None:
        return ""
    e = h._esc
    mult = lambda v: "" if v is None else f"x{v:.3g}"
    val = lambda v: "n/a" if v is None else h.num(v)
    rows = [[f"<b>{e(b.id)}</b><br><small>{e(b.label)}</small>",
             f"<span data-boundary='{b.id}' data-q='energy'>{val(b.energy_kwh)}</span>",
             mult(b.energy_multiplier),
             f"<span data-boundary='{b.id}' data-q='carbon'>{val(b.carbon_kg)}</span>",
             mult(b.carbon_multiplier), f"<code>{e(b.formula)}</code>", e(b.note)]
            for b in rec.boundaries]
    adds = "; ".join(f"{st} {h.num(a['energy_kwh'])} kWh, {h.num(a['carbon_kg'])} kg CO2-eq"
                     for st, a in rec.additions.items())
    return (heading(i, "reconciliation") +
            f"<p class='note'>The result per {e(rec.functional_unit['name'])} under the "
            f"boundaries published claims use, operational stage "
            f"{e(', '.join(rec.operational_stages))}; x: multiplier from the boundary each "
            "extends. Energy boundaries' carbon is their electricity at the location-based "
            "factor.</p>" +
            h._table(["boundary", "energy kWh", "x", "kg CO2-eq", "x", "formula", "note"], rows,
                     numeric={1, 2, 3, 4}, attrs=f"id='svc{i}-boundaries'") +
            (f"<p class='note'>Full life cycle adds: {e(adds)}.</p>" if adds else ""))


def disclosure(s, i: int) -> str:
    h, d = _h(), s.disclosure
    if d is None:
        return ""
    e = h._esc
    val = lambda v: "n/a" if v is None else (v if isinstance(v, str) else h.num(v))
    rows = [[e(r["item"]), e(r["unit"]), val(r["per_fu"]), val(r["per_year"]), e(r["note"])]
            for r in d.rows]
    out = [heading(i, "disclosure"),
           "<p class='note'>Shaped for technical documentation (EU AI Act Annex XI) and dual "
           "Scope 2 reporting (GHG Protocol); also <code>genai-lca disclose SERVICE --format "
           "md</code>.</p>",
           h._table(["item", "unit", f"per {d.functional_unit['name']}", "per year", "basis"],
                    rows, numeric={2, 3}, attrs=f"id='svc{i}-disclosure-table'")]
    from lca.analysis.disclosure import _campaign_items

    for c in d.campaigns:
        out.append(f"<p class='note'><b>{e(c['campaign'].replace('_', '-'))} campaign</b> "
                   "(whole campaign, before amortisation)</p>")
        out.append(h._table(["item", "unit", "value", "basis"],
                            [[e(a), e(u), e(val(v)), e(n)] for a, u, v, n in
                             _campaign_items(c)], numeric={2}))
    return "".join(out)


def evidence(s) -> str:
    """Shares of each result by evidence kind (``result.evidence``, when the assessment
    carries it), next to the pre-characterised share."""
    h = _h()
    e = h._esc
    ev = getattr(s.result, "evidence", None) or {}
    if not ev:
        return ("<p class='note'>Evidence kinds (measured, vendor-declared, peer-reviewed, "
                "modelled, assumed) are not recorded for this result.</p>")
    kinds = sorted({k for shares in ev.values() for k in shares})
    pre = s.contributions.precharacterised_share
    rows = [[e(s.result.indicators[k].label if k in s.result.indicators else k)] +
            [h.pct(shares.get(kind, 0.0), 1.0) for kind in kinds] +
            [h.pct(pre.get(k, 0.0), 1.0)] for k, shares in ev.items()]
    return ("<p class='note'>Share of each result resting on each kind of evidence, next to "
            "the share on pre-characterised data.</p>" +
            h._table(["indicator"] + kinds + ["pre-characterised"], rows,
                     numeric=set(range(1, len(kinds) + 2)), attrs="class='evidence'"))


# ---------------------------------------------------------------------- interpretation
def interpretation(data, s, i: int) -> str:
    """What drives the result, how sure it is and how much the boundary matters, from the
    report's own analyses (linked)."""
    h, r = _h(), s.result
    e = h._esc
    items = []
    climate = r.indicators.get("climate_change")
    if climate is not None and climate.total:
        stage, value = max(climate.by_stage.items(), key=lambda kv: abs(kv[1]))
        items.append(f"Climate change: {h.num(climate.total)} {e(climate.unit)} per "
                     f"{e(r.functional_unit['name'])}; the largest stage is <b>{e(stage)}</b> "
                     f"({h.pct(value, climate.total)}).")
        procs = s.contributions.processes
        top = procs[(procs["indicator"] == "climate_change") & (procs["database"] != "")
                    ].sort_values("rank")  # the "rest" row has no database
        if len(top):
            first = top.iloc[0]
            items.append(f"The largest process is {e(first['name'])} "
                         f"({h.pct(first['share'], 1.0)}); see "
                         f"<a href='#svc{i}-contributions'>contributions</a>.")
    if s.sensitivity is not None and not s.sensitivity.empty:
        col = {"oat": "swing", "morris": "mu_star", "sobol": "ST"}[data.sensitivity_method]
        rows = s.sensitivity[s.sensitivity["indicator"] == "climate_change"]
        if len(rows):
            best = rows.loc[rows[col].abs().idxmax()]
            items.append(f"The most influential parameter on climate change is "
                         f"<code>{e(best['parameter'])}</code> ({col} {h.num(best[col])}); see "
                         f"<a href='#svc{i}-sensitivity'>sensitivity</a>.")
    elif data.sensitivity_method:
        items.append("No sensitivity: the service has no uncertain parameters.")
    if s.uncertainty is not None and climate is not None:
        lo, hi = h._interval(s, "climate_change")
        items.append(f"Monte Carlo 95 % interval of climate change: {h.num(lo)} to "
                     f"{h.num(hi)} {e(climate.unit)}; see "
                     f"<a href='#svc{i}-uncertainty'>uncertainty</a>.")
    else:
        items.append("No Monte Carlo was run for this report (use --samples N): the result "
                     "is deterministic.")
    rec = s.boundaries
    if rec is not None:
        gpu, full = rec["gpu"], rec["full"]
        base = gpu if gpu.energy_kwh else rec["it-active"]
        if base.energy_kwh and full.energy_kwh:
            items.append(f"Boundary: the full life cycle is x{full.energy_kwh / base.energy_kwh:.3g}"
                         f" the {e(base.id)} energy and x"
                         f"{(full.carbon_kg or 0) / (base.carbon_kg or 1):.3g} its carbon; see "
                         f"<a href='#svc{i}-reconciliation'>boundary reconciliation</a>.")
    share = s.contributions.precharacterised_share.get("climate_change")
    if share is not None:
        items.append(f"{100 * share:.0f} % of climate change rests on pre-characterised data "
                     f"(<a href='#svc{i}-quality'>data quality</a>).")
    return heading(i, "interpretation") + "<ul>" + "".join(f"<li>{x}</li>" for x in items) \
        + "</ul>"


def _left_out() -> str:
    """What the roofline serving model leaves out, as its module says it."""
    from lca.model import serving

    m = re.search(r"What it leaves out.*?:(.*?)\n\n", serving.__doc__ or "", re.S)
    return " ".join(m.group(1).split()) if m else ""


def limitations(s, i: int) -> str:
    h, r = _h(), s.result
    e = h._esc
    items = []
    model = s.spec["model"] if s.spec is not None else None
    if model is not None and model.get("inference") is not None:
        em = model["inference"]["energy_model"]
        if em == "roofline" and (left := _left_out()):
            items.append(f"The roofline serving model leaves out {e(left.rstrip('.'))}.")
        elif em == "measured":
            items.append("Inference energy is a measured figure per request: it cannot be "
                         "split into GPU and host, and holds only for the measured setup.")
        else:
            items.append(f"Inference energy from the {e(em)} model with given throughput "
                         "and power; queueing and idle replicas are not counted.")
    rec = s.boundaries
    if rec is not None:
        for b in rec.boundaries:
            if b.note and (b.energy_kwh is None or b.carbon_kg is None
                           or b.id == "it-provisioned"):
                items.append(f"{e(b.id)}: {e(b.note)}.")
    bound = r.provenance.get("allocation", {}).get("boundary")
    if isinstance(bound, dict):
        items += [f"Excluded from the boundary: {e(_SWITCHES.get(k, k))}."
                  for k, v in bound.items() if not v]
    if r.warnings:
        codes = ", ".join(f"<code>{e(w['code'])}</code>" for w in r.warnings)
        items.append(f"{len(r.warnings)} default or assumption warning(s): {codes} "
                     "(messages under Assumptions).")
    items.append("Monte Carlo in this report samples the service's parameters and exchanges; "
                 "the background is held at its values.")
    return heading(i, "limitations") + "<ul>" + "".join(f"<li>{x}</li>" for x in items) \
        + "</ul>"
