"""What a new meeting must name correctly before it is saved: its 党小组 and its 学习材料.

A 党小组会 for a group nobody set up (or whose members all left) would reach no one — refused, naming the
groups that exist.  A meeting's 材料 is what its 补学 reads, looked up by title (``storage.meetings.
study_units``); a title that matches nothing would leave the 补学 empty, so each one is resolved here to a
material's full title: the exact title, or the one title containing what was typed; otherwise refused with
the titles there are.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from storage.errors import InvalidState
from storage.models import Audience, Member, MemberStatus, PartyGroup, StudyUnit

if TYPE_CHECKING:  # storage.meetings calls this module when a meeting is created
    from storage.meetings import MeetingSpec

LISTED = 8  # titles named in a refusal; more would bury the message


def party_groups(*, session: Session, branch_id: int) -> list[str]:
    """The branch's 党小组 that have at least one active member, by name."""
    rows = session.exec(select(PartyGroup.name).join(Member, col(Member.id) == PartyGroup.member_id).where(
        PartyGroup.branch_id == branch_id, Member.status == MemberStatus.ACTIVE)).all()
    return sorted(set(rows))


def material_titles(*, session: Session, branch_id: int) -> list[str]:
    """The titles of the branch's active study materials, in reading order, each once."""
    rows = session.exec(select(StudyUnit.title).where(
        StudyUnit.branch_id == branch_id, col(StudyUnit.active).is_(True)).order_by(col(StudyUnit.position))).all()
    return list(dict.fromkeys(rows))


def resolve_material(typed: str, titles: list[str]) -> str:
    """The full title ``typed`` names: itself when exact, else the single title containing it; otherwise
    ``InvalidState`` saying what was not found (or was ambiguous) and which titles there are."""
    wanted = typed.strip()
    if wanted in titles:
        return wanted
    folded = wanted.casefold()
    hits = [t for t in titles if folded and folded in t.casefold()]
    if len(hits) == 1:
        return hits[0]
    shown = hits if hits else titles
    listing = "\n".join(f"· {t}" for t in shown[:LISTED]) + ("\n…" if len(shown) > LISTED else "")
    if hits:
        raise InvalidState("material_ambiguous", title=wanted, titles=listing)
    if not titles:
        raise InvalidState("material_none", title=wanted)
    raise InvalidState("material_unknown", title=wanted, titles=listing)


def checked_spec(*, session: Session, branch_id: int, spec: MeetingSpec) -> MeetingSpec:
    """``spec`` with its materials as full titles, after checking its party group exists (see the module)."""
    group = spec.audience_group
    if spec.audience == Audience.GROUP:
        groups = party_groups(session=session, branch_id=branch_id)
        if group not in groups:
            if groups:
                raise InvalidState("party_group_unknown", name=group or "", groups=list(groups))
            raise InvalidState("party_group_none", name=group or "")
    if not spec.materials:
        return spec
    titles = material_titles(session=session, branch_id=branch_id)
    resolved = tuple(dict.fromkeys(resolve_material(m, titles) for m in spec.materials))
    return dataclasses.replace(spec, materials=resolved)
