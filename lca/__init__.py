"""genai-lca: life-cycle assessment of generative-AI services on Brightway 2.5.

Layers, lowest first. The rule: a module imports only its own layer and the layers listed
before it (``tests/test_layering.py`` walks every import and enforces it; its table is this
list). Design and reasons: ``docs/DESIGN.md``.

1. ``lca`` (this file: ``__version__`` and lazy re-exports), ``lca.errors``, ``lca.units``,
   ``lca.formula``: errors, pint units, safe arithmetic formulas.
2. ``lca.data``: files -> validated, immutable records (inventories, services, sources,
   distributions, registries, the file readers of :mod:`lca.data.files`), and
   ``lca.measure``: measurement logs (CodeCarbon, NVML/Zeus, ML.ENERGY) -> measured
   parameters and overlays. Pure.
3. ``lca.model``: a service description -> inventory records (:mod:`lca.model.genai`). Pure.
4. ``lca.core``: the compiled parametric model (numpy/scipy; no Brightway).
5. ``lca.analysis``: uncertainty, sensitivity, sweep and comparison on the compiled model.
6. ``lca.prospective``: SSP scenarios, trajectories, a service rewritten for a future year;
   pure, it receives present-day grid intensities as numbers solved by :mod:`lca.bw.grids`.
7. ``lca.results``: result objects and their tables (JSON, CSV, text).
8. ``lca.bw``: the only package that imports bw2data, bw2calc, bw2io or bw_processing
   (project, setup, writing databases, solving, extracting the compiled model).
9. ``lca.api``, ``lca.prepared``, ``lca.cache``: the Python API; ``lca.prepared.prepare``
   loads, builds and writes a service once per process and its verbs (assess,
   contributions, compile, uncertainty, sensitivity, graph, export) compute; ``lca.cache``
   keeps results keyed on the content they depend on.
10. ``lca.report``: tables, figures, HTML and Excel reports (built on ``lca.api``).
11. ``lca.cli``: the thin ``genai-lca`` command line. Nothing imports it.

Layers 2-7 never import Brightway, so they load and run without it. Brightway imports stay
lazy (inside functions): ``import lca`` and the CLI's start stay cheap. Exceptions are
listed with their reasons in the test (today: the lazy re-export below, and ``lca.api``
reading database metadata with bw2data for the provenance block).
"""

__version__ = "0.1.0"

__all__ = ["assess", "setup", "validate", "__version__"]


def __getattr__(name):  # lazy re-exports (PEP 562): bw2data costs ~2.5 s to import
    if name in ("assess", "setup", "validate"):
        from lca import api

        return getattr(api, name)
    raise AttributeError(f"module 'lca' has no attribute {name!r}")
