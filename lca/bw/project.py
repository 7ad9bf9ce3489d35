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
- :func:`transaction` : a write journal in the data directory, so a write is all or
  nothing under an exception and under ``kill -9``; :func:`recover` (run by :func:`lock`)
  restores a project a killed writer left open.
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
        recover(directory)
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


# ---------------------------------------------------------------------- write journal
#: Files of a project directory that are never journalled: bw2data's own backups and
#: SQLite's side files (the backup API reads through them).
_SKIP_DIRS = frozenset({"backups"})
_RESTORE_SUFFIX = ".genai-lca-restore"
_SKIP_SUFFIXES = ("-journal", "-wal", "-shm", _RESTORE_SUFFIX)
_SQLITE_HEADER = b"SQLite format 3\x00"
_OPEN, _STAGING, _DONE = ".open", ".staging-", ".done-"


def journal_dir(directory: Path) -> Path:
    """Where write journals live: ``<data dir>/genai-lca/journal``, on the project's own
    file system (so the final ``rename`` is atomic) and never in the temporary directory."""
    return Path(directory) / "genai-lca" / "journal"


def open_journals(directory: Path) -> list[Path]:
    """Journals left open by a writer that died; one ``listdir`` (none: one ``stat``)."""
    try:
        return sorted(p for p in journal_dir(directory).iterdir() if p.name.endswith(_OPEN))
    except OSError:
        return []


@contextlib.contextmanager
def transaction(project: Path, what: str = "write") -> Iterator[None]:
    """Make everything written to ``project`` inside the block all or nothing, under an
    exception *and* under ``kill -9`` (issue 12).

    Before the block, the project directory is copied to a journal beside it
    (:func:`journal_dir`; SQLite stores with the online backup API, everything else --
    ``databases.json``, ``methods.json``, ``processed/`` and ``intermediate/`` datapackages,
    the ``search/`` indexes, bw2data's pickles -- as files; 6 MB and ~0.1 s for the whole
    project). The copy is staged under a name holding the pid and becomes the *open*
    journal with one ``rename``: until then the project is untouched, after it the journal
    is complete. When the block ends normally the journal is renamed away (the commit
    point) and deleted. An exception restores the project from it at once; a killed
    process leaves it open, and the next process to take the data directory's lock
    (:func:`lock` calls :func:`recover`) restores the project from it before doing
    anything else. Restoring is idempotent, so a kill during recovery is recovered too.

    Re-entrant: an inner block of the same process joins the outer one (``setup`` journals
    biosphere3, the background and the methods as one write). Callers hold :func:`lock`.
    """
    project = Path(project).resolve()
    if _open_here.get(project):
        _open_here[project] += 1
        try:
            yield
        finally:
            _open_here[project] -= 1
        return
    base = project.parent
    jdir = journal_dir(base)
    jdir.mkdir(parents=True, exist_ok=True)
    staging = jdir / f"{project.name}{_STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    _copy_tree(project, staging / "files")
    (staging / "manifest.json").write_text(json.dumps(
        {"project_dir": str(project), "pid": os.getpid(), "what": what, "time": time.time()},
        allow_nan=False))
    opened = jdir / f"{project.name}{_OPEN}"
    _fsync_dir(staging)
    os.replace(staging, opened)
    _fsync_dir(jdir)
    _open_here[project] = 1
    try:
        yield
    except BaseException:
        _restore(opened, project)
        _reload_metadata([project.name])
        raise
    finally:
        _open_here.pop(project, None)
        _close(opened)


_open_here: dict[Path, int] = {}


