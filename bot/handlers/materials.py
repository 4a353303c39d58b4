"""Study materials: secretaries add them by sending a file; ``/materials`` lists what the branch studies.

::

    secretary sends 通知.docx ──▶ type and size checked ──▶ get_file + download_to_memory
        ──▶ bot.content_service: saved under <data_dir>/materials/<branch>/ (never overwriting),
            branch rebuilt (worker thread) and synced ──▶ reply: titles recognised, snippets,
            new draft questions by type, the pipeline's problems
    member sends a file ──▶ "only secretaries can add materials"

At start-up (``on_startup``) every branch is built and synced, so the bank and study plan match the
files on disk before the first update; a pipeline failure is logged and the bot starts anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.callbacks import CallbackData, pack, pattern
from bot.commands import Command, UsageError, args_of, guarded_callback, int_arg
from bot.content_service import Added
from bot.context import Caller, Services, reply, services
from bot.feature import Feature
from bot.material_folders import mark_updates, read_marks, set_marks, weighting
from bot.material_uploads import UploadRefused, check_duplicate, check_upload
from bot.review_card import forget_edit
from bot.texts import Catalog, Safe, book_title
from bot.uploads import download, refusal_text, secretary_document
from content.authority import Mark
from content.model import QUESTION_TYPES
from storage import content as content_store
from storage import members as member_store
from storage.content import MaterialSummary
from storage.models import Role

log = logging.getLogger(__name__)

MAX_LEFT_OUT = 8
MAX_LISTED = 40


# --------------------------------------------------------------------------- adding a material


def _left_out(texts: Catalog, lang: str, passages: Sequence[str]) -> list[str]:
    """The file's sentences that did not make it into the study text, quoted (they are the file's words)."""
    if not passages:
        return []
    lines: list[str] = [texts.t("materials.left_out_header", lang, count=len(passages))]
    lines += [texts.t("materials.left_out_line", lang, text=text) for text in passages[:MAX_LEFT_OUT]]
    if len(passages) > MAX_LEFT_OUT:
        lines.append(texts.t("materials.more_left_out", lang, count=len(passages) - MAX_LEFT_OUT))
    return lines


def render_added(texts: Catalog, lang: str, sent_name: str, added: Added, auto_publish: bool) -> Safe:
    """What one upload brought, in the words a secretary checks: titles, snippets, new questions.

    Every word is the catalog's; the pipeline's own (English) problem lines go to the log only.
    """
    if not added.kept:
        return texts.t("materials.nothing", lang, name=sent_name)
    docs = "\n".join(texts.t("materials.doc_line", lang, title=book_title(d.title),
                             source=d.source or texts.plain("materials.unknown_source", lang))
                     for d in added.documents)
    by_type = texts.plain("materials.type_separator", lang).join(
        texts.plain("materials.type_count", lang, qtype=texts.plain(f"review.qtype.{qtype}", lang),
                    count=added.new_questions[qtype])
        for qtype in QUESTION_TYPES if added.new_questions[qtype])
    key = "materials.added_published" if auto_publish else "materials.added"
    if not added.new_questions:  # "新增题目 0 道（—），已自动发布" said nothing: say there are none, and why
        key = "materials.added_no_questions"
    lines = [texts.t(key, lang, name=added.file_name, documents=Safe(docs), snippets=added.snippets,
                     questions=sum(added.new_questions.values()), by_type=by_type or "—")]
    if added.elsewhere_added or added.report.questions_retired:
        lines.append(texts.t("materials.rebalanced", lang, added=added.elsewhere_added,
                             retired=added.report.questions_retired))
    return Safe("\n".join([*lines, *_left_out(texts, lang, added.left_out)]))


async def receive_material(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document in a private chat: a secretary's new study material (anyone else is told politely)."""
    sent = await secretary_document(update, context, "materials.members_only")
    if sent is None:
        return
    svc, caller, document = sent
    assert caller.member is not None
    sent_name = document.file_name or "material"
    branch = await svc.db.run(member_store.get_branch, branch_id=caller.member.branch_id)
    assert branch.id is not None
    try:
        check_upload(sent_name, document.file_size)
        data = await download(context, document)
        await asyncio.to_thread(check_duplicate, svc.settings, branch.key, sent_name, data)
    except UploadRefused as exc:
        await reply(update, refusal_text(svc.texts, caller.lang, exc))
        return
    await reply(update, svc.texts.t("materials.received", caller.lang, name=sent_name))
    service = svc.content
    try:
        added = await service.add_material(branch.key, branch.id, sent_name, data, svc.clock.now())
    except UploadRefused as exc:
        await reply(update, refusal_text(svc.texts, caller.lang, exc))
        return
    except Exception:
        log.exception("adding material %r for branch %s failed", sent_name, branch.key)
        await reply(update, svc.texts.t("materials.failed", caller.lang, name=sent_name))
        return
    log.info("branch %s: material %s added (%d documents, %d snippets, %s)", branch.key, added.file_name,
             len(added.documents), added.snippets, dict(added.report.new_questions))
    for problem in added.problems:
        log.info("branch %s: %s: %s", branch.key, problem.file_name, problem.message)
    material_id = await svc.db.run(content_store.material_id_for_file, branch_id=branch.id, file_name=added.file_name)
    markup = mark_keyboard(svc.texts, caller.lang, material_id) if added.kept and material_id is not None else None
    await reply(update, render_added(svc.texts, caller.lang, sent_name, added, svc.settings.content.auto_publish),
                reply_markup=markup)


