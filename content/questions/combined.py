"""What a deployment combines the campaign with: "要坚持与中央巡视整改、…、生态环保督察整改等相结合".

The Notice ties rectification to the Party's other rectification work, and that list is a requirement worth
remembering — but its items are long, unlike each other in length and quoted in parts ("“十五五”规划编制
实施"), so the inline-list reader (``enumerations``: items of one length band, no quotation marks) does not
take it.  This reader takes exactly the lists a "与/同 … 等相结合 / 结合起来" frame closes, from central and own
passages, and gives their items as list slots: each item is then asked as a blank of its own clause by
``cloze`` (a 填空 — its siblings stay in the stem, so the blank is told by the list, not by the form of
options).  The items' role "相结合" keeps them out of other lists' wrong options.

Since examiner round 9 (cause 2) such a blank is refused (``series``): the 等 before a verb leaves the list
open, and the sentence's claim is the combining, not any one item — "（“十五五”规划编制实施）" asked a sample.
The slots stay, for the role they give the items in the pools of wrong options.
"""

from __future__ import annotations

import re

from content.questions.importance import OWN
from content.questions.slots import Evidence, Slot

_COMBINED = re.compile(r"(?:与|同)(?P<run>[^，。；：]{6,120}?)等(?:相结合|结合起来|紧密结合)")
ROLE = "相结合"
MIN_ITEMS = 3


def combined_slots(ev: Evidence) -> list[Slot]:
    """The items of a "与A、B、C等相结合" list in a central or own sentence, each a list slot."""
    if ev.tier > OWN:
        return []
    out: list[Slot] = []
    for m in _COMBINED.finditer(ev.text):
        items = m.group("run").split("、")
        if len(items) < MIN_ITEMS or any(not 4 <= len(i) <= 24 for i in items):
            continue
        family = frozenset(items)
        pos = m.start("run")
        for item in items:
            # a quoted opening ("“十五五”规划编制实施") is blanked whole, its quotes with it
            out.append(Slot("item", item, pos, ev, family=family, role=ROLE))
            pos += len(item) + 1
    return out
