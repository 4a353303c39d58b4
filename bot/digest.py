"""The weekly digest to secretaries and the nudges it lets them send — both through the outbox.

::

    tick ─▶ due_digests: once the branch's digest time of the week has passed (config: stats.digest_weekday,
            stats.digest_time, branch timezone), one row per secretary, key digest:<branch>:<week>:<member>
    send ─▶ render_digest: last week's figures and the early warnings, in the secretary's language *now*,
            with a button "nudge those who have not studied or answered"
    tap  ─▶ queue_nudges: one row per member the digest lists (not the presser, nor one marked 新加入 —
            joined during that week), key nudge:<member>:<week> —
            at most once a member a week, however often the button is pressed (or by how many secretaries)
    send ─▶ render_nudge: a reminder of what the digest found missing (study, answers or both), in the
            member's language; nothing if they have done it since, or left the branch

Nothing is rendered ahead of time: a secretary who switched to English gets the digest in English, and a
member who studied between the tap and the send is not nudged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.config import Settings
from bot.stats_view import Period, render_branch
from bot.texts import Catalog, Safe
from scheduler import outbox
from scheduler.kinds import DeliveryKind, KindPolicy, Outgoing
from scheduler.tick import Producer
from storage import member_figures
from storage import members as member_store
from storage import stats as stats_store
from storage.models import Branch, Delivery, Member, MemberStatus, Role
from storage.scope import Scope
from storage.stats import Window

DIGEST, NUDGE = "digest", "nudge"
SYSTEM = Scope.everything()  # renderers run for the scheduler; each checks its recipient itself
CB_FEATURE = "st"
DIGEST_USEFUL = timedelta(days=2)  # after that, last week's digest is old news


def week_key(local: datetime) -> str:
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due_at(settings: Settings, now: datetime) -> datetime:
    """This week's digest instant (UTC) in the branch timezone."""
    tz = settings.tz
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    when = settings.stats.digest_time
    day = monday + timedelta(days=settings.stats.digest_weekday)
    return day.replace(hour=when.hour, minute=when.minute)


def last_week(settings: Settings, due: datetime) -> Period:
    """The seven days before the digest's own week began (Monday to Sunday, local)."""
    local = due.astimezone(settings.tz)
    end = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=7)
    return Period("week", Window(start, end), start, end)


def due_digests(*, session: Session, now: datetime, settings: Settings) -> int:
    """Queue this week's digest for every secretary once its time has come (idempotent by key)."""
    if not settings.stats.digest:
        return 0
    due = digest_due_at(settings, now)
    if not due <= now < due + DIGEST_USEFUL:  # a bot started on Friday does not send Monday's digest
        return 0
    week = week_key(due.astimezone(settings.tz))
    added = 0
    for branch in member_store.list_branches(session=session):
        assert branch.id is not None
        for secretary in member_store.secretaries_of(session=session, branch_id=branch.id):
            assert secretary.id is not None
            added += outbox.enqueue(
                session=session, branch_id=branch.id, kind=DIGEST,
                dedup_key=f"digest:{branch.id}:{week}:{secretary.id}",
                chat_id=secretary.chat_id or secretary.tg_user_id, due_at=due, now=now, member_id=secretary.id,
                subject_id=branch.id, expires_at=due + DIGEST_USEFUL, payload={"week": week},
            )
    return added


def _recipient(session: Session, row: Delivery, role: Role | None = None) -> Member | None:
    member = session.get(Member, row.member_id) if row.member_id is not None else None
    if member is None or member.status != MemberStatus.ACTIVE or member.branch_id != row.branch_id:
        return None
    if role is not None and not member_store.is_at_least(member, role):
        return None
    return member


def render_digest(session: Session, row: Delivery, *, settings: Settings, texts: Catalog) -> Outgoing | None:
    """Last week's screen for a secretary who is still one; ``None`` (expire) otherwise."""
    member = _recipient(session, row, Role.SECRETARY)
    branch = session.get(Branch, row.branch_id)
    if member is None or branch is None or branch.id is None or not branch.active:
        return None
    period = last_week(settings, row.due_at)
    if not stats_store.members_joined_before(session, branch.id, period.window.end):
        return None  # a branch whose members all joined since: last week there was nothing to report on
    figures = stats_store.branch_stats(session=session, scope=SYSTEM, branch_id=branch.id, window=period.window,
                                       now=row.due_at)
    months = settings.schedule.inactivity_months
    warnings = member_figures.attendance_warnings(session=session, scope=SYSTEM, branch_id=branch.id,
                                               since=row.due_at - timedelta(days=30 * months),
                                               now=row.due_at)
    lang = texts.lang(member.language)
    body = render_branch(texts, lang, figures, period, warnings, settings.tz, months)
    behind = len(behind_members(session, figures, sender=member.id))  # the count the toast will confirm
    parts = [texts.t("digest.header", lang), body]
    if behind and any(m.new for m in (*figures.not_studied, *figures.not_answered)):
        parts.append(texts.t("digest.newcomers_not_nudged", lang))  # why the button counts fewer than listed
    text = Safe("\n".join(parts))
    markup = None
    if behind:
        data = CallbackData(CB_FEATURE, "nudge", (str(branch.id), row.payload.get("week", ""))).encode()
        label = texts.plain(nudge_button_key(figures, behind, sender=member.id), lang, count=behind)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    return Outgoing(text=text, markup=markup)