# --------------------------------------------------------------------------- core / background marks

MARK_WORDS = {"核心": Mark.CORE, "core": Mark.CORE, "背景": Mark.BACKGROUND, "background": Mark.BACKGROUND,
              "普通": None, "normal": None}
_MARK_CODES = {"c": Mark.CORE, "b": Mark.BACKGROUND, "n": None}


def mark_keyboard(texts: Catalog, lang: str, material_id: int) -> InlineKeyboardMarkup:
    """Core / background / normal for one material: how much its questions weigh, which copy of a shared
    passage is kept."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.plain(f"materials.mark_button.{code}", lang),
                             callback_data=pack("mat", "mk", material_id, code))
        for code in _MARK_CODES
    ]])


async def apply_mark(svc: Services, caller: Caller, material_id: int, mark: Mark | None, *,
                     whole_file: bool = False) -> str:
    """Record the mark for the material (``/mark N``: that document only) or for the file it came in (the
    buttons under an upload), rebuild the branch, and return the confirmation text."""
    material = await svc.db.run(content_store.get_material, scope=caller.scope, material_id=material_id)
    branch = await svc.db.run(member_store.get_branch, branch_id=material.branch_id)
    assert branch.id is not None
    rows = await svc.db.run(content_store.materials_overview, branch_id=branch.id)
    siblings = [r.material.doc_key for r in rows if r.material.file_name == material.file_name]
    marks = await asyncio.to_thread(read_marks, svc.settings, branch.key)
    updates = mark_updates(marks, material.file_name, siblings, None if whole_file else material.doc_key, mark)
    await asyncio.to_thread(set_marks, svc.settings, branch.key, updates)
    await svc.content.refresh(branch.key, branch.id, svc.clock.now())
    word = svc.texts.plain(f"materials.mark_word.{mark.value if mark else 'normal'}", caller.lang)
    return svc.texts.plain("materials.marked", caller.lang, title=book_title(material.title), mark=word)


async def mark_button(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller,
                      data: CallbackData) -> str:
    svc = services(context)
    code = data.str_arg(1)
    if code not in _MARK_CODES:
        return svc.texts.plain("button.expired", caller.lang)
    return await apply_mark(svc, caller, data.int_arg(0), _MARK_CODES[code], whole_file=True)


async def mark_command(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/mark N 核心|背景|普通`` — N is the material's number in ``/materials``."""
    svc = services(context)
    args = args_of(context)
    if len(args) != 2 or args[1].lower() not in MARK_WORDS:
        raise UsageError()
    n = int_arg(args[0])
    rows = await svc.db.run(content_store.materials_overview, branch_id=_branch_id(caller))
    if n > len(rows) or rows[n - 1].material.id is None:
        await reply(update, svc.texts.t("materials.no_such_number", caller.lang, n=n))
        return
    material_id = rows[n - 1].material.id
    assert material_id is not None
    await reply(update, await apply_mark(svc, caller, material_id, MARK_WORDS[args[1].lower()]))


