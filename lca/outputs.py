"""Output paths: checked once, before any work or write, and written atomically.

Every command and API verb that writes a file (``--out``) calls :func:`check_output` first,
so a wrong suffix, a missing or read-only folder or an existing folder in its place is an
:class:`~lca.errors.InputError` (exit 2) before anything is computed or written.
:func:`write_file` (and :func:`write_text` on it) writes through a temporary file in the same
folder, so a failed write leaves no half file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from lca.errors import InputError, Problem

#: Text documents a table can be written as (assess, catalog).
TEXT = {".txt": "text table", ".json": "JSON", ".csv": "CSV"}
#: Figures matplotlib writes.
FIGURES = {".png": "PNG", ".svg": "SVG", ".pdf": "PDF"}


def check_output(path: str | os.PathLike, kinds: dict[str, str] | None = None, *,
                 field: str = "--out") -> Path:
    """``path`` as a :class:`~pathlib.Path`, if a file of one of ``kinds`` (suffix ->
    what it is; None: any suffix) can be written there; else an InputError naming the
    field, what was expected and what was found."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if kinds is not None and suffix not in kinds:
        allowed = ", ".join(f"{s} ({what})" for s, what in kinds.items())
        raise InputError(Problem(f"unsupported output type '{suffix or path.name}'; use "
                                 f"{allowed}", field=field))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(Problem(f"'{path}' is a folder; give a file name", field=field))
    if not folder.is_dir():
        found = "a file" if folder.exists() else "missing"
        raise InputError(Problem(f"the folder of '{path}' must exist; '{folder}' is {found}",
                                 field=field))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(Problem(f"'{path}' cannot be written (permission denied)",
                                 field=field))
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Mode of a written file: 0666 less the umask (as ``open`` would create it).
_MODE = 0o666 & ~_umask()


def _write_problem(path: Path, exc: OSError, field: str) -> InputError:
    reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    return InputError(Problem(f"could not write '{path}': {reason}", field=field))


@contextlib.contextmanager
def writing(path: Path, *, field: str = "--out") -> Iterator[None]:
    """Turn an OSError while writing ``path`` (disk full, permission denied) into an
    InputError naming the field and the reason (exit 2, not an internal error)."""
    try:
        yield
    except OSError as exc:
        raise _write_problem(path, exc, field) from None


def write_file(path: Path, write: Callable[[Path], object], *, field: str = "--out") -> None:
    """Call ``write(target)`` (a figure's ``savefig``, a workbook's writer) with a temporary
    file beside ``path`` (same suffix, so the format is inferred as for ``path``), then move
    it into place: a failed write leaves no half file, and an OSError is an InputError."""
    with writing(path, field=field):
        if path.exists() and not path.is_file():  # a device or pipe: write, then copy
            with tempfile.TemporaryDirectory() as folder:  # (a pipe cannot seek; xlsx does)
                tmp = Path(folder) / f"out{path.suffix}"
                write(tmp)
                with open(tmp, "rb") as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
        os.close(fd)
        os.chmod(tmp, _MODE)  # mkstemp's 0600 -> what open() would have made
        try:
            write(Path(tmp))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, newline-terminated) to ``path`` as :func:`write_file` does."""
    if not text.endswith("\n"):
        text += "\n"
    write_file(path, lambda target: target.write_text(text, encoding="utf-8"))
