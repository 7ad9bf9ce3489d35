"""The Brightway data directory, the project, the lock and the snapshot.

This module decides *where* things live. It imports bw2data lazily, after the data
directory is fixed (bw2data reads ``BRIGHTWAY2_DIR`` once, at import), so CLI start-up
and the fast "already set up" path stay cheap.

- :func:`data_dir` : ``--data-dir`` / ``BRIGHTWAY2_DIR`` / Brightway's platform default.
- :func:`lock` : an exclusive ``fcntl`` lock on ``<data dir>/genai-lca.lock`` held while
  a process writes, so two processes never write the same project at once; a second one
  waits (and says so on stderr) up to ``GENAI_LCA_LOCK_TIMEOUT`` seconds, then raises
  :class:`~lca.errors.BusyError`.
- :func:`use_project` : a context manager that selects the project and restores the
  previous one (bw2data's ``set_current`` alone leaks global state).
- :class:`Snapshot` : copies the project's SQLite stores and metadata before a write and
  puts them back if the write fails, so a failed load leaves the project as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from lca import __version__
from lca.errors import BusyError, LCAError

PROJECT = "genai-lca-" + ".".join(__version__.split(".")[:2])
_LOCK_NAME = "genai-lca.lock"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Resolve and create the Brightway data directory, and export it for bw2data."""
    if explicit is not None:
        path = Path(explicit).expanduser().resolve()
    elif os.environ.get("BRIGHTWAY2_DIR"):
        path = Path(os.environ["BRIGHTWAY2_DIR"]).expanduser().resolve()
    else:
        import platformdirs  # what bw2data uses for its own default

        path = Path(platformdirs.user_data_dir("Brightway3", "pylca"))
    _lock_timeout()  # a bad GENAI_LCA_LOCK_TIMEOUT is refused before any work
    if "bw2data" in sys.modules:
        current = Path(sys.modules["bw2data"].projects._base_data_dir).resolve()
        if current != path:
            raise LCAError(f"this process already uses the Brightway data directory "
                           f"{current}; start a new process for {path}")
    _usable_folder(path, "--data-dir" if explicit is not None else
                   "BRIGHTWAY2_DIR" if os.environ.get("BRIGHTWAY2_DIR") else "data directory")
    os.environ["BRIGHTWAY2_DIR"] = str(path)
    return path


