"""Probability distributions of parameters and exchanges, in one place.

Brightway stores a distribution as stats_arrays fields (``uncertainty type`` 2 lognormal,
3 normal, 4 uniform, 5 triangular, with ``loc``, ``scale``, ``minimum``, ``maximum``,
``negative``). Everything else here (the compiled model's sampler, the sensitivity
analyses, the report, the domain checks) works on the objects below, which sample, give
quantiles and intervals, their support, the SALib problem entry, and describe themselves.
:func:`from_stats_arrays` is the one place that reads the stats_arrays integers.

Sampling uses NumPy's ``Generator`` methods (``lognormal``, ``normal``, ``uniform``,
``triangular``); quantiles use :mod:`scipy.stats` (imported lazily).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

#: stats_arrays uncertainty type ids (``stats_arrays.distributions``).
LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR = 2, 3, 4, 5


@dataclass(frozen=True)
class Distribution:
    """Base class: a univariate distribution of a parameter or exchange amount."""

    kind: ClassVar[int] = 0
    name: ClassVar[str] = ""

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` independent draws (float64) from ``rng``."""
        raise NotImplementedError

    def ppf(self, q) -> np.ndarray:
        """Quantiles at probabilities ``q``."""
        return np.asarray(self._scipy().ppf(q), dtype=float)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central interval holding ``level`` of the probability (2.5-97.5 % at 0.95)."""
        tail = (1.0 - level) / 2
        low, high = self.ppf([tail, 1.0 - tail])
        return float(low), float(high)

    @property
    def support(self) -> tuple[float, float]:
        """The smallest closed interval holding every possible draw."""
        raise NotImplementedError

    def salib(self) -> tuple[list[float], str]:
        """(bounds, dist) of this distribution in a SALib problem (``dists`` entry)."""
        raise NotImplementedError

    def from_salib(self, column: np.ndarray) -> np.ndarray:
        """A SALib sample column mapped back to this distribution's values."""
        return column

    def describe(self) -> str:
        """A short human description (report tables)."""
        raise NotImplementedError

    def stats_arrays(self) -> dict:
        """The Brightway/stats_arrays fields of this distribution."""
        raise NotImplementedError

    def _scipy(self):
        raise NotImplementedError


@dataclass(frozen=True)
class Lognormal(Distribution):
    """ln|x| ~ normal(``mu``, ``sigma``); ``negative`` mirrors it onto x < 0 (stats_arrays).
    The geometric standard deviation is exp(sigma); 95 % of draws lie within GSD^1.96."""

    mu: float
    sigma: float
    negative: bool = False
    kind: ClassVar[int] = LOGNORMAL
    name: ClassVar[str] = "lognormal"

    def sample(self, n, rng):
        out = rng.lognormal(mean=self.mu, sigma=self.sigma, size=n)
        return -out if self.negative else out

    def ppf(self, q):
        q = np.asarray(q, dtype=float)
        if self.negative:
            return -np.asarray(self._scipy().ppf(1.0 - q), dtype=float)
        return np.asarray(self._scipy().ppf(q), dtype=float)

    @property
    def support(self):
        return (-math.inf, 0.0) if self.negative else (0.0, math.inf)

    def salib(self):  # SALib samples a lognormal as positive: flipped in from_salib
        return [self.mu, self.sigma], "lognorm"

    def from_salib(self, column):
        return -column if self.negative else column

    def describe(self):
        return f"lognormal, GSD {math.exp(self.sigma):.3g}"

    def stats_arrays(self):
        return {"uncertainty type": self.kind, "loc": self.mu, "scale": self.sigma,
                "negative": self.negative}

    def _scipy(self):
        from scipy import stats

        return stats.lognorm(s=self.sigma, scale=math.exp(self.mu))


@dataclass(frozen=True)
class Normal(Distribution):
    mean: float
    sd: float
    kind: ClassVar[int] = NORMAL
    name: ClassVar[str] = "normal"

    def sample(self, n, rng):
        return rng.normal(self.mean, self.sd, size=n)

    @property
    def support(self):
        return (-math.inf, math.inf)

    def salib(self):
        return [self.mean, self.sd], "norm"

    def describe(self):
        return f"normal, sd {self.sd:.4g}"

    def stats_arrays(self):
        return {"uncertainty type": self.kind, "loc": self.mean, "scale": self.sd}

    def _scipy(self):
        from scipy import stats

        return stats.norm(self.mean, self.sd)


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float
    kind: ClassVar[int] = UNIFORM
    name: ClassVar[str] = "uniform"

    def sample(self, n, rng):
        return rng.uniform(self.low, self.high, size=n)

    @property
    def support(self):
        return (self.low, self.high)

    def salib(self):
        return [self.low, self.high], "unif"

    def describe(self):
        return f"uniform {self.low:.4g}-{self.high:.4g}"

    def stats_arrays(self):
        return {"uncertainty type": self.kind, "loc": (self.low + self.high) / 2,
                "minimum": self.low, "maximum": self.high}

    def _scipy(self):
        from scipy import stats

        return stats.uniform(self.low, self.high - self.low)


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on [``low``, ``high``] with its peak at ``mode`` (the record's amount)."""

    low: float
    mode: float
    high: float
    kind: ClassVar[int] = TRIANGULAR
    name: ClassVar[str] = "triangular"

    def sample(self, n, rng):
        return rng.triangular(self.low, self.mode, self.high, size=n)

    @property
    def support(self):
        return (self.low, self.high)

    def salib(self):
        # SALib: [lower, upper, peak as a fraction of the range]; it refuses a peak of
        # exactly 1 (a mode at the maximum), so that one is taken a rounding step below
        peak = (self.mode - self.low) / (self.high - self.low)
        return [self.low, self.high, min(peak, math.nextafter(1.0, 0.0))], "triang"

    def describe(self):
        return f"triangular {self.low:.4g}-{self.high:.4g}, mode {self.mode:.4g}"

    def stats_arrays(self):
        return {"uncertainty type": self.kind, "loc": self.mode, "minimum": self.low,
                "maximum": self.high}

    def _scipy(self):
        from scipy import stats

        span = self.high - self.low
        return stats.triang((self.mode - self.low) / span, self.low, span)


def from_stats_arrays(data: dict, amount: float | None = None) -> Distribution | None:
    """The distribution of a Brightway exchange or parameter dict (``uncertainty type``
    or ``uncertainty_type`` with stats_arrays fields), or None when it has none.

    A triangular mode is ``amount`` (the record's value, as the compiled model evaluates
    it), else ``loc``, clipped into [minimum, maximum]: an amount stored as float32 may sit
    just outside.
    """
    kind = int(data.get("uncertainty type") or data.get("uncertainty_type") or 0)
    if kind < LOGNORMAL:
        return None

    def num(key: str) -> float:
        value = data.get(key)
        return float(value) if value is not None else math.nan

    if kind == LOGNORMAL:
        return Lognormal(num("loc"), num("scale"), bool(data.get("negative", False)))
    if kind == NORMAL:
        return Normal(num("loc"), num("scale"))
    if kind == UNIFORM:
        return Uniform(num("minimum"), num("maximum"))
    if kind == TRIANGULAR:
        low, high = num("minimum"), num("maximum")
        mode = float(amount) if amount is not None else num("loc")
        return Triangular(low, min(max(mode, low), high), high)
    raise ValueError(f"stats_arrays uncertainty type {kind} is not supported; supported: "
                     "0/1 none, 2 lognormal, 3 normal, 4 uniform, 5 triangular. Give the "
                     "record one of these distributions (or none)")
