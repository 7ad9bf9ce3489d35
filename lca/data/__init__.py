"""Validated records read from ``inventories/`` files. Never imports bw2data."""

from __future__ import annotations

from pathlib import Path

import yaml

# libyaml's C parser is ~10x faster than the pure-Python one; same safe subset.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Deepest nesting of lists and mappings a file may have (construction recurses per level).
MAX_YAML_DEPTH = 64


class _Refused(yaml.YAMLError):
    """A YAML feature genai-lca files may not use; ``problem_mark`` locates it."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Loader(_BASE):  # type: ignore[valid-type, misc]
    """The safe loader, refusing aliases, duplicate keys and deep nesting *before* any
    Python object is built.

    An alias makes a node reachable twice: ten nested aliases of ten items each
    ("billion laughs") are a few hundred bytes of text that expand to 10^9 values when
    pydantic walks them (30 s and all memory; issue 12). libyaml composes the node graph
    without expanding it, so one walk over the nodes, stopping at a node seen before,
    finds the alias in time linear in the text. A duplicate key is refused too: YAML says
    keys are unique, and PyYAML silently keeps the last value.
    """

    def construct_document(self, node):
        _check_nodes(node)
        return super().construct_document(node)


def _check_nodes(root) -> None:
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _Refused("the value anchored here ('&name') is reused through an alias "
                           "('*name'); genai-lca files may not use anchors and aliases: "
                           "write the values out", node.start_mark)
        seen.add(id(node))
        if depth > MAX_YAML_DEPTH:
            raise _Refused(f"nests lists and mappings more than {MAX_YAML_DEPTH} levels "
                           "deep", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            keys: dict[tuple, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.tag == "tag:yaml.org,2002:merge":
                        raise _Refused("uses a merge key ('<<'); genai-lca files may not use "
                                       "anchors and aliases: write the values out",
                                       key.start_mark)
                    ident = (key.tag, key.value)
                    if ident in keys:
                        raise _Refused(f"repeats the key '{key.value}' (first at line "
                                       f"{keys[ident] + 1}); each key may appear once in a "
                                       "mapping", key.start_mark)
                    keys[ident] = key.start_mark.line
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def load_yaml(text: str):
    """Parse YAML text with the safe loader (no Python objects, no code), refusing
    aliases, duplicate keys and deep nesting."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader


def parse_yaml(text: str, path) -> object:
    """Parse a file's YAML text; a syntax error becomes an InputError naming file and line."""
    from lca.errors import InputError, Problem

    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(Problem(f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}",
                                 file=str(path))) from None
    except RecursionError:
        raise InputError(Problem(f"is not valid YAML: nested too deeply (more than "
                                 f"{MAX_YAML_DEPTH} levels)", file=str(path))) from None


_BOMS = [(b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")]


def read_text(path) -> str:
    """A user file's text: UTF-8 (a leading byte-order mark allowed), else an InputError
    that names the encoding problem and the fix."""
    from lca.errors import InputError, Problem

    data = Path(path).read_bytes()
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(Problem(f"is {name} text (byte-order mark "
                                     f"{bom.hex(' ')}); save it as UTF-8", file=str(path)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start:exc.start + 1].hex()
        raise InputError(Problem(f"is not UTF-8 text (byte 0x{byte} at offset {exc.start}); "
                                 "save it as UTF-8", file=str(path))) from None
    if "\x00" in text:
        at = text.index("\x00")
        raise InputError(Problem(f"is not a text file (a NUL character at offset {at}; "
                                 "UTF-16 text or a binary file?); save it as UTF-8 text",
                                 file=str(path)))
    return text
