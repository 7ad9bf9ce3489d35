"""The HTML report: one self-contained file (inline SVG figures, inline CSS, no script, no
external URL of any kind), readable offline in any browser and printable.

Sections: summary (first screen), then per service, in the shape of an ISO 14040/44 and
ISO 14067 study report (:mod:`lca.report.iso`): goal and scope, functional unit, system
boundary (with the impact graph), allocation and cut-off, LCIA methods and versions;
assumptions, results per functional unit, boundary reconciliation, energy disclosure,
contributions by process and elementary flow, uncertainty and sensitivity when computed,
sweeps, data quality (evidence kinds, pre-characterised shares, sources with licences and
years), interpretation, limitations and provenance (inventory hashes); then the paired
comparison when several services are given.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import sys
import time
from functools import partial
from pathlib import Path

from lca.model.serving import TOKEN_CLASSES
from lca.report import iso, plots
from lca.report.build import ReportData, ServiceData, gather

log = logging.getLogger("lca.report")

_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#2e3440;margin:0 auto;max-width:1180px;
 padding:18px 28px;font-size:14px;line-height:1.4}
h1{font-size:24px;margin:4px 0}h2{font-size:19px;border-bottom:2px solid #5e81ac;
 padding-bottom:3px;margin-top:34px}h3{font-size:15px;margin:20px 0 6px}
.meta{color:#4c566a;font-size:12.5px}.note{color:#4c566a;font-size:12.5px;margin:4px 0 8px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:12.5px}
th,td{border:1px solid #d8dee9;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eceff4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #4c566a}
figure{margin:8px 0 16px}figure svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:#4c566a}
.warn{background:#fff8e1;border-left:4px solid #ebcb8b;padding:4px 8px;margin:3px 0;font-size:12.5px}
nav{font-size:12.5px}nav a{margin-right:10px}h4{font-size:13.5px;margin:12px 0 4px}
code{font-size:12px}td{overflow-wrap:anywhere}table{max-width:100%}
.pre{color:#b35c3e;font-weight:bold}
"""


def num(value: float) -> str:
    """How the report prints a result: 4 significant digits ('0.0001435', '2.5e-10')."""
    return f"{value:.4g}"


def pct(part: float, total: float) -> str:
    """A share in % to one decimal, without '-0.0 %' from rounding noise."""
    if not total:
        return "-"
    share = 100 * part / total
    return f"{0.0 if abs(share) < 0.05 else share:.1f} %"


def write_report(services: list[str | os.PathLike], out: str | os.PathLike, *,
                 samples: int = 0, seed: int | None = None, fu: str | None = None,
                 sensitivity: str | None = None, sweeps: list | None = None, top: int = 10,
                 data_dir: str | os.PathLike | None = None, progress: bool = False,
                 cache: bool = True) -> Path:
    """Gather (:func:`lca.report.build.gather`), render and write the report to ``out``
    (checked before any work: .html, in a writable folder)."""
    from lca.outputs import check_output, write_text

    start = time.perf_counter()
    out = check_output(out, {".html": "HTML report", ".htm": "HTML report"})
    data = gather(services, samples=samples, seed=seed, fu=fu, sensitivity=sensitivity,
                  sweeps=sweeps, top=top, data_dir=data_dir, progress=progress, cache=cache)
    text = render(data, progress=progress, started=start)
    write_text(out, text)
    log.info("wrote %s (%.0f kB) in %.1f s", out, out.stat().st_size / 1024,
             time.perf_counter() - start)
    return out


def render(data: ReportData, *, progress: bool = False, started: float | None = None) -> str:
    """The report as one HTML document."""
    from tqdm import tqdm

    figures = _Figures(tqdm(desc="report figures", unit="fig", disable=not progress,
                            leave=False))
    parts = [_summary(data, figures)]
    for i, s in enumerate(data.services):
        parts.append(_service(data, s, i, figures))
    if data.comparison is not None:
        parts.append(_comparison(data, figures))
    body = figures.fill("".join(parts))
    figures.bar.close()
    seconds = time.perf_counter() - started if started is not None else data.gather_seconds
    names = ", ".join(s.result.service for s in data.services)
    foot = (f"<p class='meta'>Built by genai-lca {_esc(_version())} on {_esc(data.created)} in "
            f"<span id='build-seconds'>{seconds:.1f}</span> s.</p>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>genai-lca report: {_esc(names)}</title><style>{_CSS}</style></head>"
            f"<body>{body}{foot}</body></html>")