def recover(directory: Path) -> list[str]:
    """Restore every project a killed writer left half-written in data directory
    ``directory``, and delete journal leftovers and stale temporary snapshots; return the
    projects restored. Called by :func:`lock` once it holds the lock (no writer can be
    running then); says so on stderr when it restores something."""
    restored = []
    for opened in open_journals(directory):
        try:
            manifest = json.loads((opened / "manifest.json").read_text())
        except (OSError, ValueError):  # cannot happen: the journal opens complete
            _close(opened)
            continue
        # The project beside the journal, not the manifest's path: a data directory may
        # have been moved or copied since.
        project = Path(directory) / opened.name[: -len(_OPEN)]
        print(f"genai-lca: restoring {project.name} from the journal of an interrupted "
              f"write ({manifest.get('what', 'write')}, pid {manifest.get('pid')})",
              file=sys.stderr)
        _restore(opened, project)
        _close(opened)
        restored.append(project.name)
    try:
        leftovers = [p for p in journal_dir(directory).iterdir() if not p.name.endswith(_OPEN)]
    except OSError:
        leftovers = []
    for p in leftovers:  # staged or committed journals of dead processes
        pid = p.name.rpartition("-")[2]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(p, ignore_errors=True)
    remove_stale_snapshots()
    _reload_metadata(restored)
    return restored


def _reload_metadata(projects: list[str]) -> None:
    """This process's bw2data view of the database and method metadata, after a restore."""
    if projects and "bw2data" in sys.modules:
        import bw2data as bd

        if Path(bd.projects.dir).resolve().name in projects:
            bd.databases.load()
            bd.methods.load()


def remove_stale_snapshots(max_age_s: float = 86400.0) -> list[Path]:
    """Delete ``genai-lca-snapshot-*`` folders that writers of genai-lca before the
    journal (issue 12) left in the temporary directory when killed. Those folders do not
    name their process, so only ones untouched for ``max_age_s`` (a day; a write lasts
    seconds) are taken as stale."""
    removed = []
    now = time.time()
    tmp = Path(tempfile.gettempdir())
    for p in tmp.glob("genai-lca-snapshot-*"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _journalled(root: Path) -> dict[str, bool]:
    """Relative path -> is a SQLite store, for every file of the project worth keeping."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        for name in filenames:
            if name.endswith(_SKIP_SUFFIXES):
                continue
            path = Path(dirpath) / name
            with open(path, "rb") as fh:
                out[str(rel_dir / name)] = fh.read(16) == _SQLITE_HEADER
    return out


def _copy_tree(src: Path, dst: Path) -> None:
    for rel, is_sqlite in _journalled(src).items():
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_sqlite:
            _sqlite_copy(src / rel, target)
        else:
            shutil.copy2(src / rel, target)
        _fsync(target)


def _restore(opened: Path, project: Path) -> None:
    """Make ``project`` what the journal holds: SQLite stores through the backup API
    (safe with connections open in this process), other files through a temporary copy
    and ``os.replace``; files the write added are deleted."""
    saved = _journalled(opened / "files")
    project.mkdir(parents=True, exist_ok=True)
    for rel in set(_journalled(project)) - set(saved):
        (project / rel).unlink(missing_ok=True)
    for dirpath, _, filenames in os.walk(project):  # restore copies a kill left behind
        for name in filenames:
            if name.endswith(_RESTORE_SUFFIX):
                (Path(dirpath) / name).unlink(missing_ok=True)
    for rel, is_sqlite in saved.items():
        src, dst = opened / "files" / rel, project / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if is_sqlite and dst.exists():
            _sqlite_copy(src, dst)
        else:
            tmp = dst.with_name(dst.name + _RESTORE_SUFFIX)
            shutil.copy2(src, tmp)
            os.replace(tmp, dst)


def _close(opened: Path) -> None:
    """Commit point: the open journal is renamed away (atomic), then deleted."""
    done = opened.with_name(opened.name[: -len(_OPEN)] + f"{_DONE}{os.getpid()}")
    try:
        os.replace(opened, done)
    except FileNotFoundError:
        return
    shutil.rmtree(done, ignore_errors=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def remove_marker(directory: Path, name: str = PROJECT) -> None:
    """Forget the setup marker, so that a set-up interrupted from here on is redone."""
    (directory / "genai-lca" / f"{name}.json").unlink(missing_ok=True)


def write_marker(directory: Path, content: dict, name: str = PROJECT) -> None:
    path = directory / "genai-lca" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content, indent=1, sort_keys=True, allow_nan=False))
    tmp.replace(path)
