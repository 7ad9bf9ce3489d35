"""Overlays: measured parameters laid over a service file.

An overlay (``genai-lca/overlay@1``, YAML) holds only what a measurement changes::

    format: genai-lca/overlay@1
    id_suffix: -measured            # appended to service.id (once), so the overlaid
                                    # service gets its own database and results
    model:                          # blocks that replace the service's blocks of that name
      inference: {energy_model: measured}
    parameters:                     # replace the service's parameters of the same name,
      - {name: inference_wh_per_request, amount: 0.31, unit: Wh / request,
         source: measured-codecarbon-0123456789ab, uncertainty: {type: lognormal, gsd: 1.08}}
    sources:                        # appended to the service's sources (same id: replaced)
      - {id: measured-codecarbon-0123456789ab, citation: ..., year: 2026,
         licence: the measurer's own data, kind: measurement}

:func:`apply` lays one overlay over a service file's text; ``genai-lca measure --out``
writes its result as a new service file, ``genai-lca assess --overlay`` (and
``uncertainty``, ``sensitivity``) apply overlays in memory (:func:`lca.prepared.prepare`),
the service file never changes. A model block is replaced whole: switching inference to
``measured`` drops the roofline's ``precision``. The parameters only the old energy model
read stay (the builder ignores them) so that the file still says what was there.
The result is checked as a service file by whoever loads it.
"""

from __future__ import annotations

import yaml

from lca.errors import InputError, Problem

FORMAT = "genai-lca/overlay@1"
SUFFIX = "-measured"
KEYS = ("format", "id_suffix", "model", "parameters", "sources", "description")


def make(fit, *, suffix: str = SUFFIX, description: str | None = None) -> dict:
    """The overlay of a :class:`~lca.measure.fit.Fit`."""
    out = {"format": FORMAT, "id_suffix": suffix}
    if description:
        out["description"] = description
    out.update(model=fit.model, parameters=fit.parameters, sources=[fit.source])
    return out


def check(overlay, where: str = "overlay") -> dict:
    """``overlay`` (a parsed YAML document) if it has the overlay's shape; else an
    InputError naming ``where`` and the field."""
    if not isinstance(overlay, dict) or overlay.get("format") != FORMAT:
        got = overlay.get("format") if isinstance(overlay, dict) else type(overlay).__name__
        raise InputError(Problem(f"expected 'format: {FORMAT}'; got {got!r}", file=where,
                                 field="format"))
    unknown = [k for k in overlay if k not in KEYS]
    if unknown:
        raise InputError(Problem(f"unknown key(s) {', '.join(map(str, unknown))}; an overlay "
                                 f"has {', '.join(KEYS)}", file=where, field=str(unknown[0])))
    for key, kind in (("model", dict), ("parameters", list), ("sources", list)):
        if not isinstance(overlay.get(key, kind()), kind):
            raise InputError(Problem(f"must be a {'mapping' if kind is dict else 'list'}",
                                     file=where, field=key))
    for key in ("parameters", "sources"):
        ident = "name" if key == "parameters" else "id"
        for i, entry in enumerate(overlay.get(key, [])):
            if not isinstance(entry, dict) or not isinstance(entry.get(ident), str):
                raise InputError(Problem(f"entry {i} needs a '{ident}'", file=where,
                                         field=f"{key}[{i}]"))
    suffix = overlay.get("id_suffix", "")
    if not isinstance(suffix, str):
        raise InputError(Problem("must be text, e.g. -measured", file=where, field="id_suffix"))
    return overlay


def apply_data(service: dict, overlay: dict, where: str = "overlay") -> dict:
    """A copy of the parsed service file ``service`` with ``overlay`` laid over it."""
    overlay = check(overlay, where)
    out = dict(service)
    meta = dict(out.get("service") or {})
    suffix = overlay.get("id_suffix", "")
    if suffix and isinstance(meta.get("id"), str) and not meta["id"].endswith(suffix):
        meta["id"] = meta["id"] + suffix
        if isinstance(meta.get("name"), str):
            meta["name"] += f" ({suffix.strip('-')})"
    out["service"] = meta
    if overlay.get("model"):
        if not isinstance(out.get("model"), dict):
            raise InputError(Problem("the service has no 'model:' block to switch to the "
                                     "measured energy model", file=where, field="model"))
        out["model"] = {**out["model"], **{k: dict(v) if isinstance(v, dict) else v
                                           for k, v in overlay["model"].items()}}
    params = [dict(p) for p in out.get("parameters") or []]
    index = {p.get("name"): i for i, p in enumerate(params)}
    for p in overlay.get("parameters", []):
        if p["name"] in index:
            params[index[p["name"]]] = dict(p)
        else:
            index[p["name"]] = len(params)
            params.append(dict(p))
    out["parameters"] = params
    sources = [dict(s) for s in out.get("sources") or []]
    ids = {s.get("id"): i for i, s in enumerate(sources)}
    for s in overlay.get("sources", []):
        if s["id"] in ids:
            sources[ids[s["id"]]] = dict(s)
        else:
            ids[s["id"]] = len(sources)
            sources.append(dict(s))
    if sources:
        out["sources"] = sources
    if overlay.get("description"):
        out["description"] = ((out.get("description") or "").rstrip() + "\n"
                              + overlay["description"]).strip()
    return out


def apply(service_text: str, overlay: dict | str, where: str = "overlay") -> str:
    """The service file text ``service_text`` with ``overlay`` (parsed, or YAML text) laid
    over it, as YAML text; the leading comment block of the service file is kept."""
    if isinstance(overlay, str):
        overlay = yaml.safe_load(overlay)
    data = apply_data(yaml.safe_load(service_text), overlay, where)
    header = []
    for line in service_text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    return ("\n".join(header) + "\n" if header else "") + dump(data)


def dump(data: dict) -> str:
    """YAML text of a service file or an overlay: keys in their order, parameters one a line."""
    class _Dumper(yaml.SafeDumper):
        pass

    class _Top(dict):
        pass

    def flow_mapping(dumper, value):  # a parameter or a small block on one line
        flow = "citation" not in value and all(
            not isinstance(v, (dict, list)) or k == "uncertainty" for k, v in value.items())
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)

    def block(dumper, value):
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)

    def text(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(dict, flow_mapping)
    _Dumper.add_representer(str, text)
    _Dumper.add_representer(_Top, block)
    return yaml.dump(_Top(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