class _Figures:
    """Collects the report's figures and renders them to inline SVG with ids unique on the
    page. Each call takes a figure *maker* (a callable returning a matplotlib Figure) and
    returns a placeholder; :meth:`fill` makes and renders every figure and puts the SVG in
    its place. Making and rendering (layout and SVG writing, ~0.3 s a figure: most of a
    report's time) run on every core: forked workers inherit the makers and their data, so
    nothing is pickled but the SVG text that comes back."""

    def __init__(self, bar):
        self.bar, self.pending = bar, []

    def __call__(self, make, caption: str = "") -> str:
        self.pending.append((make, caption))
        return f"\x00figure-{len(self.pending)}\x00"

    def fill(self, html_text: str) -> str:
        svgs = _render_all([fig for fig, _ in self.pending], self.bar)
        out = []
        for n, ((_, caption), svg) in enumerate(zip(self.pending, svgs), start=1):
            cap = f"<figcaption>{_esc(caption)}</figcaption>" if caption else ""
            out.append(f"<figure>{_inline_svg(svg, f'f{n}-')}{cap}</figure>")
        return re.sub("\x00figure-(\\d+)\x00", lambda m: out[int(m.group(1)) - 1], html_text)


_TO_RENDER: list = []  # the figure makers a forked worker runs (inherited, never pickled)


def _svg(index: int) -> tuple[int, str]:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "genai-lca"}):
        _TO_RENDER[index]().savefig(buf, format="svg", metadata={"Date": None})
    return index, buf.getvalue()


def _warm_up() -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), layout="tight")
    ax = fig.subplots()
    ax.barh(["a"], [1.0])
    ax.set_title("genai-lca")
    fig.savefig(io.StringIO(), format="svg")


def _render_all(figures: list, bar) -> list[str]:
    """SVG text of the figure each maker of ``figures`` makes, in order: on forked workers
    on Linux with more than one core, else here."""
    import multiprocessing

    _TO_RENDER[:] = figures
    out: list[str] = [""] * len(figures)
    workers = min(os.cpu_count() or 1, 4, len(figures))
    try:
        # fork only on Linux: macOS's system libraries are not fork-safe once loaded
        if workers > 1 and sys.platform.startswith("linux"):
            _warm_up()  # font and text caches loaded once, here, and inherited by workers
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for i, svg in pool.imap_unordered(_svg, range(len(figures))):
                    out[i] = svg
                    bar.update(1)
        else:
            for i in range(len(figures)):
                out[i] = _svg(i)[1]
                bar.update(1)
    finally:
        _TO_RENDER.clear()
    return out


def _inline_svg(text: str, prefix: str) -> str:
    """matplotlib's SVG made fit for inlining: no XML prolog, DOCTYPE, metadata or namespace
    URLs (the HTML parser puts <svg> in the SVG namespace itself), ids prefixed."""
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    ids = set(re.findall(r'id="([^"]+)"', text))
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    return re.sub(r"#([\w.\-]+)", lambda m: f"#{prefix}{m.group(1)}" if m.group(1) in ids
                  else m.group(0), text)


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _version() -> str:
    from lca import __version__

    return __version__


def _per(s: ServiceData) -> str:
    return s.result.functional_unit.get("name", "").removeprefix("one ")


