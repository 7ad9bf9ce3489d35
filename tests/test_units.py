"""Units are converted through pint, or refused; counting units never mix."""

import pytest

from lca.errors import UnitError
from lca.units import canonical, conversion_factor


@pytest.mark.parametrize("src, dst, factor", [
    ("Wh", "kilowatt hour", 1e-3), ("MWh", "kWh", 1e3), ("L", "cubic meter", 1e-3),
    ("m3", "cubic meter", 1.0), ("gram", "kilogram", 1e-3), ("t*km", "ton kilometer", 1.0),
    ("kg*km", "ton kilometer", 1e-3), ("MJ", "kWh", 1 / 3.6), ("year", "hour", 8765.82),
    ("kg CO2-Eq", "kilogram CO2-Eq", 1.0),
])
def test_conversion_factors(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor, rel=1e-4)


@pytest.mark.parametrize("src, dst", [("kg", "kWh"), ("request", "image"), ("unit", "kg"),
                                      ("kg CO2-Eq", "kg")])
def test_incompatible_units_are_refused(src, dst):
    with pytest.raises(UnitError) as err:
        conversion_factor(src, dst)
    assert f"unit '{src}' cannot be converted to '{dst}'" in str(err.value)


def test_canonical_names_are_brightway_spellings():
    assert canonical("kWh") == "kilowatt hour"
    assert canonical("m3") == "cubic meter"
    assert canonical("tkm") == "ton kilometer"
    with pytest.raises(UnitError, match="'flurbs' is not a known unit"):
        canonical("flurbs")