def _usable_folder(path: Path, field: str) -> None:
    """Create ``path`` if needed; an InputError naming ``field`` if it is a file, lies
    below a file, or cannot be written."""
    from lca.errors import InputError, Problem

    def problem(message: str) -> InputError:
        return InputError(Problem(f"the Brightway data directory must be a writable "
                                  f"folder; {message}", field=field))

    if path.exists() and not path.is_dir():
        raise problem(f"'{path}' is a file")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise problem(f"'{path}' lies below '{blocker}', which is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise problem(f"'{path}' cannot be created ({exc.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise problem(f"'{path}' cannot be written (permission denied)")


def _lock_timeout() -> float:
    """``GENAI_LCA_LOCK_TIMEOUT`` in seconds (default 600; ``inf``: wait for ever); an
    InputError naming the variable if it is not a number >= 0."""
    from lca.errors import InputError, Problem

    text = os.environ.get("GENAI_LCA_LOCK_TIMEOUT") or "600"  # set but empty: default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:  # also refuses nan
        raise InputError(Problem(f"must be a number of seconds >= 0 (how long to wait for "
                                 f"another genai-lca process); got {text!r}",
                                 field="GENAI_LCA_LOCK_TIMEOUT"))
    return value


@contextlib.contextmanager
def lock(directory: Path, what: str) -> Iterator[None]:
    """Hold the data directory's write lock (re-entrant within one process)."""
    if getattr(lock, "_held", 0):
        lock._held += 1
        try:
            yield
        finally:
            lock._held -= 1
        return
    path = directory / _LOCK_NAME
    timeout = _lock_timeout()
    fh = open(path, "a+")
    start, told = time.monotonic(), False
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            waited = time.monotonic() - start
            if waited >= timeout:
                fh.close()
                raise BusyError(str(path), holder, waited) from None
            if not told:
                print(f"genai-lca: waiting for {holder} to release {path} ...",
                      file=sys.stderr)
                told = True
            time.sleep(0.2)
    fh.seek(0)
    fh.truncate()
    fh.write(f"genai-lca pid {os.getpid()} ({what})")
    fh.flush()
    lock._held = 1
    try:
        yield
    finally:
        lock._held = 0
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


@contextlib.contextmanager
def use_project(name: str = PROJECT) -> Iterator[None]:
    """Select Brightway project ``name`` (creating it) and restore the previous one, unless
    that was bw2data's ``default`` (nothing chosen): then ``name`` stays selected, because
    each switch costs 0.15-0.3 s (bw2data's ``set_current`` runs ``gc.collect()`` twice) and
    a notebook or report calls the API many times in a row. Staying, the database and method
    metadata are reloaded, as a switch would (another process may have written)."""
    import bw2data as bd

    previous = bd.projects.current
    if previous != name:
        bd.projects.set_current(name)
    else:  # what set_current would reload: another process may have written meanwhile
        bd.databases.load()
        bd.methods.load()
    try:
        yield
    finally:
        if previous not in (name, "default"):
            bd.projects.set_current(previous)


def project_dir() -> str:
    """The current project's folder (its SQLite stores and metadata)."""
    import bw2data as bd

    return str(bd.projects.dir)


def inventory_provenance(database: str) -> list[dict]:
    """``database`` and every database it depends on, directly or not, with the files and
    content digest genai-lca wrote them from (the provenance block of a result)."""
    import bw2data as bd

    names, todo = [database], [database]
    while todo:
        for dep in bd.databases[todo.pop()].get("depends", []):
            if dep not in names and dep in bd.databases:
                names.append(dep)
                todo.append(dep)
    return [{"database": name, "files": bd.databases[name].get("genai-lca files", []),
             "digest": bd.databases[name].get("genai-lca digest")}
            for name in [database] + sorted(names[1:])]


class Snapshot:
    """Copy of a project's stores, restorable after a failed write.

    SQLite files are copied with SQLite's online backup API (consistent even with open
    connections); JSON metadata and processed datapackages are copied as files.
    """

    _SQLITE = ("lci/databases.db", "parameters.db")
    _FILES = ("databases.json", "methods.json")
    _DIRS = ("processed",)

    def __init__(self, project_dir: Path):
        self.project_dir = Path(project_dir)
        self.tmp = Path(tempfile.mkdtemp(prefix="genai-lca-snapshot-"))
        for rel in self._SQLITE:
            src = self.project_dir / rel
            if src.exists():
                _sqlite_copy(src, self.tmp / rel)
        for rel in self._FILES:
            if (self.project_dir / rel).exists():
                shutil.copy2(self.project_dir / rel, self.tmp / rel)
        for rel in self._DIRS:
            if (self.project_dir / rel).exists():
                shutil.copytree(self.project_dir / rel, self.tmp / rel)

    def restore(self) -> None:
        import bw2data as bd

        for rel in self._SQLITE:
            if (self.tmp / rel).exists():
                _sqlite_copy(self.tmp / rel, self.project_dir / rel)
        for rel in self._FILES:
            if (self.tmp / rel).exists():
                shutil.copy2(self.tmp / rel, self.project_dir / rel)
        for rel in self._DIRS:
            if (self.tmp / rel).exists():
                shutil.rmtree(self.project_dir / rel, ignore_errors=True)
                shutil.copytree(self.tmp / rel, self.project_dir / rel)
        bd.databases.load()
        bd.methods.load()

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _sqlite_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(src)) as a, contextlib.closing(sqlite3.connect(dst)) as b:
        a.backup(b)


def read_marker(directory: Path, name: str = PROJECT) -> dict:
    """The setup marker: what was last set up in this data directory (no bw2data import)."""
    path = directory / "genai-lca" / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def write_marker(directory: Path, content: dict, name: str = PROJECT) -> None:
    path = directory / "genai-lca" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content, indent=1, sort_keys=True))
    tmp.replace(path)
