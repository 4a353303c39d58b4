"""``zhibu run`` with one extra feature, for the kill -9 test and the delivery benchmark.

No feature enqueues deliveries yet, so this starts the real command line (``python -m
tests.scheduler.run_with_kind run``) with the wiring's feature list plus one that brings a reminder-like kind,
``"drill"``: its renderer reads nothing but the row, and its policy resends uncertain rows, as a
meeting reminder's does.  Everything else — config, migrations, polling, the tick, the background
sender, the limiter — is the product's own.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlmodel import Session

from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from storage.models import Delivery

KIND = "drill"


def render(_session: Session, row: Delivery) -> Outgoing:
    return Outgoing(text=f"演练 {row.dedup_key}")


DRILL = DeliveryKind(KIND, render=render, policy=KindPolicy(resend_uncertain=True))


def main() -> int:
    from bot import app as wiring
    from bot import cli
    from bot.feature import Feature

    drill = Feature(name="drill", deliveries=lambda _svc: [DRILL])
    build = wiring.build_application

    def with_drill(*args: Any, **kwargs: Any) -> Any:
        return build(*args, features=(*wiring.FEATURES, drill), **kwargs)

    wiring.build_application = with_drill  # type: ignore[assignment]
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