def digest_week(settings: Settings, week: str, now: datetime) -> Period:
    """The week a digest keyed ``week`` (e.g. "2026-W13") reports on: the one before it. A malformed key
    (forged button) falls back to the week before ``now``."""
    try:
        year, number = week.split("-W")
        monday = datetime.fromisocalendar(int(year), int(number), 1).replace(tzinfo=settings.tz)
    except ValueError:
        return last_week(settings, now)
    return last_week(settings, monday)


def nudge_button_key(figures: stats_store.BranchStats, behind: int, *, sender: int | None) -> str:
    """The button's words: its count leaves out the reading secretary and those the bot cannot message, so
    when the digest lists more people than it nudges, the label says who is left out — a secretary who
    reads "尚未答题（4）" and then "3 人" must not wonder who was lost."""
    listed = {m.id for m in (*figures.not_studied, *figures.not_answered) if not m.new}  # newcomers: never nudged
    but_you = sender in listed
    unreachable = len(listed) - behind - (1 if but_you else 0) > 0
    return "digest.nudge_button" + ("_reachable" if unreachable else "") + ("_but_you" if but_you else "")


def behind_members(session: Session, figures: stats_store.BranchStats, *, sender: int | None) -> dict[int, str]:
    """Who the button nudges, each with what the digest lists them for ("study", "answer" or "both"): the
    digest's own lists, less the unreachable, the secretary pressing it and those marked 新加入 (joined during
    the week: "上周没有看到您的学习或答题记录" two days after joining reads as a reproach, trial T13) — so the
    button's count, the toast's count and each nudge's wording all agree with the digest."""
    not_studied = {m.id for m in figures.not_studied if not m.new}
    not_answered = {m.id for m in figures.not_answered if not m.new}
    # "you answered, but …" is only true when there was a quiz the member answered (likewise for study): in
    # a week that offered only one of them, the nudge names only what is missing ("…_only")
    answered_any, studied_any = figures.answers > 0, figures.read > 0
    behind: dict[int, str] = {}
    for member_id in sorted(not_studied | not_answered):
        member = session.get(Member, member_id)
        if member is None or not member.reachable or member_id == sender:
            continue
        if member_id in not_studied and member_id in not_answered:
            behind[member_id] = "both"
        elif member_id in not_studied:
            behind[member_id] = "study" if answered_any else "study_only"
        else:
            behind[member_id] = "answer" if studied_any else "answer_only"
    return behind


def queue_nudges(*, session: Session, scope: Scope, branch_id: int, now: datetime, settings: Settings,
                 week: str = "", sender: int | None = None) -> tuple[int, int]:
    """One nudge per member the digest of ``week`` lists as not having studied or answered — but not to
    ``sender``, the secretary who pressed the button: nobody nudges themselves. Returns (queued now,
    members to nudge at all): none to nudge is not "all nudged already"."""
    period = digest_week(settings, week, now)
    figures = stats_store.branch_stats(session=session, scope=scope, branch_id=branch_id, window=period.window,
                                       now=now, weak_limit=0)
    this_week = week_key(now.astimezone(settings.tz))
    added = wanted = 0
    for member_id, missing in behind_members(session, figures, sender=sender).items():
        member = session.get(Member, member_id)
        assert member is not None  # behind_members only returns members it found
        wanted += 1
        added += outbox.enqueue(
            session=session, branch_id=branch_id, kind=NUDGE, dedup_key=f"nudge:{member_id}:{this_week}",
            chat_id=member.chat_id or member.tg_user_id, due_at=now, now=now, member_id=member_id,
            expires_at=now + timedelta(days=2),
            payload={"missing": missing, "since": period.window.end.isoformat()},
        )
    return added, wanted


NUDGE_TEXT = {"both": "digest.nudge", "study": "digest.nudge_study", "answer": "digest.nudge_answer",
              "study_only": "digest.nudge_study_only", "answer_only": "digest.nudge_answer_only"}


def render_nudge(session: Session, row: Delivery, *, texts: Catalog) -> Outgoing | None:
    """The reminder for what the digest found missing; nothing once the member has done it since that week."""
    member = _recipient(session, row)
    if member is None or member.id is None:
        return None
    missing = row.payload.get("missing", "both")
    since = row.payload.get("since")
    start = datetime.fromisoformat(since) if since else row.created_at - timedelta(days=7)
    window = Window(start, row.created_at + timedelta(days=8))
    figures = member_figures.member_stats(session=session, scope=SYSTEM, branch_id=row.branch_id, member_id=member.id,
                                       window=window, now=row.created_at)
    studied = figures is not None and figures.study_days > 0
    answered = figures is not None and figures.answers > 0
    if (studied or missing.startswith("answer")) and (answered or missing.startswith("study")):
        return None  # caught up since the week the digest reported on
    key = NUDGE_TEXT.get(missing, "digest.nudge")
    return Outgoing(text=texts.t(key, texts.lang(member.language), name=member.name))


def delivery_kinds(settings: Settings, texts: Catalog) -> list[DeliveryKind]:
    def digest(session: Session, row: Delivery) -> Outgoing | None:
        return render_digest(session, row, settings=settings, texts=texts)

    def nudge(session: Session, row: Delivery) -> Outgoing | None:
        return render_nudge(session, row, texts=texts)

    # a digest or a nudge twice is worse than once late or not at all: uncertain rows are not resent
    return [DeliveryKind(DIGEST, digest, KindPolicy(resend_uncertain=False)),
            DeliveryKind(NUDGE, nudge, KindPolicy(resend_uncertain=False))]


def producer(settings: Settings) -> Producer:
    def due(*, session: Session, now: datetime) -> int:
        return due_digests(session=session, now=now, settings=settings)

    due.__name__ = "due_digests"
    return due

