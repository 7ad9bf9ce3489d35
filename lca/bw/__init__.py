"""The only package that imports bw2data, bw2calc and bw2io (always lazily, inside functions).

Importing it quiets Brightway's start-up chatter (data-directory notices, optional-importer
warnings, the pypardiso hint) unless ``GENAI_LCA_DEBUG`` is set: it routes bw2data's
feedback logger through :mod:`logging` (``BRIGHTWAY_NO_STRUCTLOG``) and filters it to errors.
"""

import logging
import os
import warnings

if not os.environ.get("GENAI_LCA_DEBUG"):
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    logging.getLogger("brightway-stdout-feedback").addFilter(
        lambda record: record.levelno >= logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module="bw2calc")
