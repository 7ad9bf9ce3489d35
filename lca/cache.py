"""A result cache keyed on content, stored beside the Brightway project.

An entry is found by a key (:func:`content_key`): a hash of what the result depends on
(the service file, every inventory and method file, the package's code and version, the
versions of the libraries that compute it, the functional unit and options). Each entry
also records *stamps* of the Brightway project files it was computed from (modification
time and size of the SQLite stores and metadata, see :func:`project_stamps`): a write by
anyone, genai-lca or Activity Browser, changes them and the entry is stale. Looking an entry
up imports neither bw2data nor numpy, which is what lets ``genai-lca assess`` of an
unchanged service answer in a fraction of a second in a fresh process.

Entries are pickles in ``<data dir>/genai-lca/cache/``, written atomically (temporary file,
then ``os.replace``): a killed writer leaves no half entry. They are read back only from
that folder, which belongs to the user like the Brightway project beside it; an entry that
cannot be read is a miss and is removed. ``genai-lca cache clear`` empties the folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Files of a Brightway project whose change makes every entry of that project stale:
#: the activity/exchange store, parameters, database and method metadata.
PROJECT_FILES = ("lci/databases.db", "parameters.db", "databases.json", "methods.json")
#: Libraries whose version is part of every key (they compute or characterise results).
LIBRARIES = ("bw2data", "bw2calc", "bw2io", "numpy", "scipy")
_FORMAT = 1  # bump when the entry layout changes


def directory(data_dir: Path) -> Path:
    """Where the cache of ``data_dir`` lives."""
    return Path(data_dir) / "genai-lca" / "cache"


def project_stamps(project_dir: str | os.PathLike) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of each of the project's :data:`PROJECT_FILES` that exists."""
    return stamps_of(os.path.join(project_dir, rel) for rel in PROJECT_FILES)


def stamps_of(paths) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of each of ``paths`` that exists."""
    out = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        out[path] = (st.st_mtime_ns, st.st_size)
    return out


@lru_cache(maxsize=None)
def environment_digest() -> str:
    """Hash of the package's code and version and of the installed :data:`LIBRARIES`
    (once per process, ~3 ms). A library is identified by the path, size and modification
    time of its ``__init__`` file, found without importing it: an upgrade rewrites it
    (``importlib.metadata`` would cost ~15 ms of imports on each start)."""
    from importlib.util import find_spec

    from lca import __version__

    h = hashlib.sha256(f"genai-lca {__version__} cache {_FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    for lib in LIBRARIES:
        spec = find_spec(lib)
        origin = spec.origin if spec is not None else None
        h.update(f"{lib} {origin} {stamps_of([origin] if origin else [])}".encode())
    return h.hexdigest()


@lru_cache(maxsize=8)
def _tree_digest(root: str, stamps: tuple) -> str:
    """Hash of the data files among ``stamps`` ((path, stamp) pairs, sorted by path)."""
    h = hashlib.sha256()
    for path, _ in stamps:
        if Path(path).suffix in (".yaml", ".yml", ".csv", ".json"):
            h.update(os.path.relpath(path, root).encode())
            h.update(Path(path).read_bytes())
    return h.hexdigest()


def inventory_digest(root: Path) -> str:
    """Hash of every inventory, method, source and scenario file under ``root``
    (``inventories/``): re-read only when a file's stamp changes."""
    files = (str(p) for p in Path(root).rglob("*") if p.is_file())
    return _tree_digest(str(root), tuple(sorted(stamps_of(files).items())))


def content_key(*parts: Any) -> str:
    """A key from ``parts`` (strings, numbers, None, tuples of them) and
    :func:`environment_digest`."""
    h = hashlib.sha256(environment_digest().encode())
    for part in parts:
        h.update(b"\x00")
        h.update(repr(part).encode())
    return h.hexdigest()


class ResultCache:
    """Pickled results under ``directory``, each valid while its project stamps hold."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pickle"

    def get(self, key: str) -> tuple[dict, Any] | None:
        """(stamps, value) stored under ``key``, or None when absent, stale or unreadable
        (then removed)."""
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                entry = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, never an error
            path.unlink(missing_ok=True)
            return None
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
            path.unlink(missing_ok=True)
            return None
        if stamps_of(entry["stamps"]) != entry["stamps"]:
            return None
        return entry["stamps"], entry["value"]

    def put(self, key: str, value: Any, stamps: dict[str, tuple[int, int]]) -> None:
        """Store ``value``, valid while ``stamps`` (see :func:`project_stamps`) hold.
        A cache that cannot be written (read-only data directory, full disk) is skipped."""
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"format": _FORMAT, "stamps": stamps, "value": value}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(key))
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def clear(self) -> int:
        """Remove every entry (and stray temporary files); return how many files."""
        if not self.directory.is_dir():
            return 0
        n = 0
        for path in self.directory.iterdir():
            if path.suffix == ".pickle":
                path.unlink(missing_ok=True)
                n += 1
        return n

    def __len__(self) -> int:
        return sum(1 for p in self.directory.glob("*.pickle") if not p.name.startswith(".tmp-")) \
            if self.directory.is_dir() else 0
