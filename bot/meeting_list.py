"""``/meetings``: the short list, and every meeting page by page.

The short list shows the soonest upcoming and the latest recent meetings (:data:`SHORT` of each); with
more than that it says how many there are and offers 📋 全部会议.  A secretary must reach every meeting —
a cancelled one whose date is still ahead sorts after every past one and would otherwise drop off the
short list (review: meetfix3) — so ``/meetings 全部`` (or ``all``) and that button list them all,
:data:`PAGE` to a page, upcoming first, with ◀ / ▶ buttons that turn the page in place::

    /meetings             ─▶ 近期会议 (6 of 8) · 最近的会议 (6 of 14) · 共 22 场 … [📋 全部会议（22）]
    /meetings 全部 [页]    ─▶ 全部会议（共 22 场，第 1/3 页） … [下一页 ▶]
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import meeting_view as view
from bot.callbacks import CallbackData, pattern
from bot.commands import UsageError, args_of, edit_own_message, guarded_callback, int_arg
from bot.context import Caller, Services, reply, services
from bot.feature import AnyHandler
from bot.texts import Safe
from bot.words import kind_word
from storage import meetings as meeting_store
from storage.models import Meeting, MeetingStatus, Role

SHORT = 6  # of each list in the short /meetings
PAGE = 10  # meetings a page of the full list
ALL_WORDS = ("全部", "all", "更多", "more")
ACTION = "lp"  # a page of the full list: mt:lp:<page>


def _line(svc: Services, lang: str, m: Meeting) -> str:
    state = svc.texts.plain("mtg.list.cancelled", lang) if m.status == MeetingStatus.CANCELLED else ""
    return svc.texts.t("mtg.list.line", lang, id=m.id, kind=kind_word(svc.texts, lang, m.kind), topic=m.topic,
                       state=state, start=view.when(svc.texts, lang, m.starts_at, svc.settings.tz))


def _head(svc: Services, lang: str, key: str, shown: int, total: int) -> str:
    head = svc.texts.t(key, lang)
    return head + (svc.texts.t("mtg.list.count", lang, shown=shown, total=total) if total > shown else "")


def short_list(svc: Services, lang: str, upcoming: list[Meeting], recent: list[Meeting]
               ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """The soonest upcoming and the latest recent meetings; with more than fit, the count and the button."""
    parts: list[str] = [_head(svc, lang, "mtg.list.upcoming", min(SHORT, len(upcoming)), len(upcoming))]
    parts += [_line(svc, lang, m) for m in upcoming[:SHORT]] or [svc.texts.t("mtg.list.none", lang)]
    if recent:
        parts.append(_head(svc, lang, "mtg.list.recent", min(SHORT, len(recent)), len(recent)))
        parts += [_line(svc, lang, m) for m in recent[:SHORT]]
    total = len(upcoming) + len(recent)
    markup = None
    if len(upcoming) > SHORT or len(recent) > SHORT:
        parts.append(svc.texts.t("mtg.list.more", lang, total=total))
        markup = InlineKeyboardMarkup([[_page_button(svc, lang, "mtg.btn.list_all", 1, total=total)]])
    parts.append(svc.texts.t("mtg.list.hint", lang))
    return Safe("\n".join(parts)), markup


def full_page(svc: Services, lang: str, upcoming: list[Meeting], recent: list[Meeting], page: int
              ) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """One page of every meeting (upcoming first, then recent, each in the short list's order); a page
    past the end (meetings removed since the button was drawn) shows the last one."""
    entries = [("mtg.list.upcoming", m) for m in upcoming] + [("mtg.list.recent", m) for m in recent]
    pages = max(1, -(-len(entries) // PAGE))
    page = min(max(page, 1), pages)
    parts: list[str] = [svc.texts.t("mtg.list.all_head", lang, total=len(entries), page=page, pages=pages)]
    section = None
    for key, meeting in entries[(page - 1) * PAGE:page * PAGE]:
        if key != section:
            parts.append(svc.texts.t(key, lang))
            section = key
        parts.append(_line(svc, lang, meeting))
    if not entries:
        parts.append(svc.texts.t("mtg.list.none", lang))
    parts.append(svc.texts.t("mtg.list.hint", lang))
    row = ([_page_button(svc, lang, "mtg.btn.prev", page - 1)] if page > 1 else []) + (
        [_page_button(svc, lang, "mtg.btn.next", page + 1)] if page < pages else [])
    return Safe("\n".join(parts)), InlineKeyboardMarkup([row]) if row else None


def _page_button(svc: Services, lang: str, key: str, page: int, **params: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(svc.texts.plain(key, lang, **params),
                                callback_data=CallbackData(view.CB, ACTION, (str(page),)).encode())


async def _lists(svc: Services, caller: Caller) -> tuple[list[Meeting], list[Meeting]]:
    return await svc.db.run(meeting_store.list_meetings, actor=caller.member, scope=caller.scope,
                            now=svc.clock.now(), limit=None)


async def list_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/meetings`` — the short list; ``/meetings 全部 [page]`` — every meeting that concerns the caller."""
    svc = services(context)
    args = args_of(context)
    if (args and args[0].lower() not in ALL_WORDS) or len(args) > 2:
        raise UsageError()
    upcoming, recent = await _lists(svc, caller)
    if args:
        text, markup = full_page(svc, caller.lang, upcoming, recent, int_arg(args[1]) if len(args) > 1 else 1)
    else:
        text, markup = short_list(svc, caller.lang, upcoming, recent)
    await reply(update, text, reply_markup=markup)


async def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, data: CallbackData
                      ) -> str | None:
    """📋 全部会议, ◀, ▶: the page, read afresh, in place of the message."""
    svc = services(context)
    upcoming, recent = await _lists(svc, caller)
    text, markup = full_page(svc, caller.lang, upcoming, recent, data.int_arg(0, high=10_000))
    await edit_own_message(update, text, markup)
    return None


def list_buttons() -> list[AnyHandler]:
    return [CallbackQueryHandler(guarded_callback(Role.MEMBER, page_button), pattern=rf"{pattern(view.CB)}{ACTION}:")]