def _branch_id(caller: Caller) -> int:
    """The branch a secretary manages, or the one a committee admin chose to act on."""
    if caller.scope.acting_branch_id is not None:
        return caller.scope.acting_branch_id
    assert caller.member is not None
    return caller.member.branch_id


# --------------------------------------------------------------------------- listing


def render_list(texts: Catalog, lang: str, branch: str, rows: Sequence[MaterialSummary],
                marks: dict[str, Mark] | None = None) -> Safe:
    marks = marks or {}
    if not rows:
        return texts.t("materials.list_empty", lang, branch=branch)
    lines: list[str] = [texts.t("materials.list_header", lang, branch=branch, count=len(rows))]
    for n, row in enumerate(rows[:MAX_LISTED], start=1):
        m = row.material
        lines.append(texts.t(
            "materials.list_line", lang, n=n, title=book_title(m.title),
            source=m.source or texts.plain("materials.unknown_source", lang),
            date=m.published.isoformat() if m.published else texts.plain("materials.unknown_date", lang),
            units=row.units, questions=row.questions,
        ))
        mark = marks.get(m.doc_key, marks.get(m.file_name))
        if mark is not None:
            lines[-1] += texts.t("materials.list_mark", lang,
                                 mark=texts.plain(f"materials.mark_word.{mark.value}", lang))
    if len(rows) > MAX_LISTED:
        lines.append(texts.t("materials.more_listed", lang, count=len(rows) - MAX_LISTED))
    lines.append(texts.t("materials.list_footer", lang))
    return Safe("\n".join(lines))


async def list_materials(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """``/materials`` — title, source, date, snippets and questions of every active material."""
    forget_edit(context)
    svc = services(context)
    assert caller.member is not None
    branch = await svc.db.run(member_store.get_branch, branch_id=_branch_id(caller))
    rows = await svc.db.run(content_store.materials_overview, branch_id=_branch_id(caller))
    marks = weighting(svc.settings, branch.key).as_dict()
    await reply(update, render_list(svc.texts, caller.lang, branch.name, rows, marks))


# --------------------------------------------------------------------------- start-up


async def on_startup(app: Application, svc: Services) -> None:  # type: ignore[type-arg]
    """Build and sync every branch before updates flow; a failure is logged, never fatal."""
    branches = await svc.db.run(member_store.list_branches)
    results = await svc.content.refresh_all({b.key: b.id for b in branches if b.id is not None}, svc.clock.now())
    for key, result in results.items():
        if isinstance(result, Exception):
            continue  # already logged with its traceback
        corpus, report = result.corpus, result.report
        log.info("branch %s content: %d documents, %d snippets, %d questions (%d new, %d retired), %d problems",
                 key, len(corpus.documents), len(corpus.snippets), sum(q.enabled for q in corpus.questions),
                 sum(report.new_questions.values()), report.questions_retired, len(corpus.problems))
        for problem in corpus.problems:
            log.debug("branch %s content problem in %s: %s", key, problem.file_name, problem.message)


FEATURE = Feature(
    name="materials",
    commands=(Command("materials", Role.SECRETARY, list_materials, "secretary"),
              Command("mark", Role.SECRETARY, mark_command, "secretary")),
    # after the bank: a document no earlier feature claimed is a study material
    handlers=lambda: [MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, receive_material),
                      CallbackQueryHandler(guarded_callback(Role.SECRETARY, mark_button), pattern=pattern("mat"))],
    on_startup=on_startup,
)
