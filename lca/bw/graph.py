"""The stage graph of a service as a :class:`networkx.DiGraph`.

Nodes are the service's foreground activities (attributes: ``name``, ``stage``,
``substage``, ``unit``, ``kind='foreground'``) and the background activities they link to
(``kind='background'``, with ``database``); edges run from supplier to consumer with the
exchange ``amount``, ``unit`` and ``formula``. Node ids are ``"database/code"`` strings so
the graph writes to GraphML as it is.
"""

from __future__ import annotations

import networkx as nx

from lca.data.names import stage_of


def service_graph(database: str) -> nx.DiGraph:
    """The stage graph of the written service database ``database``."""
    import bw2data as bd

    g = nx.DiGraph(database=database)
    for act in bd.Database(database):
        node = _node(act.key)
        g.add_node(node, name=act["name"], stage=stage_of(act.get("stage")),
                   substage=act.get("substage") or "", unit=act["unit"], kind="foreground")
        for exc in act.technosphere():
            supplier = exc.input
            src = _node(supplier.key)
            if src not in g or g.nodes[src].get("kind") != "foreground":
                g.add_node(src, name=supplier["name"], unit=supplier["unit"],
                           kind="foreground" if supplier.key[0] == database else "background",
                           database=supplier.key[0], stage=supplier.get("stage") or "",
                           substage=supplier.get("substage") or "")
            g.add_edge(src, node, amount=float(exc["amount"]), unit=exc["unit"],
                       formula=exc.get("formula", ""))
    return g


def _node(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}"
