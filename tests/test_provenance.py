"""Every exchange and parameter written by genai-lca resolves to a source, and every
exchange's unit is the unit of what it links to."""

import pytest

OURS = ("genai-biosphere-ext", "genai-background", "genai-electricity", "genai-hardware",
        "genai-datacenter", "genai-service-chat-70b-h100-activities")


@pytest.fixture(scope="module")
def sources():
    from lca.data.files import inventory_root
    from lca.data.sources import load_sources

    return load_sources(inventory_root() / "SOURCES")


def test_every_exchange_has_a_known_source_and_a_consistent_unit(project, sources):
    import bw2data as bd
    from lca.api import assess
    from conftest import SERVICE

    assess(SERVICE, data_dir=project)
    checked = 0
    for name in (n for n in OURS if n in bd.databases):
        for act in bd.Database(name):
            for exc in act.exchanges():
                if exc["type"] == "production":
                    continue
                assert exc.get("source") in sources, (act.key, exc.input.key)
                assert exc["unit"] == exc.input["unit"], (act.key, exc.input.key)
                checked += 1
    assert checked > 1000


def test_every_parameter_has_a_known_source(project, sources):
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    params = list(DatabaseParameter.select()) + list(ActivityParameter.select())
    # bw2data adds a placeholder "__dummy_<uuid>__" parameter to groups without parameters
    params = [p for p in params if not p.name.startswith("__dummy_")]
    assert len(params) > 20
    from lca.bw.writer import local_sources

    known = {**sources, **local_sources()}  # a file's own `sources:` (issue 15) count too
    for p in params:
        assert p.data.get("source") in known, p.name


def test_every_source_is_complete(sources):
    for s in sources.values():
        assert s.citation and s.licence and 1900 < s.year <= 2026
