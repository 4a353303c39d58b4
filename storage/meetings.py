"""Meetings (三会一课, 主题党日): the rows reminders, RSVPs, attendance and the ledger hang off."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import Meeting


def upsert_meeting(
    *,
    session: Session,
    branch_id: int,
    key: str,
    kind: str,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    host: str | None,
    recorder: str | None,
    materials: list[str],
    now: datetime,
) -> Meeting:
    """Create or update a meeting by its stable key, so re-reading the config never duplicates it."""
    meeting = session.exec(select(Meeting).where(Meeting.branch_id == branch_id, Meeting.key == key)).first()
    if meeting is None:
        meeting = Meeting(branch_id=branch_id, key=key, kind=kind, topic=topic, starts_at=starts_at,
                          ends_at=ends_at, place=place, created_at=now)
    meeting.kind, meeting.topic, meeting.place = kind, topic, place
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.host, meeting.recorder, meeting.materials = host, recorder, list(materials)
    session.add(meeting)
    session.flush()
    return meeting

