"""Analyses on the compiled model: uncertainty (Monte Carlo), sensitivity (OAT, Morris,
Sobol), paired comparison and parameter sweeps. Each module exposes ``run``-style entry
points over a :class:`~lca.core.compiled.CompiledModel`."""

#: The sensitivity methods :func:`lca.analysis.sensitivity.run` dispatches to (the CLI's
#: choices are built from this tuple; importing it costs nothing).
SENSITIVITY_METHODS = ("oat", "morris", "sobol")


def check_finite_frame(frame, what: str, keys: tuple[str, ...], hint: str) -> None:
    """No silent NaN/inf in an analysis table: an InputError naming ``what`` (the
    analysis), the first row's ``keys`` values, the column and ``hint`` (the likely cause)
    when a numeric cell of ``frame`` is not finite."""
    import numpy as np

    numeric = frame.select_dtypes("number")
    bad = ~np.isfinite(numeric.to_numpy(dtype=float))
    if not bad.any():
        return
    from lca.errors import InputError, Problem

    i, j = (int(v[0]) for v in np.nonzero(bad))
    row = frame.iloc[i]
    where = ", ".join(f"{k} '{row[k]}'" for k in keys if k in frame.columns)
    raise InputError(Problem(f"{what}: {numeric.columns[j]} of {where} is "
                             f"{numeric.iat[i, j]} ({int(bad.sum())} value(s) not finite); "
                             f"{hint}"))
