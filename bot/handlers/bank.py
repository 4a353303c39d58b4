"""The bank in bulk: ``/bank`` sends it as an Excel sheet; the same sheet sent back applies the edits.

::

    /bank ──▶ 题库.xlsx (题型 | 题干 | 选项A–F | 答案 | 解析 | 出处 | id | 状态) + how to edit it
    secretary sends the .xlsx back ──▶ the cells changed since the export (bot.bank_sheet.read_bank)
                                  ──▶ storage.bank_import.apply_edits (limits, verification)
                                  ──▶ "N updated, M published …, errors by row"

Reading and writing the sheet is ``bot.bank_sheet`` (no Telegram); this module only moves files and
renders the summary.  Any other document goes on to ``bot.handlers.materials``; the download and the
secretary check both features share are ``bot.uploads``.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot import bank_sheet
from bot.commands import Command
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.material_uploads import UploadRefused
from bot.review_card import forget_edit
from bot.texts import LANGUAGES, Catalog, Safe, reason_text
from bot.uploads import download, refusal_text, secretary_document
from bot.words import file_word
from storage import bank_import
from storage import content as content_store
from storage import members as member_store
from storage.bank_import import BulkReport, RowError
from storage.models import QuestionStatus, Role

MAX_ERROR_LINES = 20
REVISED_STEM = 24  # characters of a revised question's stem in the import reply: enough to recognise it


def status_labels(texts: Catalog, lang: str) -> dict[str, str]:
    return {s.value: texts.plain(f"review.status.{s.value}", lang) for s in QuestionStatus}


def status_words(texts: Catalog) -> dict[str, str]:
    """Every spelling accepted in the status column: both languages' labels and the raw values."""
    words = {s.value: s.value for s in QuestionStatus}
    for lang in LANGUAGES:
        words.update({label.lower(): status for status, label in status_labels(texts, lang).items()})
    return words


async def send_bank(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/bank`` — the branch's bank (retired questions left out) as an .xlsx with editing instructions."""
    forget_edit(context)
    svc = services(context)
    assert caller.member is not None
    branch = await svc.db.run(member_store.get_branch, branch_id=caller.member.branch_id)
    rows = await svc.db.run(content_store.bank_questions, branch_id=branch.id)
    if not rows:
        await reply(update, svc.texts.t("review.bank.empty", caller.lang))
        return
    hidden = (svc.texts.plain("review.bank.version_header", caller.lang),
              svc.texts.plain("review.bank.exported_header", caller.lang))
    data = await asyncio.to_thread(bank_sheet.export_bank, rows, status_labels(svc.texts, caller.lang),
                                   svc.texts.plain("review.bank.status_header", caller.lang), hidden)
    day = svc.clock.now().astimezone(svc.settings.tz)
    name = svc.texts.plain("review.bank.file_name", caller.lang, branch=file_word(branch.name), date=f"{day:%Y%m%d}")
    caption = svc.texts.t("review.bank.caption", caller.lang, branch=branch.name, count=len(rows),
                          header=svc.texts.plain("review.bank.status_header", caller.lang),
                          published=status_labels(svc.texts, caller.lang)[QuestionStatus.PUBLISHED],
                          rejected=status_labels(svc.texts, caller.lang)[QuestionStatus.REJECTED])
    message = update.effective_message
    assert message is not None
    await message.reply_document(document=data, filename=name, caption=caption, parse_mode="HTML")


def render_summary(texts: Catalog, lang: str, report: BulkReport, errors: list[RowError]) -> Safe:
    lines = [texts.t("review.bank.imported", lang, updated=report.updated, published=report.published,
                     rejected=report.rejected, reopened=report.reopened, unchanged=report.unchanged)]
    if report.revised:  # published questions reworded: which ones, and how many answers keep the old wording
        lines.append(texts.t("review.bank.revised_header", lang, count=len(report.revised)))
        for done in report.revised[:MAX_ERROR_LINES]:
            stem = done.stem if len(done.stem) <= REVISED_STEM else done.stem[:REVISED_STEM] + "…"
            key = "review.bank.revised_line" if done.old_answers else "review.bank.revised_line_unanswered"
            lines.append(texts.t(key, lang, id=done.question_id, stem=stem, revision=done.revision,
                                 answers=done.old_answers))
        if len(report.revised) > MAX_ERROR_LINES:
            lines.append(texts.t("review.bank.more_revised", lang, count=len(report.revised) - MAX_ERROR_LINES))
    if errors:
        lines.append(texts.t("review.bank.errors_header", lang, count=len(errors)))
        for error in sorted(errors, key=lambda e: e.row)[:MAX_ERROR_LINES]:
            reason = texts.plain(f"review.bank.row.{error.code}", lang, **_row_params(texts, lang, error))
            lines.append(texts.t("review.bank.error_line", lang, row=error.row or "?", reason=reason))
        if len(errors) > MAX_ERROR_LINES:
            lines.append(texts.t("review.bank.more_errors", lang, count=len(errors) - MAX_ERROR_LINES))
    return Safe("\n".join(lines))


def _row_params(texts: Catalog, lang: str, error: RowError) -> dict[str, object]:
    defaults: dict[str, object] = {"id": "", "value": "", "reason": "", "limit": "", "length": ""}
    params = {**defaults, **error.params}
    params["reason"] = reason_text(texts, lang, params["reason"])  # verification reasons are codes
    return params


async def import_sheet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A secretary sent an .xlsx: apply it as an edited bank sheet."""
    sent = await secretary_document(update, context, "review.bank.members_only")
    if sent is None:
        return
    svc, caller, document = sent
    assert caller.member is not None
    try:
        data = await download(context, document)
    except UploadRefused as exc:
        await reply(update, refusal_text(svc.texts, caller.lang, exc))
        return
    rows = await svc.db.run(content_store.bank_questions, branch_id=caller.member.branch_id, include_retired=True)
    headers = [svc.texts.plain("review.bank.status_header", lang) for lang in LANGUAGES]
    try:
        read = await asyncio.to_thread(bank_sheet.read_bank, data, rows, status_words(svc.texts), headers)
    except bank_sheet.BadSheet as exc:
        await reply(update, _bad_sheet(svc, caller.lang, exc))
        return
    report = await svc.db.run(bank_import.apply_edits, actor=caller.member, branch_id=caller.member.branch_id,
                              edits=read.edits, now=svc.clock.now())
    await reply(update, render_summary(svc.texts, caller.lang, report, read.errors + report.errors))


def _bad_sheet(svc: Services, lang: str, exc: bank_sheet.BadSheet) -> Safe:
    if exc.row is None:
        return svc.texts.t("review.bank.not_a_sheet", lang)
    reason = reason_text(svc.texts, lang, exc.reason, "sheet")
    return svc.texts.t("review.bank.bad_sheet", lang, row=exc.row, reason=reason)


FEATURE = Feature(
    name="bank",
    commands=(Command("bank", Role.SECRETARY, send_bank, "secretary"),),
    handlers=lambda: [MessageHandler(filters.Document.FileExtension("xlsx") & filters.ChatType.PRIVATE,
                                     import_sheet)],
)
