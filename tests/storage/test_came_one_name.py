"""``CAME`` names one thing (review R7): the statuses that count as having come (``storage.models.CAME``).
The SQL clause built from it is ``storage.stats.CAME_CLAUSE``; a module importing both can no longer get
whichever import came last."""

from __future__ import annotations

import importlib
import pkgutil

import storage
from storage.models import CAME


def test_every_module_that_has_came_means_the_statuses() -> None:
    for info in pkgutil.walk_packages(storage.__path__, "storage."):
        module = importlib.import_module(info.name)
        if hasattr(module, "CAME"):
            assert module.CAME is CAME, info.name


def test_the_clause_reads_the_same_statuses() -> None:
    from storage.stats import CAME_CLAUSE

    compiled = str(CAME_CLAUSE.compile(compile_kwargs={"literal_binds": True}))
    assert all(f"'{status}'" in compiled for status in CAME), compiled
