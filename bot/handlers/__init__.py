"""One module per feature; each exposes ``COMMANDS`` (its rows of the command table) and ``handlers()``,
and optionally ``async on_startup(app, services)`` (run once in ``post_init``, in this order).

``FEATURES`` is the order commands appear in ``/help`` and the order the wiring registers them.
"""

from __future__ import annotations

from types import ModuleType

from bot.handlers import bank, help, materials, members, presence, registration, review

FEATURES: tuple[ModuleType, ...] = (registration, help, members, review, bank, materials, presence)
