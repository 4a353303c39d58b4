"""Secretaries' figures by command: ``/stats``, ``/chart``, ``/export``; the committee's ``/committee``.

::

    /stats [week|month|YYYY-MM|all]      the branch on one screen (members, study, quizzes, meetings,
                                         who has not studied or answered, what to re-teach, warnings)
    /stats <member id> [period]          one member
    /chart [period]                      a PNG of the weekly rates
    /export [period]                     the ledger workbook (.xlsx); a committee admin: the committee's
                                         workbook over their branches (``/export <branch key> [period]``: one)
    /committee [period]                  committee admins: every branch side by side

Everything here is secretarial: it is answered in private chat only (the guard sends a pointer from a
group).  Figures come from ``storage.stats`` as frozen read models; the handlers only parse, call and
render.  The period defaults to this month.
"""

from __future__ import annotations

import io
from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import digest
from bot.callbacks import CallbackData, pattern
from bot.charts import branch_chart
from bot.commands import Command, UsageError, args_of, guarded_callback, member_arg
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.ledger import write_committee, write_ledger
from bot.meeting_view import window_of
from bot.stats_view import (
    Period,
    is_period,
    parse_period,
    period_label,
    period_stamp,
    render_branch,
    render_committee,
    render_member,
)
from bot.words import file_word
from storage import member_figures
from storage import members as member_store
from storage import stats as stats_store
from storage.committee import committee_table
from storage.errors import DomainError, NotFound
from storage.models import Branch, Role


class NoBranchChosen(DomainError):
    """A committee admin has not chosen a branch to act on yet (``/branch``)."""

    code = "stats_no_branch"


def _period(svc: Services, word: str | None) -> Period:
    period = parse_period(word, svc.clock.now(), svc.settings.tz)
    if period is None:
        raise UsageError()
    return period


def _branch_id(caller: Caller) -> int:
    """The branch a one-branch command acts on: a secretary's own, or the one an admin chose (/branch)."""
    branch_id = caller.scope.acting_branch_id
    if branch_id is None:
        raise NoBranchChosen()
    return branch_id


