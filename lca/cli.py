"""The ``genai-lca`` command line (typer). Commands parse arguments and call :mod:`lca.api`.

Errors a person can act on (:class:`~lca.errors.LCAError`) print one line per problem on
stderr and exit with code 2; ``--debug`` shows the traceback. Imports are lazy: bw2data
alone costs ~2.5 s, and ``genai-lca setup`` on a current project must stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from lca.analysis import SENSITIVITY_METHODS
from lca.data.names import CATEGORIES

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Life-cycle assessment of generative-AI services on Brightway 2.5.")
log = logging.getLogger("lca")


def _choices(name: str, values) -> type[Enum]:
    """A typer choice type from a registry's names (one place lists them)."""
    return Enum(name, {v.replace("-", "_"): v for v in values}, type=str)


Format = _choices("Format", ("table", "json", "csv"))
Method = _choices("Method", SENSITIVITY_METHODS)
CatalogName = _choices("CatalogName", CATEGORIES)

_STATE = {"debug": False, "quiet": False, "progress": False, "data_dir": None, "cache": True}


@app.callback()
def _options(
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", envvar="BRIGHTWAY2_DIR",
        help="Brightway data directory (default: BRIGHTWAY2_DIR or Brightway's own)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print results and errors."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the "
                                  "result cache (see 'genai-lca cache clear')."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Draw "
                                            "progress bars on stderr (default: only when "
                                            "stderr is a terminal and not --quiet)."),
) -> None:
    asked = progress is not None
    if not asked:
        progress = not quiet and sys.stderr.isatty()
    _STATE.update(debug=debug, quiet=quiet, progress=progress, data_dir=data_dir,
                  cache=not no_cache)
    _configure_logging(debug, quiet)
    # bw2io's and bw2data's bars (tqdm reads TQDM_DISABLE when it is first imported)
    if not progress:
        os.environ["TQDM_DISABLE"] = "1"
    elif asked:
        os.environ.pop("TQDM_DISABLE", None)


def _configure_logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="genai-lca: %(message)s", stream=sys.stderr, force=True)
    log.setLevel(level)
    if debug:
        os.environ["GENAI_LCA_DEBUG"] = "1"
    else:
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # cluster start-up chatter


@app.command()
def setup(force: bool = typer.Option(False, "--force", help="Rewrite everything.")) -> None:
    """Create or update the genai-lca Brightway project (offline, idempotent)."""
    from lca.api import setup as do_setup

    report = do_setup(_STATE["data_dir"], force=force)
    if report.already:
        log.info("project %s in %s is up to date (%.2f s)", report.project, report.data_dir,
                 report.seconds)
    else:
        log.info("set up project %s in %s in %.1f s: %s", report.project, report.data_dir,
                 report.seconds, ", ".join(report.written) or "nothing changed")


@app.command()
def assess(
    service: Path = typer.Argument(..., help="Service file (YAML)."),
    fu: Optional[str] = typer.Option(None, "--fu", help="Functional unit id the service "
                                     "declares (default: its first)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file "
                                       "(.xlsx: a workbook with results, stages, processes, "
                                       "flows, parameters, sources)."),
    year: Optional[int] = typer.Option(None, "--year", help="Prospective: assess the service "
                                       "as it would run this year (2023-2100); needs "
                                       "--scenario."),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Prospective: SSP "
                                           "scenario of the grid (SSP1-1.9 ... SSP5-8.5)."),
    doubling_years: Optional[float] = typer.Option(None, "--doubling-years", help="Prospective:"
                                                   " accelerator efficiency doubling time in "
                                                   "years (default 2.6, Koomey; 0: none)."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", help="Overlay file "
                                                 "(genai-lca measure --overlay), repeatable: "
                                                 "laid over the service in order."),
) -> None:
    """Assess a service: totals per indicator and shares by lifecycle stage."""
    from lca.outputs import TEXT, check_output
    from lca.prepared import prepare

    start = time.perf_counter()
    if out is not None:
        out = check_output(out, {**TEXT, ".xlsx": "workbook"})
    svc = prepare(service, data_dir=_STATE["data_dir"], year=year, scenario=scenario,
                  doubling_years=doubling_years, cache=_STATE["cache"],
                  overlays=overlay or ())
    result = svc.assess(fu)
    if out is not None and out.suffix.lower() == ".xlsx":  # a workbook, whatever --format
        from lca.outputs import write_file
        from lca.report.excel import write_results_xlsx

        contributions = svc.contributions(fu)
        write_file(out, lambda target: write_results_xlsx(target, result, contributions))
        log.info("wrote %s", out)
        return
    text = {Format.table: result.to_text, Format.json: result.to_json,
            Format.csv: result.to_csv}[fmt]()
    _emit(text, out)
    log.debug("assess took %.2f s", time.perf_counter() - start)


