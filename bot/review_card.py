"""How a question of the bank looks in a secretary's chat: the review card, the queue, its buttons.

Kept apart from the handlers so ``bot.handlers.review`` stays a thin parse → call → reply module; every
word comes from the catalog (``review.*``) and every value is escaped by it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.callbacks import CallbackData
from bot.commands import render_error
from bot.context import Services
from bot.texts import Catalog, Safe, reason_text
from bot.words import source_title
from content.export import LETTERS
from storage.bank import QueueView
from storage.errors import DomainError
from storage.models import Question, QuestionStatus
from storage.revisions import version_token

CB_PREFIX = "rv"
EDIT_KEY = "review.editing"  # user_data: (question id, version token, revision) the review waits for a stem of
MAX_EVIDENCE = 1500  # characters of the source shown on a card: the whole card stays under Telegram's 4096


def answer_text(texts: Catalog, lang: str, q: Question) -> str:
    if q.qtype in ("single", "multiple"):
        return "".join(LETTERS[i] for i, option in enumerate(q.options) if option in q.answer)
    return texts.plain("review.fill_separator", lang).join(q.answer) if q.qtype == "fill" else q.answer[0]


def render_card(texts: Catalog, lang: str, q: Question, outcome: str | None = None) -> Safe:
    """One question as a secretary reviews it: everything needed to judge it without opening the file."""
    options = ""
    if q.qtype in ("single", "multiple"):
        lines = [texts.t("review.option", lang, letter=LETTERS[i], text=o) for i, o in enumerate(q.options)]
        options = "\n".join(lines) + "\n"
    card = texts.t(
        "review.card", lang, id=q.id, qtype=texts.plain(f"review.qtype.{q.qtype}", lang),
        edited=texts.plain("review.edited_mark", lang) if q.edited else "",
        revision=texts.plain("review.revision_mark", lang, revision=q.revision) if q.revision > 1 else "",
        stem=q.stem, options=Safe(options),
        answer=answer_text(texts, lang, q), explanation=q.explanation or texts.plain("review.glyph.none", lang),
        document=source_title(texts, lang, q.document), sentence=q.sentence if len(q.sentence) <= MAX_EVIDENCE
        else q.sentence[:MAX_EVIDENCE] + texts.plain("review.glyph.more", lang),
    )
    if outcome is not None:
        card = Safe(card + "\n\n" + texts.t(f"review.outcome.{outcome}", lang))
    return card


def render_queue(texts: Catalog, lang: str, branch: str, view: QueueView) -> Safe:
    """The queue's counts, where the secretary is in it (and that the walk came back to the start), the draft."""
    counts, q = view.counts, view.question
    header = texts.t("review.header", lang, branch=branch, draft=counts[QuestionStatus.DRAFT],
                     published=counts[QuestionStatus.PUBLISHED], rejected=counts[QuestionStatus.REJECTED])
    if q is None:
        return Safe(f"{header}\n\n{texts.t('review.empty', lang)}")
    place = texts.t("review.place", lang, position=view.position, total=counts[QuestionStatus.DRAFT])
    if view.wrapped:
        place = Safe(texts.t("review.wrapped", lang) + "\n" + place)
    return Safe(f"{header}\n{place}\n\n{render_card(texts, lang, q)}")


def button(texts: Catalog, lang: str, key: str, action: str, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.plain(key, lang), callback_data=CallbackData(CB_PREFIX, action, args).encode())


def undo_keyboard(texts: Catalog, lang: str, q: Question) -> InlineKeyboardMarkup:
    """Under a rejected card: one tap puts the question back in the queue."""
    return InlineKeyboardMarkup([[button(texts, lang, "review.btn_undo_reject", "u", *card_args(q))]])


def card_args(q: Question) -> tuple[str, str]:
    """A card button's arguments: the question and its version token, so a press on a card shown before the
    question changed elsewhere is refused (``storage.bank.current_question``) rather than applied blind."""
    return str(q.id), version_token(q)


def card_keyboard(texts: Catalog, lang: str, q: Question) -> InlineKeyboardMarkup:
    args = card_args(q)
    return InlineKeyboardMarkup([
        [button(texts, lang, "review.btn_publish", "p", *args), button(texts, lang, "review.btn_reject", "r", *args)],
        [button(texts, lang, "review.btn_edit", "e", *args), button(texts, lang, "review.btn_next", "n", args[0])],
    ])


def keyboard_for(texts: Catalog, lang: str, q: Question) -> InlineKeyboardMarkup | None:
    """The buttons a card of ``q`` carries in its present status: review for a draft, undo for a rejection."""
    if q.status == QuestionStatus.DRAFT:
        return card_keyboard(texts, lang, q)
    return undo_keyboard(texts, lang, q) if q.status == QuestionStatus.REJECTED else None


def _error_params(svc: Services, exc: DomainError, lang: str) -> dict[str, object]:
    params = dict(exc.params)
    if "status" in params:
        params["status"] = svc.texts.plain(f"review.status.{params['status']}", lang)
    if "reason" in params:  # why an edit failed verification: a coded reason, in the reader's language
        params["reason"] = reason_text(svc.texts, lang, params["reason"])
    return params


def error_text(svc: Services, exc: DomainError, lang: str) -> Safe:
    """This feature's wording for a domain error, else the shared one."""
    key = f"review.error.{exc.code}"
    if svc.texts.has(key):
        return svc.texts.t(key, lang, **_error_params(svc, exc, lang))
    return Safe(render_error(svc, exc, lang))


def error_toast(svc: Services, exc: DomainError, lang: str) -> str:
    """The same, as plain text for a button's toast."""
    key = f"review.error.{exc.code}"
    if not svc.texts.has(key):
        key = f"error.{exc.code}" if svc.texts.has(f"error.{exc.code}") else "error.generic"
    return svc.texts.plain(key, lang, **_error_params(svc, exc, lang))


def forget_edit(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A secretary who moved on (another command, a file) is no longer editing: their next text is not a stem."""
    if context.user_data is not None:
        context.user_data.pop(EDIT_KEY, None)
