"""The demo programme behind ``miaf demo``: a deterministic, seeded generator shaped like the seed article's
MIAF-D experience in Chiapas (see docs/demo.md).

``generate``, ``places`` and ``ledger`` are plain numpy/shapely (no Django); ``load`` writes the records and
``headlines`` recomputes the seed's figures from them.
"""

from __future__ import annotations

from miaf.web.demo.summary import DEMO_PASSWORD, DEMO_USERS, DemoSummary

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoSummary", "load_demo"]


def load_demo(families: int | None = None, seed: int = 2011, reset: bool = False,
              only_if_empty: bool = False) -> DemoSummary:  # fmt: skip
    """Load the demo programme; see :func:`miaf.web.demo.load.load_demo`."""
    from miaf.web.demo.load import load_demo as _load

    return _load(families=families, seed=seed, reset=reset, only_if_empty=only_if_empty)
