"""Analyses on the compiled model: uncertainty (Monte Carlo), sensitivity (OAT, Morris,
Sobol), paired comparison and parameter sweeps. Each module exposes ``run``-style entry
points over a :class:`~lca.core.compiled.CompiledModel`."""

#: The sensitivity methods :func:`lca.analysis.sensitivity.run` dispatches to (the CLI's
#: choices are built from this tuple; importing it costs nothing).
SENSITIVITY_METHODS = ("oat", "morris", "sobol")
