"""Start-up: bring the store in line with the config before the first update is handled.

Runs migrations, creates or updates the configured branches, inserts the configured meetings (seeds: a
meeting a secretary edited, moved or cancelled in chat is never overwritten), and promotes configured
secretaries.  It is idempotent, so every start (and every process of a multi-process deployment) runs
it safely; it is plain synchronous code so ``zhibu db upgrade`` and tests call it without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import MeetingSettings, Settings
from storage import meeting_series
from storage import meetings as meeting_store
from storage import members as member_store
from storage import registration as registration_store
from storage.db import Database
from storage.meetings import MeetingSpec
from storage.migrate import startup_lock, upgrade
from storage.models import Audience


@dataclass(frozen=True)
class BootstrapResult:
    secretary_ids: dict[int, list[int]]  # branch id -> configured Telegram ids
    branch_ids: dict[str, int]  # branch key -> id


def bootstrap(settings: Settings, db: Database, now: datetime) -> BootstrapResult:
    with startup_lock(db):
        upgrade(db, lock=False)
        return _sync_config(settings, db, now)


def _sync_config(settings: Settings, db: Database, now: datetime) -> BootstrapResult:
    secretary_ids: dict[int, list[int]] = {}
    branch_ids: dict[str, int] = {}
    with db.session() as session:
        for spec in settings.branches:
            branch = member_store.ensure_branch(session=session, key=spec.key, name=spec.name,
                                                invite_code=spec.invite_code, group_chat_id=spec.group_chat_id,
                                                now=now)
            assert branch.id is not None
            branch_ids[spec.key] = branch.id
            secretary_ids[branch.id] = list(spec.secretaries)
            registration_store.promote_configured(session=session, branch_id=branch.id,
                                                  tg_user_ids=list(spec.secretaries), now=now)
        member_store.retire_branches(session=session, keep_keys=list(branch_ids))
        for meeting in settings.meetings:  # seeds: inserted once; the chat owns them once it changed them
            branch_id, key = branch_ids[meeting.branch], settings.meeting_key(meeting)
            seed = meeting_spec(settings, meeting)
            if meeting.repeat == "monthly":
                meeting_series.seed_series(session=session, branch_id=branch_id, key=key, spec=seed, tz=settings.tz,
                                          now=now)
            else:
                meeting_store.seed_meeting(session=session, branch_id=branch_id, key=key, spec=seed, now=now)
    return BootstrapResult(secretary_ids=secretary_ids, branch_ids=branch_ids)


def meeting_spec(settings: Settings, meeting: MeetingSettings) -> MeetingSpec:
    group = meeting.attendees.removeprefix("group:") if meeting.attendees.startswith("group:") else None
    audience = Audience.GROUP if group else Audience(meeting.attendees)
    return MeetingSpec(kind=meeting.kind, topic=meeting.topic, starts_at=settings.meeting_start_utc(meeting),
                       duration_minutes=meeting.duration_minutes, place=meeting.place, host=meeting.host,
                       recorder=meeting.recorder, agenda=meeting.agenda, audience=audience, audience_group=group,
                       materials=tuple(meeting.materials))