@app.command()
def validate(paths: list[Path] = typer.Argument(..., help="Inventory or service files, "
                                                 "or folders of them.")) -> None:
    """Check inventory and service files without writing anything (exit 0 when clean)."""
    from lca.api import validate as do_validate

    dbs = do_validate(paths, data_dir=_STATE["data_dir"])
    typer.echo(f"OK: {len(dbs)} database(s) valid: {', '.join(dbs)}")


@app.command()
def load(paths: list[Path] = typer.Argument(..., help="Inventory files or folders."),
         force: bool = typer.Option(False, "--force", help="Rewrite unchanged databases.")
         ) -> None:
    """Validate inventory files as a whole and write them into the project (all or nothing)."""
    from lca.api import load as do_load

    written = do_load(paths, data_dir=_STATE["data_dir"], force=force)
    typer.echo(f"wrote {len(written)} database(s): {', '.join(written) or 'none (unchanged)'}")


@app.command()
def graph(
    service: Path = typer.Argument(..., help="Service file (YAML)."),
    out: Path = typer.Option(..., "--out", "-o", help="PNG, SVG or PDF (a drawing) or "
                             ".graphml (the graph itself)."),
) -> None:
    """Draw the service's stage graph, or write it as GraphML."""
    from lca.api import graph as do_graph
    from lca.outputs import FIGURES, check_output, write_file

    out = check_output(out, {**FIGURES, ".graphml": "GraphML"})
    g = do_graph(service, data_dir=_STATE["data_dir"], cache=_STATE["cache"])
    if out.suffix.lower() == ".graphml":
        import networkx as nx

        write_file(out, lambda target: nx.write_graphml(g, target))
    else:
        from lca.report.plots import stage_graph_figure

        fig = stage_graph_figure(g, title=g.graph.get("title"))
        write_file(out, lambda target: fig.savefig(target, dpi=150))
    log.info("wrote %s (%d activities, %d links)", out, g.number_of_nodes(),
             g.number_of_edges())