def _table(head: list[str], rows: list[list], numeric: set[int] = frozenset(),
           attrs: str = "") -> str:
    """A table; ``head`` is text, ``rows`` hold HTML (escaped by the caller)."""
    th = "".join(f"<th>{h if h.startswith('<span') else _esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f"<td class='n'>{c}</td>" if j in numeric else f"<td>{c}</td>"
        for j, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table {attrs}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _swatch(stage: str) -> str:
    colour = plots.stage_colour(stage)
    return f"<span class='sw' style='background:{colour}'></span>{_esc(stage)}"


def _indicators(s: ServiceData):
    """(key, label, unit, total, by_stage) per indicator, energy last."""
    r = s.result
    out = [(k, i.label, i.unit, i.total, i.by_stage) for k, i in r.indicators.items()]
    out.append(("energy", "Energy (grid electricity)", "kWh", r.energy_total_kwh,
                r.energy_by_stage_kwh))
    return out


# ---------------------------------------------------------------------------- summary
def _summary(data: ReportData, fig) -> str:
    services = data.services
    names = [s.result.service_name for s in services]
    mc = data.samples > 0
    meta = [f"{len(services)} service{'s' if len(services) > 1 else ''}",
            f"functional unit: {_esc(services[0].result.functional_unit['name'])}"]
    meta.append(f"Monte Carlo: {data.samples:,} samples, seed {data.seed}" if mc else
                "no Monte Carlo (use --samples N)")
    if data.sensitivity_method:
        meta.append(f"sensitivity: {data.sensitivity_method}")
    meta.append(f"created {_esc(data.created)}")
    nav = "".join(f"<a href='#svc{i}'>{_esc(s.result.service)}</a>"
                  for i, s in enumerate(services))
    if data.comparison is not None:
        nav += "<a href='#comparison'>comparison</a>"
    head = ["indicator", "unit"] + [s.result.service for s in services]
    rows = []
    for j, (key, label, unit, _, _) in enumerate(_indicators(services[0])):
        cells = [_esc(label), _esc(f"{unit} per {_per(services[0])}")]
        for s in services:
            total = _indicators(s)[j][3]
            cell = f"<span class='total' data-indicator='{key}'>{num(total)}</span>"
            if s.uncertainty is not None:
                lo, hi = _interval(s, key)
                cell += f"<br><small>95 %: {num(lo)} to {num(hi)}</small>"
            cells.append(cell)
        rows.append(cells)
    table = _table(head, rows, numeric=set(range(2, 2 + len(services))), attrs="id='summary'")
    pre = "; ".join(f"{_esc(s.result.service)}: " + ", ".join(
        f"{_esc(s.result.indicators[k].label.lower())} {100 * v:.0f} %"
        for k, v in s.contributions.precharacterised_share.items()) for s in services)
    fig_html = fig(partial(plots.stage_contributions_figure, [s.result for s in services]),
                   "Contributions by lifecycle stage per functional unit; one bar per service.")
    return (f"<header><h1>Life-cycle assessment: {_esc(' vs '.join(names))}</h1>"
            f"<p class='meta'>genai-lca {_esc(_version())} &middot; {' &middot; '.join(meta)}</p>"
            f"<nav>{nav}</nav></header>"
            f"<h2 id='summary-h'>Results per {_esc(services[0].result.functional_unit['name'])}"
            "</h2>" + table +
            f"<p class='note'>Share resting on pre-characterised data (scores published in "
            f"aggregate rather than elementary flows): {pre}.</p>" + fig_html)


def _interval(s: ServiceData, key: str) -> tuple[float, float]:
    import numpy as np

    k = s.uncertainty.indicators.index("energy_kwh" if key == "energy" else key)
    lo, hi = np.percentile(s.uncertainty.total[:, k], [2.5, 97.5])
    return float(lo), float(hi)


# ---------------------------------------------------------------------------- per service
def _service(data: ReportData, s: ServiceData, i: int, fig) -> str:
    r = s.result
    labels = plots.result_labels(r)
    per = _per(s)
    out = [f"<h2 id='svc{i}'>{_esc(r.service_name)}</h2>",
           f"<p class='meta'>service <code>{_esc(r.service)}</code>, file "
           f"<code>{_esc(s.path)}</code></p>",
           iso.contents(i), iso.goal_and_scope(s, i, fig), _assumptions(s), _results(s),
           iso.reconciliation(s, i), iso.disclosure(s, i), f"<span id='svc{i}-contributions'></span>"]
    keys = list(r.indicators)
    sections = [
        ("processes", plots.process_contributions_figure,
         "<h3>Contributions by process</h3><p class='note'>Direct contributions (bw2calc "
         "characterised inventory, column sums): the largest processes and the rest, per "
         "indicator.</p>"),
        ("flows", plots.flow_contributions_figure,
         "<h3>Contributions by elementary flow</h3><p class='note'>Row sums of the "
         "characterised inventory; <span class='pre'>pre-characterised</span> flows carry "
         "scores that a source publishes only in aggregate.</p>")]
    for what, figure, heading in sections:
        out.append(heading)
        for key in keys:
            out.append(_contrib_table(s, key, what))
            out.append(fig(partial(figure, s.contributions, key, labels=labels, per=per)))
    # the service graph (one: each costs ~0.5-1 s to draw) is in the system boundary
    if s.uncertainty is not None:
        out.append(f"<span id='svc{i}-uncertainty'></span>")
        out.append(_uncertainty(data, s, labels, per, fig))
    if data.sensitivity_method:
        out.append(f"<span id='svc{i}-sensitivity'></span>")
        out.append(_sensitivity(data, s, labels, per, fig))
    if s.sweeps:
        out.append("<h3>Sweeps</h3><p class='note'>Each result as one parameter varies, the "
                   "others at their values; dashed line: the service's value.</p>")
        for spec, base, frame in s.sweeps:
            unit = next((p["unit"] for p in s.contributions.parameters
                         if p["name"] == spec.parameter), "")
            out.append(fig(partial(plots.sweep_figure, frame, labels=labels, per=per,
                                   parameter_unit=unit, base=base, log=spec.log)))
    out.append(_quality(s, i))
    out.append(iso.interpretation(data, s, i))
    out.append(iso.limitations(s, i))
    out.append(_provenance(s, i))
    return "".join(out)


def _assumptions(s: ServiceData) -> str:
    r = s.result
    fu = r.functional_unit
    ref = fu.get("reference_flow", {})
    rows = [["functional unit", _esc(f"{fu['name']} [{fu['id']}], {fu['unit']}")],
            ["reference flow", _esc(f"{num(ref.get('amount', 1))} x {'/'.join(ref.get('activity', []))}"
                                    f" (formula {ref.get('formula', '')})")]]
    for kind in TOKEN_CLASSES:
        if f"{kind}_tokens" in fu:
            rows.append([f"{kind.replace('_', ' ')} tokens per functional unit",
                         num(fu[f"{kind}_tokens"])])
    for k, v in r.serving.items():
        rows.append([f"serving (roofline): {k.replace('_', ' ')}", num(v)])
    alloc = r.provenance.get("allocation", {})
    for k, v in alloc.items():
        if isinstance(v, str):
            rows.append([_esc(k.replace("_", " ")), _esc(v)])
    elec = alloc.get("electricity")
    if isinstance(elec, dict):
        rows.append(["electricity", _esc(", ".join(f"{k}: {v}" for k, v in elec.items()
                                                   if v is not None))])
    bound = alloc.get("boundary")
    if isinstance(bound, dict):
        rows.append(["boundary", _esc(", ".join(f"{k}: {v}" for k, v in bound.items()))])
    warn = "".join(f"<div class='warn'><code>{_esc(w['code'])}</code> {_esc(w['message'])}</div>"
                   for w in r.warnings)
    params = [[f"<code>{_esc(p['name'])}</code>", num(p["amount"]), _esc(p["unit"]),
               f"<code>{_esc(p['formula'])}</code>" if p["formula"] else "",
               _esc(_distribution(p)), _esc(p["source"])] for p in s.contributions.parameters]
    return ("<h3>Assumptions</h3>" + _table(["item", "value"], rows) +
            (f"<p class='note'>Values taken as defaults (stable warning codes):</p>{warn}"
             if warn else "") +
            "<h3>Parameters</h3>" +
            _table(["parameter", "value", "unit", "formula", "distribution", "source"],
                   params, numeric={1}))


def _distribution(p: dict) -> str:
    """The parameter's distribution in words (a triangular one peaks at its amount)."""
    from lca.data.distributions import from_stats_arrays

    dist = from_stats_arrays(p, p.get("amount"))
    return dist.describe() if dist is not None else ""


def _results(s: ServiceData) -> str:
    stages = s.result.stages
    rows = []
    for key, label, unit, total, by_stage in _indicators(s):
        rows.append([_esc(label), _esc(unit), num(total)] +
                    [f"{num(by_stage.get(st, 0.0))}<br><small>{pct(by_stage.get(st, 0.0), total)}"
                     "</small>" for st in stages])
    return (f"<h3>Results per {_esc(s.result.functional_unit['name'])}, by lifecycle stage</h3>"
            + _table(["indicator", "unit", "total"] + [_swatch(st) for st in stages], rows,
                     numeric=set(range(2, 3 + len(stages)))))


def _contrib_table(s: ServiceData, key: str, what: str) -> str:
    c = s.contributions
    frame = getattr(c, what)
    rows = frame[frame["indicator"] == key]
    label = s.result.indicators[key].label
    unit = s.result.indicators[key].unit
    if what == "processes":
        body = [[str(r.rank), _esc(r.name), _esc(r.location), _esc(r.database),
                 _swatch(r.stage) if r.stage else "", num(r.score), pct(r.share, 1.0)]
                for r in rows.itertuples()]
        head = ["#", "process", "location", "database", "stage", unit, "share"]
        numeric = {0, 5, 6}
    else:
        body = [[str(r.rank), _esc(r.name) + (" <span class='pre'>(pre-characterised)</span>"
                                              if r.precharacterised else ""),
                 _esc(r.categories.replace("::", ", ")), _esc(r.database), num(r.score),
                 pct(r.share, 1.0)] for r in rows.itertuples()]
        head = ["#", "flow", "compartment", "database", unit, "share"]
        numeric = {0, 4, 5}
    return f"<p class='note'><b>{_esc(label)}</b></p>" + _table(head, body, numeric)


def _uncertainty(data: ReportData, s: ServiceData, labels, per, fig) -> str:
    u = s.uncertainty
    summary = u.summary()
    names = dict(labels)
    rows = [[_esc(names.get(k, (k,))[0]), num(r["deterministic"]), num(r["mean"]),
             num(r["median"]), num(r["p2.5"]), num(r["p97.5"]), num(r["std"]),
             "yes" if r["converged"] else "no"] for k, r in summary.iterrows()]
    out = (f"<h3>Uncertainty ({len(u.total):,} Monte Carlo samples, seed {data.seed})</h3>"
           "<p class='note'>Parameter and exchange distributions sampled on the compiled model "
           "(background deterministic); converged: standard error of the mean below 1 %.</p>" +
           _table(["indicator", "deterministic", "mean", "median", "2.5 %", "97.5 %", "sd",
                   "converged"], rows, numeric=set(range(1, 7))))
    if data.comparison is None:
        out += fig(partial(plots.distribution_figure, {s.result.service: u}, labels=labels,
                           per=per))
    return out


def _sensitivity(data: ReportData, s: ServiceData, labels, per, fig) -> str:
    method = data.sensitivity_method
    title = {"oat": "one at a time (tornado: each parameter at its 2.5 and 97.5 % values)",
             "morris": "Morris elementary effects", "sobol": "Sobol indices (95 % CI)"}[method]
    if s.sensitivity is None or s.sensitivity.empty:
        return (f"<h3>Sensitivity, {title}</h3><p class='note'>The service has no uncertain "
                "parameters.</p>")
    out = [f"<h3>Sensitivity, {title}</h3>"]
    for key in s.result.indicators:
        rows = s.sensitivity[s.sensitivity["indicator"] == key]
        col = {"oat": "swing", "morris": "mu_star", "sobol": "ST"}[method]
        if rows.empty or not rows[col].abs().sum():
            continue
        out.append(fig(partial(plots.sensitivity_figure, s.sensitivity, key, method=method,
                               labels=labels, per=per)))
    return "".join(out)


def _quality(s: ServiceData, i: int = 0) -> str:
    c = s.contributions
    rows = [[_esc(s.result.indicators[k].label), _esc(s.result.indicators[k].unit),
             num(c.totals[k]), num(c.precharacterised.get(k, 0.0)),
             f"<span class='pre-share' data-indicator='{k}'>{100 * v:.1f} %</span>"]
            for k, v in c.precharacterised_share.items()]
    src = [[f"<code>{_esc(x['id'])}</code>", _esc(x.get("citation", "")), _esc(x.get("year", "")),
            _esc(x.get("licence", "")), _esc(x.get("kind", "")),
            f"<code>{_esc(_no_scheme(x.get('url') or ''))}</code>", str(x["uses"])]
           for x in c.sources]
    return (iso.heading(i, "quality") + iso.evidence(s) + "<p class='note'>Share of each "
            "result resting on "
            "pre-characterised data: scores a source publishes only in aggregate (kg CO2-eq "
            "per kWh of a technology, per cm2 of die...), carried on one flow per indicator "
            "characterised with factor 1, rather than on elementary flows.</p>" +
            _table(["indicator", "unit", "total", "on pre-characterised flows", "share"], rows,
                   numeric={2, 3, 4}) +
            f"<p class='note'>{len(c.sources)} sources cited by the parameters, processes and "
            "exchanges this result draws on (uses: how many); addresses are given as text.</p>"
            + _table(["source", "citation", "year", "licence", "kind", "address", "uses"], src,
                     numeric={2, 6}))


def _no_scheme(url: str) -> str:
    """An address as text, without its scheme: the report holds no URL (self-contained)."""
    return re.sub(r"^[a-z]+://", "", url)


def _provenance(s: ServiceData, i: int = 0) -> str:
    p = s.result.provenance
    methods = [[_esc(m["indicator"]), _esc(" | ".join(m["name"])), _esc(m["unit"]),
                _esc(" | ".join(map(str, m.get("characterisation_factors_from", []))))]
               for m in p.get("methods", [])]
    invs = [[f"<code>{_esc(i['database'])}</code>", f"<code>{_esc(i.get('digest') or '')}</code>",
             _esc(", ".join(map(str, i.get("files") or []))[:300])]
            for i in p.get("inventories", [])]
    versions = ", ".join(f"{k} {v}" for k, v in p.get("versions", {}).items())
    return (f"<h3 id='svc{i}-provenance'>Provenance</h3>" +
            _table(["indicator", "method", "unit", "factors from"], methods) +
            _table(["database", "inventory hash (sha256)", "files"], invs) +
            f"<p class='meta'>versions: {_esc(versions)}; Brightway project "
            f"<code>{_esc(p.get('project', ''))}</code></p>")


# ---------------------------------------------------------------------------- comparison
def _comparison(data: ReportData, fig) -> str:
    cmp = data.comparison
    labels = plots.result_labels(data.services[0].result)
    frame = cmp.pairs()
    rows = [[_esc(r["a"]), _esc(r["b"]), _esc(labels.get(r["indicator"], (r["indicator"],))[0]),
             f"{r['p_a_lower']:.3f}", num(r["deterministic_ratio"]), num(r["ratio_median"]),
             f"{num(r['ratio_p2.5'])} to {num(r['ratio_p97.5'])}"] for _, r in frame.iterrows()]
    per = _per(data.services[0])
    return ("<h2 id='comparison'>Paired comparison</h2><p class='note'>Common random numbers: "
            "parameters shared by name draw the same values in every service, and the "
            "background is common, so A/B shows the difference the services' own choices "
            "make.</p>" +
            _table(["A", "B", "indicator", "P(A < B)", "A/B deterministic", "A/B median",
                    "A/B 95 %"], rows, numeric={3, 4, 5, 6}) +
            "".join(f"<p class='note'>{_esc(m.removeprefix('compare: '))}</p>"
                    for m in frame.attrs.get("left_out", [])) +
            fig(partial(plots.comparison_figure, cmp, labels=labels)) +
            fig(partial(plots.distribution_figure, dict(zip(cmp.names, cmp.results)),
                        labels=labels, per=per)))
