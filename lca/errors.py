"""Errors raised by genai-lca.

One base class, :class:`LCAError`, with builtin co-parents so callers can catch either
(``except ValueError`` still works). Every error carries structured fields and builds its
one-line message from them: *where* (file, dataset, field), *what was expected*, *what was
found*. The CLI prints ``str(error)`` and exits with code 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class LCAError(Exception):
    """Base class of every error genai-lca raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, located as precisely as we can."""

    message: str
    file: str | None = None
    dataset: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [p for p in (self.file, self.dataset and f"dataset '{self.dataset}'",
                             self.field and f"field '{self.field}'") if p]
        return f"{': '.join(where)}: {self.message}" if where else self.message


class InputError(LCAError, ValueError):
    """One or more problems in the user's files; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(*self.problems)

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found; nothing was written:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def __reduce__(self):
        return (type(self), (self.problems,))


class FormulaError(LCAError, ValueError):
    """A formula uses syntax outside the safe arithmetic subset, or cannot be evaluated."""

    def __init__(self, formula: str, reason: str):
        self.formula, self.reason = formula, reason
        super().__init__(formula, reason)

    def __str__(self) -> str:
        return f"formula {self.formula!r}: {self.reason}"

    def __reduce__(self):
        return (type(self), (self.formula, self.reason))


class UnitError(LCAError, ValueError):
    """A quantity's unit cannot be understood or converted to the unit expected."""

    def __init__(self, expected: str, got: str, reason: str = ""):
        self.expected, self.got, self.reason = expected, got, reason
        super().__init__(expected, got, reason)

    def __str__(self) -> str:
        if self.expected.startswith("a "):
            text = f"unit {self.got!r} is not {self.expected}"
        else:
            text = f"unit {self.got!r} cannot be converted to {self.expected!r}"
        return f"{text} ({self.reason})" if self.reason else text

    def __reduce__(self):
        return (type(self), (self.expected, self.got, self.reason))


class BusyError(LCAError, RuntimeError):
    """Another genai-lca process holds the data directory's lock for too long."""

    def __init__(self, lock_path: str, holder: str, waited_s: float):
        self.lock_path, self.holder, self.waited_s = lock_path, holder, waited_s
        super().__init__(lock_path, holder, waited_s)

    def __str__(self) -> str:
        return (f"data directory is busy: {self.holder} holds {self.lock_path} "
                f"(waited {self.waited_s:.0f} s). Wait for it to finish, or raise "
                f"GENAI_LCA_LOCK_TIMEOUT (seconds).")

    def __reduce__(self):
        return (type(self), (self.lock_path, self.holder, self.waited_s))


class NotSetUpError(LCAError, RuntimeError):
    """The Brightway project lacks what a command needs; run ``genai-lca setup``."""
