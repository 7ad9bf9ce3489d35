"""genai-lca: life-cycle assessment of generative-AI services on Brightway 2.5.

Layering (each layer imports only the ones above it):

- ``lca.errors``, ``lca.units``, ``lca.formula``: errors, pint units, safe formulas.
- ``lca.data``: inventory and service files -> validated records. Never imports bw2data.
  ``lca.data.names`` spells every database, record prefix, stage and catalogue once;
  ``lca.data.parameters`` describes every parameter of the service model (unit, domain,
  role).
- ``lca.model``: a service description -> inventory records (pure functions).
- ``lca.bw``: the only package that imports bw2data, bw2calc or bw2io (project, setup,
  writing databases, solving).
- ``lca.results``: result objects and their tables (JSON, CSV, text).
- ``lca.cli``: the thin ``genai-lca`` command line.

The public API is re-exported here lazily, so ``import lca`` stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["assess", "prepare", "setup", "validate", "__version__"]


def __getattr__(name):  # lazy re-exports (PEP 562): bw2data costs ~2.5 s to import
    if name in ("assess", "prepare", "setup", "validate"):
        from lca import api

        return getattr(api, name)
    raise AttributeError(f"module 'lca' has no attribute {name!r}")
