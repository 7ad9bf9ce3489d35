"""Prospective view (issue 7): SSP pathways, ICT and AI shares of world CO2, the carbon
budget, efficiency gains and rebound, and services assessed in a future year.

- :mod:`~lca.prospective.scenarios`: the sourced tables of ``inventories/scenarios/``
  (world CO2 per SSP, AR6 budgets and warming, the grid-intensity proxy);
- :mod:`~lca.prospective.trajectories`: yearly ICT / AI trajectories (:func:`run`);
- :mod:`~lca.prospective.service`: a service's records rewritten for a year and scenario
  (what ``assess --year --scenario`` applies);
- :mod:`~lca.prospective.figures`: the talk's two-axis chart and the budget chart.

Pure: no Brightway here; :mod:`lca.api` wires it to ``assess`` and passes in the
present grid intensities the project solves (:func:`lca.bw.grids.grid_kg_per_kwh`).
"""

from lca.prospective.scenarios import SCENARIOS, load_scenarios, scenario_name
from lca.prospective.trajectories import AISlice, Outlook, run

__all__ = ["SCENARIOS", "AISlice", "Outlook", "load_scenarios", "run", "scenario_name"]