@app.command()
def uncertainty(
    service: Path = typer.Argument(..., help="Service file (YAML)."),
    samples: int = typer.Option(1000, "--samples", "-n", min=2, help="Monte Carlo samples."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed (same seed, same samples)."),
    fu: Optional[str] = typer.Option(None, "--fu", help="Functional unit id."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Write the samples (.parquet or .csv)."),
    scheduler: str = typer.Option("local", "--scheduler", help="local, processes, or "
                                  "tcp://HOST:PORT of a Dask scheduler."),
    background: bool = typer.Option(False, "--background", help="Sample the background's "
                                    "uncertain entries too (mean factorisation reused)."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", help="Overlay file, "
                                                 "repeatable (see assess)."),
) -> None:
    """Monte Carlo over the service's parameter and exchange distributions."""
    from lca.prepared import prepare

    result = prepare(service, data_dir=_STATE["data_dir"], cache=_STATE["cache"],
                     overlays=overlay or ()).uncertainty(
        samples, seed=seed, fu=fu, progress=_STATE["progress"], scheduler=scheduler,
        background=background, out=out)
    summary = result.summary()
    if out is not None:
        log.info("wrote %d samples to %s", samples, out)
    if fmt == Format.json:
        _emit_frame(summary.reset_index(), fmt)
    elif fmt == Format.csv:
        typer.echo(summary.to_csv())
    else:
        typer.echo(f"{samples} samples, seed {seed}\n" + summary.to_string(float_format="%.4g"))


@app.command()
def compare(
    services: list[Path] = typer.Argument(..., help="Two or more service files."),
    samples: int = typer.Option(1000, "--samples", "-n", min=2, help="Monte Carlo samples."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed (common to all services)."),
    fu: Optional[str] = typer.Option(None, "--fu", help="Functional unit id (all services)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    scheduler: str = typer.Option("local", "--scheduler", help="local, processes, or "
                                  "tcp://HOST:PORT of a Dask scheduler."),
    background: bool = typer.Option(False, "--background", help="Sample the background's "
                                    "uncertain entries too (common to all services)."),
) -> None:
    """Paired comparison (common random numbers): A/B, A-B and P(A < B) per indicator."""
    from lca.api import compare as do_compare

    frame = do_compare(services, samples, seed=seed, fu=fu, data_dir=_STATE["data_dir"],
                       scheduler=scheduler, background=background,
                       cache=_STATE["cache"]).pairs()
    _emit_frame(frame, fmt)


@app.command()
def report(
    services: list[Path] = typer.Argument(..., help="One or more service files (several: "
                                          "a paired comparison is added)."),
    out: Path = typer.Option(..., "--out", "-o", help="The report (.html)."),
    samples: int = typer.Option(0, "--samples", "-n", min=0, help="Monte Carlo samples "
                                "(0: none)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed (default: drawn, and "
                                       "stated in the report)."),
    fu: Optional[str] = typer.Option(None, "--fu", help="Functional unit id (all services)."),
    sensitivity: Optional[str] = typer.Option(None, "--sensitivity", help="oat, morris or "
                                              "sobol (default: none)."),
    sweep: Optional[list[str]] = typer.Option(None, "--sweep", help="NAME or "
                                              "NAME=LOW:HIGH[:log], repeatable (default: pue "
                                              "and batch where the service has them)."),
    top: int = typer.Option(10, "--top", min=1, help="Processes and flows listed per "
                            "indicator (then the rest)."),
) -> None:
    """A self-contained HTML report: assumptions, results, contributions, uncertainty,
    sensitivity, comparison, data quality and provenance."""
    from lca.analysis.sweep import parse_sweep
    from lca.report.html import write_report

    sweeps = [parse_sweep(s) for s in sweep] if sweep else None
    write_report(services, out, samples=samples, seed=seed, fu=fu, sensitivity=sensitivity,
                 sweeps=sweeps, top=top, data_dir=_STATE["data_dir"],
                 progress=_STATE["progress"], cache=_STATE["cache"])


@app.command()
def export(
    service: Path = typer.Argument(..., help="Service file (YAML)."),
    out: Path = typer.Option(..., "--out", "-o", help="Workbook (.xlsx) in bw2io's Excel "
                             "format, or openLCA JSON-LD zip (.zip)."),
    format: Optional[str] = typer.Option(None, "--format", help="excel or olca (default: "
                                         "from the suffix of --out, .xlsx or .zip)."),
) -> None:
    """Export the service's Brightway database(s) in bw2io's Excel format (re-importable
    with bw2io.ExcelImporter into a project with the genai-lca background), or, with
    --format olca, the service and its whole background as an openLCA JSON-LD zip."""
    from lca.api import export as do_export

    for path in do_export(service, out, data_dir=_STATE["data_dir"], format=format):
        log.info("wrote %s", path)


@app.command()
def sensitivity(
    service: Path = typer.Argument(..., help="Service file (YAML)."),
    method: Method = typer.Option(Method.oat, "--method", "-m", help="oat, morris or sobol."),
    params: Optional[str] = typer.Option(None, "--params", help="Comma-separated parameter "
                                         "names (default: every uncertain parameter)."),
    bounds: Optional[list[str]] = typer.Option(None, "--bounds", help="NAME=LOW:HIGH, "
                                               "repeatable: a range for a parameter without "
                                               "a distribution, or instead of its own."),
    samples: int = typer.Option(1024, "--samples", "-n", min=4,
                                help="Sobol base samples / Morris trajectories."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the sampling."),
    fu: Optional[str] = typer.Option(None, "--fu", help="Functional unit id."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Figure for climate change "
                                       "(.png, .svg or .pdf)."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", help="Overlay file, "
                                                 "repeatable (see assess)."),
) -> None:
    """One-at-a-time (tornado), Morris or Sobol sensitivity to the uncertain parameters."""
    from lca.analysis.sensitivity import parse_bounds
    from lca.outputs import FIGURES, check_output, write_file
    from lca.prepared import prepare

    if out is not None:
        out = check_output(out, FIGURES)
    frame = prepare(service, data_dir=_STATE["data_dir"], cache=_STATE["cache"],
                    overlays=overlay or ()).sensitivity(
        method.value, params=[p.strip() for p in params.split(",")] if params else None,
        bounds=parse_bounds(bounds) if bounds else None, samples=samples, seed=seed, fu=fu)
    if out is not None:
        from lca.report.plots import sensitivity_figure

        fig = sensitivity_figure(frame, "climate_change", method=method.value,
                                 unit="kg CO2-eq")
        write_file(out, lambda target: fig.savefig(target, dpi=150))
        log.info("wrote %s", out)
    _emit_frame(frame, fmt)


@app.command()
def catalog(
    category: CatalogName = typer.Argument(..., help="What to list."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file."),
) -> None:
    """List the background's accelerators, servers, grids or datacentres with key figures."""
    from lca.api import catalog as do_catalog
    from lca.outputs import TEXT, check_output
    from lca.results import records_to_csv, records_to_json, records_to_text

    if out is not None:
        out = check_output(out, TEXT)
    rows = do_catalog(category.value, data_dir=_STATE["data_dir"])
    _emit({Format.table: records_to_text, Format.json: records_to_json,
           Format.csv: records_to_csv}[fmt](rows), out)


@app.command()
def outlook(
    scenario: list[str] = typer.Option(["SSP1-1.9"], "--scenario", "-s", help="SSP scenario(s), "
                                       "repeatable or comma-separated, or 'all'."),
    ict_growth: list[str] = typer.Option(["0.06,0"], "--ict-growth", "-g", help="ICT growth "
                                         "rate(s) a year, repeatable or comma-separated "
                                         "(0.06 = +6 %/yr; 0 = constant)."),
    ict_share: Optional[float] = typer.Option(None, "--ict-share", help="ICT share of world "
                                              "net CO2 in the base year (default 0.04)."),
    base_year: int = typer.Option(2020, "--base-year", help="Year of the ICT share."),
    end: int = typer.Option(2100, "--end", help="Last year."),
    budget: float = typer.Option(1.5, "--budget", help="Warming limit of the AR6 budget "
                                 "(1.5, 1.7 or 2.0 degC)."),
    likelihood: float = typer.Option(0.5, "--likelihood", help="Its likelihood (0.17, 0.33, "
                                     "0.5, 0.67, 0.83)."),
    threshold: float = typer.Option(0.10, "--threshold", help="Report the year ICT exceeds "
                                    "this share of world net CO2."),
    service: Optional[Path] = typer.Option(None, "--service", help="Add the AI slice of this "
                                           "service (assessed per request)."),
    ai_requests_per_day: Optional[float] = typer.Option(None, "--ai-requests-per-day",
                                                        help="AI demand in 2023 (default: the "
                                                        "service's requests_per_day)."),
    ai_growth: Optional[float] = typer.Option(None, "--ai-growth", help="AI demand growth a "
                                              "year before rebound (default 0.15)."),
    doubling_years: Optional[float] = typer.Option(None, "--doubling-years", help="Efficiency"
                                                   " doubling time, years (default 2.6; 0: "
                                                   "none)."),
    rebound: float = typer.Option(0.0, "--rebound", help="Direct rebound: demand elasticity "
                                  "to efficiency (0: none, 1: gains fully taken back)."),
    step: int = typer.Option(1, "--step", min=1, help="Print every N-th year (table)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="The chart (.png, .svg or "
                                       ".pdf); the budget chart goes beside it "
                                       "(<name>-budget.<ext>)."),
) -> None:
    """World net CO2 under SSP scenarios vs ICT (and AI) growth, shares and carbon budget."""
    from lca.api import outlook as do_outlook
    from lca.errors import InputError, Problem
    from lca.prospective.scenarios import SCENARIOS

    names = [n.strip() for s in scenario for n in s.split(",") if n.strip()]
    names = list(SCENARIOS) if [n.lower() for n in names] == ["all"] else names
    try:
        rates = [float(g) for s in ict_growth for g in s.split(",") if g.strip()]
    except ValueError:
        raise InputError(Problem(f"growth rates must be numbers (0.06 = +6 %/yr); got "
                                 f"{', '.join(ict_growth)}", field="--ict-growth")) from None
    if out is not None:
        from lca.outputs import FIGURES, check_output

        out = check_output(out, FIGURES)
    result = do_outlook(names, rates, service=service, ai_requests_per_day=ai_requests_per_day,
                        ai_growth=ai_growth, doubling_years=doubling_years, rebound=rebound,
                        data_dir=_STATE["data_dir"], ict_share=ict_share, base_year=base_year,
                        end=end, budget_limit_c=budget, budget_likelihood=likelihood,
                        threshold=threshold)
    if out is not None:
        from lca.outputs import write_file
        from lca.prospective.figures import budget_figure, outlook_figure

        first = outlook_figure(result)
        write_file(out, lambda target: first.savefig(target, dpi=150))
        second = out.with_name(f"{out.stem}-budget{out.suffix}")
        fig = budget_figure(result)
        write_file(second, lambda target: fig.savefig(target, dpi=150))
        log.info("wrote %s and %s", out, second)
    typer.echo({Format.table: lambda: result.to_text(step=step), Format.json: result.to_json,
                Format.csv: result.to_csv}[fmt]())


@app.command()
def measure(
    logs: list[Path] = typer.Argument(..., help="Measurement logs: CodeCarbon emissions.csv, "
                                      "NVML/Zeus energy CSV or ML.ENERGY run summary JSON."),
    service: Path = typer.Option(..., "--service", help="The service file the measurement "
                                 "is for (never changed)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="codecarbon, nvml or mlenergy "
                                       "(default: detected from each file)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write a new service file: "
                                       "the service on the measured energy model."),
    overlay: Optional[Path] = typer.Option(None, "--overlay", help="Write only the measured "
                                           "parameters, their source and the model switch "
                                           "(assess SERVICE --overlay FILE)."),
    requests: Optional[float] = typer.Option(None, "--requests", help="Requests served per "
                                             "run (logs that do not count them)."),
    tokens: Optional[float] = typer.Option(None, "--tokens", help="Output tokens generated "
                                           "per run (logs that do not count them)."),
    stage: str = typer.Option("inference", "--stage", help="inference, training or "
                              "fine_tuning."),
    includes_pue: bool = typer.Option(False, "--includes-pue", help="The logged energy is "
                                      "facility energy (PUE included)."),
    gpus: Optional[int] = typer.Option(None, "--gpus", help="GPUs per run, when the logs say "
                                       "none (CodeCarbon on a CPU-only machine)."),
) -> None:
    """Turn measurement logs into the measured energy model's parameters (with spread and
    source), as a new service file or an overlay."""
    from lca.api import measure as do_measure

    result = do_measure(logs, service, kind=kind, out=out, overlay=overlay, requests=requests,
                        tokens=tokens, stage=stage, includes_pue=includes_pue, gpus=gpus)
    for w in result.warnings:
        log.warning("warning: %s", w)
    if not _STATE["quiet"]:
        typer.echo(f"{result.source['citation']}\n{result.summary()}", err=True)
    log.info("wrote %s", out or overlay)


def _emit_frame(frame, fmt: Format) -> None:
    """A pandas table as JSON records (strict JSON: a NaN or inf is an error, never
    ``null``), CSV or aligned text."""
    if fmt == Format.json:
        from lca.results import records_to_json

        typer.echo(records_to_json(frame.to_dict(orient="records")))
    elif fmt == Format.csv:
        typer.echo(frame.to_csv(index=False))
    else:
        typer.echo(frame.to_string(index=False, float_format="%.4g"))


def _emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` (already checked by ``check_output``)."""
    if out is None:
        typer.echo(text)
    else:
        from lca.outputs import write_text

        write_text(out, text)
        log.info("wrote %s", out)


cache_app = typer.Typer(help="The result cache (results keyed on the content of every input).",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached result of this data directory."""
    from lca.api import clear_cache

    typer.echo(f"removed {clear_cache(_STATE['data_dir'])} cached result(s)")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning our errors into one-line messages and exit 2."""
    from lca.errors import LCAError

    tqdm_disable = os.environ.get("TQDM_DISABLE")
    try:
        return _run(argv, LCAError)
    finally:  # in process (tests, notebooks), leave the environment as it was
        if tqdm_disable is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = tqdm_disable


def _run(argv: list[str] | None, LCAError: type) -> int:
    try:
        app(args=argv, standalone_mode=False)
    except LCAError as exc:
        if _STATE["debug"]:
            raise
        typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except (typer.Exit, SystemExit) as exc:
        return int(getattr(exc, "exit_code", getattr(exc, "code", 0)) or 0)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # click usage errors and bugs
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click usage errors
            exc.show()  # (typer may vendor its own click, so no isinstance check)
            return 2
        if _STATE["debug"]:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the "
                   "traceback, and please report it)", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