async def show_stats(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/stats [period]`` or ``/stats <member id> [period]``."""
    svc = services(context)
    args = args_of(context)
    if len(args) > 2:
        raise UsageError()
    branch_id = _branch_id(caller)
    member_id: int | None = None
    if args and not is_period(args[0]):
        try:
            member_id = await member_arg(svc, branch_id, args[0])
        except NotFound as exc:  # "3月": not a name either — say which periods work, not only how to name a member
            if exc.code != "member_name_not_found":
                raise
            await reply(update, svc.texts.t("stats.neither_member_nor_period", caller.lang, name=args[0]))
            return
        args = args[1:]
    period = _period(svc, args[0] if args else None)
    now = svc.clock.now()
    tz = svc.settings.tz
    if member_id is not None:
        found = await svc.db.run(member_figures.member_stats, scope=caller.scope, branch_id=branch_id,
                                 member_id=member_id,
                                 window=period.window, now=now, tz=tz,
                                 checkin_after=window_of(svc.settings).after)
        if found is None:
            await reply(update, svc.texts.t("stats.no_member", caller.lang, id=member_id))
            return
        await reply(update, render_member(svc.texts, caller.lang, found, period, tz))
        return
    figures = await svc.db.run(stats_store.branch_stats, scope=caller.scope, branch_id=branch_id,
                               window=period.window, now=now)
    months = svc.settings.schedule.inactivity_months
    warnings = await svc.db.run(member_figures.attendance_warnings, scope=caller.scope, branch_id=branch_id,
                                since=now - timedelta(days=30 * months), now=now)
    await reply(update, render_branch(svc.texts, caller.lang, figures, period, warnings, tz, months))


async def _period_and_branch(context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> tuple[Period, Branch]:
    """``[period]`` of a one-branch command, and the branch it acts on."""
    svc = services(context)
    args = args_of(context)
    if len(args) > 1:
        raise UsageError()
    period = _period(svc, args[0] if args else None)
    return period, await svc.db.run(member_store.get_branch, branch_id=_branch_id(caller))


async def send_chart(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/chart [period]`` — weekly study completion, quiz accuracy and attendance as a picture."""
    svc = services(context)
    period, branch = await _period_and_branch(context, caller)
    lang = caller.lang
    png = await svc.db.run(branch_chart, scope=caller.scope, branch_id=branch.id, branch_name=branch.name,
                           period=period, now=svc.clock.now(), tz=svc.settings.tz, texts=svc.texts, lang=lang)
    message = update.effective_message
    assert message is not None
    # named, so a saved or forwarded chart is a .png (bytes alone upload as "application.octet-stream"), by
    # its period as the workbook is: a week's and a month's chart drawn the same day must not share a name
    name = svc.texts.plain("stats.chart_file", lang, branch=file_word(branch.name),
                           period=period_stamp(svc.texts, lang, period))
    caption = svc.texts.t("stats.chart_caption", lang, branch=branch.name, period=period_label(svc.texts, lang, period))
    await message.reply_photo(photo=png, filename=name, caption=caption)


async def send_export(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/export [period]`` — the ledger workbook for the period.  A committee admin gets the committee's
    workbook over every branch they oversee, or one branch's with ``/export <branch key> [period]``."""
    svc = services(context)
    args = args_of(context)
    if caller.scope.is_admin:
        await _send_committee_export(update, svc, caller, args)
        return
    period, branch = await _period_and_branch(context, caller)
    await _send_branch_export(update, svc, caller, period, branch)


async def _send_branch_export(update: Update, svc: Services, caller: Caller, period: Period, branch: Branch) -> None:
    buffer = io.BytesIO()
    counts = await svc.db.run(write_ledger, scope=caller.scope, branch_id=branch.id, window=period.window,
                              now=svc.clock.now(), tz=svc.settings.tz, texts=svc.texts, lang=caller.lang, out=buffer)
    name = svc.texts.plain("stats.export_file", caller.lang, branch=file_word(branch.name),
                           period=period_stamp(svc.texts, caller.lang, period))
    caption = svc.texts.t("stats.export_caption", caller.lang, branch=branch.name,
                          period=period_label(svc.texts, caller.lang, period), meetings=counts["meetings"],
                          answers=counts["answers"])
    message = update.effective_message
    assert message is not None
    await message.reply_document(document=buffer.getvalue(), filename=name, caption=caption)


async def _send_committee_export(update: Update, svc: Services, caller: Caller, args: list[str]) -> None:
    """``/export [period]`` or ``/export <branch key> [period]`` from a committee admin."""
    branches = await svc.db.run(member_store.branches_in, scope=caller.scope)
    key = args[0] if args and not is_period(args[0]) else None
    rest = args[1:] if key is not None else args
    if len(rest) > 1:
        raise UsageError()
    period = _period(svc, rest[0] if rest else None)
    if key is not None:
        chosen = next((b for b in branches if b.key == key), None)
        if chosen is None:
            raise UsageError()
        await _send_branch_export(update, svc, caller, period, chosen)
        return
    now = svc.clock.now()
    buffer = io.BytesIO()
    counts = await svc.db.run(write_committee, scope=caller.scope, branch_ids=[b.id for b in branches if b.id],
                              window=period.window, now=now, tz=svc.settings.tz, texts=svc.texts, lang=caller.lang,
                              warn_since=now - timedelta(days=30 * svc.settings.schedule.inactivity_months),
                              out=buffer)
    name = svc.texts.plain("stats.committee_file", caller.lang, period=period_stamp(svc.texts, caller.lang, period))
    caption = svc.texts.t("stats.committee_caption", caller.lang, count=len(branches),
                          period=period_label(svc.texts, caller.lang, period), meetings=counts.get("meetings", 0))
    message = update.effective_message
    assert message is not None
    await message.reply_document(document=buffer.getvalue(), filename=name, caption=caption)


async def show_committee(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/committee [period]`` — every branch the admin oversees, side by side."""
    svc = services(context)
    args = args_of(context)
    if len(args) > 1:
        raise UsageError()
    period = _period(svc, args[0] if args else None)
    now = svc.clock.now()
    since = now - timedelta(days=30 * svc.settings.schedule.inactivity_months)
    branches = await svc.db.run(member_store.branches_in, scope=caller.scope)
    ids = [b.id for b in branches if b.id is not None]
    lines = await svc.db.run(committee_table, scope=caller.scope, branch_ids=ids, window=period.window, now=now)
    rows = []
    for line in lines:
        warned = await svc.db.run(member_figures.attendance_warnings, scope=caller.scope, branch_id=line.branch_id,
                                  since=since, now=now)
        rows.append((line, len(warned)))
    await reply(update, render_committee(svc.texts, caller.lang, rows, period))


async def nudge_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                       data: CallbackData) -> str:
    """The digest's button: queue a nudge for members behind this week (each at most once a week)."""
    svc = services(context)
    branch_id = data.int_arg(0)
    if branch_id != _branch_id(caller):  # a digest forwarded to, or forged by, another branch's secretary
        return svc.texts.plain("button.expired", caller.lang)
    week = data.args[1] if len(data.args) > 1 else ""  # the digest's week: nudge whom that digest listed
    added, wanted = await svc.db.run(digest.queue_nudges, scope=caller.scope, branch_id=branch_id,
                                     now=svc.clock.now(), settings=svc.settings, week=week,
                                     sender=caller.member.id if caller.member else None)
    key = "digest.nudged" if added else "digest.nudged_none" if wanted else "digest.nudge_nobody"
    return svc.texts.plain(key, caller.lang, count=added)


FEATURE = Feature(
    name="stats",
    commands=(
        Command("stats", Role.SECRETARY, show_stats, "secretary"),
        Command("chart", Role.SECRETARY, send_chart, "secretary"),
        Command("export", Role.SECRETARY, send_export, "secretary"),
        Command("committee", Role.ADMIN, show_committee, "secretary"),
    ),
    handlers=lambda: [CallbackQueryHandler(guarded_callback(Role.SECRETARY, nudge_button),
                                           pattern=pattern(digest.CB_FEATURE))],
    producers=lambda svc: [digest.producer(svc.settings)],
    deliveries=lambda svc: digest.delivery_kinds(svc.settings, svc.texts),
)
