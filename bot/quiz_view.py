"""How study and quizzes look on a member's phone: the snippet, a question, feedback, the summary, /me.

Kept apart from the handlers so ``bot.handlers.study`` and ``bot.handlers.quiz`` stay parse → call → reply.
Every word comes from the catalog (``study.*`` / ``quiz.*``) and every value is escaped by it.  Layout
choices for a narrow screen: options are written out in the message, one per line with their letter,
and the buttons carry only the letters (a long option never gets cut off on a button); the source
sentence is set apart in italics under the answer.
"""

from __future__ import annotations

import functools
from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.texts import Catalog, Safe, book_title, raised
from bot.words import join_names, source_title
from content.export import LETTERS
from content.grading import normalise
from content.questions.cloze import cited
from storage.makeup import QUIZ_KIND as MAKEUP_QUIZ
from storage.models import Question, QuizSession, StudyUnit
from storage.quiz_state import NothingToAsk
from storage.study import MyProgress, PlanView

QUIZ = "qz"  # callback prefix of quiz buttons
STUDY = "sd"  # callback prefix of study buttons ("st" is the statistics feature's)
MAX_SENTENCE = 600  # characters of the source sentence shown in feedback
TRUE_FALSE = ("正确", "错误")  # a 判断's options as the bank stores them


def _button(label: str, feature: str, action: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=CallbackData(feature, action, tuple(map(str, args))).encode())


# --------------------------------------------------------------------------- study


def snippet_text(texts: Catalog, lang: str, unit: StudyUnit, place: int, total: int, *, today: bool) -> Safe:
    source = texts.t("study.source", lang, source=unit.source) if unit.source else ""
    heading = texts.t("study.heading", lang, heading=unit.heading) if unit.heading else ""
    return texts.t("study.snippet", lang, label=texts.plain("study.label_today" if today else "study.label_next", lang),
                   place=place, total=total, title=book_title(unit.title, lang), source=source, heading=heading,
                   text=unit.text)


def snippet_markup(texts: Catalog, lang: str, unit_id: int, *, read: bool = False) -> InlineKeyboardMarkup:
    if read:
        return InlineKeyboardMarkup([[_button(texts.plain("study.btn_quiz", lang), QUIZ, "go")]])
    return InlineKeyboardMarkup([[_button(texts.plain("study.btn_done", lang), STUDY, "d", unit_id)]])


def unit_of_markup(markup: InlineKeyboardMarkup | None) -> int | None:
    """The unit a sent snippet carries, read back from its 学完了 button (what was sent is what is recorded)."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and data.startswith(f"v1:{STUDY}:d:"):
                return int(data.rsplit(":", 1)[1])
    return None


def plan_text(texts: Catalog, lang: str, plan: PlanView, push_time: str, paused: bool) -> Safe:
    """Where the member is: per document what reached them and what they marked done, the next part and how
    many are still to come — "finished" only when every part was both sent and marked done."""
    if not plan.total:
        return Safe("\n".join([texts.t("study.plan_empty", lang),
                                texts.t("study.plan_paused" if paused else "study.plan_time", lang, time=push_time)]))
    lines = [texts.t("study.plan_header", lang, delivered=plan.delivered, read=plan.read, total=plan.total,
                     left=plan.total - plan.delivered)]
    for doc in plan.documents:
        mark = "✅" if doc.read == doc.units else ("📖" if doc.delivered else "▫️")
        lines.append(texts.t("study.plan_line", lang, mark=mark, title=book_title(doc.title, lang), read=doc.read,
                             delivered=doc.delivered, units=doc.units))
    if plan.next_position is not None and plan.next_title is not None:
        lines.append(texts.t("study.plan_next", lang, place=plan.next_position, total=plan.total,
                             title=book_title(plan.next_title, lang)))
    elif plan.read < plan.total:
        lines.append(texts.t("study.plan_all_sent", lang, total=plan.total, unread=plan.total - plan.read))
    else:
        lines.append(texts.t("study.plan_finished", lang, total=plan.total))
    lines.append(texts.t("study.plan_paused" if paused else "study.plan_time", lang, time=push_time))
    return Safe("\n".join(lines))


def progress_text(texts: Catalog, lang: str, me: MyProgress) -> Safe:
    accuracy = f"{round(100 * me.correct / me.answered)}%" if me.answered else "—"
    lines = [texts.t("study.me", lang, days=me.study_days, quiz_days=me.quiz_days, streak=me.streak, read=me.units_read,
                     total=me.units_total, answered=me.answered, correct=me.correct, accuracy=accuracy,
                     due=me.due_reviews, wrong=me.wrongbook, meetings=me.meetings_attended)]
    if me.by_document:
        lines.append(texts.t("study.me_docs", lang))
        for doc in me.by_document:
            lines.append(texts.t("study.me_doc", lang, title=source_title(texts, lang, doc.document),
                                 correct=doc.correct, answered=doc.answered,
                                 accuracy=f"{round(100 * doc.correct / doc.answered)}%"))
    return Safe("\n".join(lines))


# --------------------------------------------------------------------------- quiz


def question_text(texts: Catalog, lang: str, quiz: QuizSession, q: Question, number: int | None = None, *,
                  hint: bool = True, with_options: bool = True) -> Safe:
    """A question as asked (``number``: its 1-based place, default the one the session waits for)."""
    review = texts.plain("quiz.review_mark", lang) if q.id in quiz.review_ids else ""
    options = ""
    if q.qtype in ("single", "multiple") and with_options:
        options = "\n\n" + "\n".join(texts.t("quiz.option", lang, letter=LETTERS[i], text=o)
                                     for i, o in enumerate(q.options))
    shown = texts.t("quiz.hint_line", lang, hint=texts.t(f"quiz.hint.{q.qtype}", lang)) if hint else ""
    return texts.t("quiz.question", lang, number=number or quiz.position + 1, total=len(quiz.question_ids),
                   qtype=texts.plain(f"review.qtype.{q.qtype}", lang), review=review, stem=q.stem,
                   options=Safe(options), hint=shown)


def question_markup(texts: Catalog, lang: str, quiz: QuizSession, q: Question) -> InlineKeyboardMarkup | None:
    """The answer buttons.  Each carries the revision of the wording it sits under (last argument), so a tap
    on an older showing of the question (before a /quiz resume, with a revision in between) is refused
    rather than graded against options it never showed."""
    sid, pos, rev = quiz.id, quiz.position, q.revision
    if q.qtype == "single":
        letters = [_button(LETTERS[i], QUIZ, "a", sid, pos, i, rev) for i in range(len(q.options))]
        return InlineKeyboardMarkup([letters[:4], letters[4:]] if len(letters) > 4 else [letters])
    if q.qtype == "truefalse":  # the bank's options are 正确 / 错误; the buttons speak the member's language
        labels = [texts.plain(key, lang) for key in ("quiz.btn_true", "quiz.btn_false")]
        if tuple(q.options) != TRUE_FALSE:
            labels = [f"✔️ {q.options[0]}", f"✖️ {q.options[1]}"]
        return InlineKeyboardMarkup([[_button(labels[0], QUIZ, "a", sid, pos, 0, rev),
                                      _button(labels[1], QUIZ, "a", sid, pos, 1, rev)]])
    if q.qtype == "multiple":
        marks = [("✓ " if i in quiz.selected else "") + LETTERS[i] for i in range(len(q.options))]
        toggles = [_button(mark, QUIZ, "t", sid, pos, i, rev) for i, mark in enumerate(marks)]
        rows = [toggles[:4], toggles[4:]] if len(toggles) > 4 else [toggles]
        return InlineKeyboardMarkup([*rows, [_button(texts.plain("quiz.btn_submit", lang), QUIZ, "s", sid, pos, rev)]])
    return None  # 填空: the member types the answer


def _verdict_word(texts: Catalog, lang: str, q: Question, value: str) -> str:
    """A 判断's stored 正确 / 错误 in the member's language (an English member reads True / False, like the
    buttons they tapped); any other answer as it is."""
    if q.qtype == "truefalse" and tuple(q.options) == TRUE_FALSE and value in TRUE_FALSE:
        return texts.plain("quiz.tf_true" if value == TRUE_FALSE[0] else "quiz.tf_false", lang)
    return value


def _marked_options(texts: Catalog, lang: str, q: Question, chosen: tuple[str, ...]) -> Safe:
    """A 多选's options once each, marked: chosen and right, right but missed, chosen but wrong, neither —
    on a phone the member sees at a glance what they got and what the right set is."""
    lines = []
    for i, option in enumerate(q.options):
        right, picked = option in q.answer, option in chosen
        mark = "hit" if right and picked else "missed" if right else "wrong" if picked else "none"
        lines.append(texts.t("quiz.marked_option", lang, mark=texts.plain(f"quiz.mark.{mark}", lang),
                             letter=LETTERS[i], text=option))
    return Safe("\n".join([*lines, texts.t("quiz.mark_legend", lang)]))


def right_answer(texts: Catalog, lang: str, q: Question, chosen: tuple[str, ...] = ()) -> str:
    if q.qtype == "multiple":  # the right letters together, then every option marked (shown once)
        letters = "".join(LETTERS[i] for i, o in enumerate(q.options) if o in q.answer)
        return Safe(letters + "\n" + _marked_options(texts, lang, q, chosen))
    if q.qtype in ("single", "multiple"):
        return "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(q.options) if o in q.answer)
    answer = q.answer[0] if q.answer else ""
    return _verdict_word(texts, lang, q, answer)


def _adds(q: Question) -> bool:
    return _says_more(q.explanation, q.sentence)


@functools.lru_cache(maxsize=4096)
def _says_more(explanation: str, sentence: str) -> bool:
    """Whether the explanation says more than the source sentence shown under it (most only quote it).
    Kept per text: every answer to a question asks it again, and normalising a long sentence is not free."""
    rest = normalise(explanation).replace(normalise(sentence), "").replace("原文", "")
    return len(rest) > 2


def feedback_text(texts: Catalog, lang: str, q: Question, correct: bool, chosen: tuple[str, ...]) -> Safe:
    if q.qtype in ("single", "multiple"):
        given = "".join(LETTERS[i] for i, o in enumerate(q.options) if o in chosen)
    else:
        given = join_names(texts, lang, (_verdict_word(texts, lang, q, c) for c in chosen))
    verdict = texts.plain("quiz.right" if correct else "quiz.wrong", lang)
    answer = right_answer(texts, lang, q, chosen)
    if (sourced := cited(q.explanation)) is not None:  # the same 出处, and the speaker it cites beside it
        source, quote = sourced
        return texts.t("quiz.feedback_sourced", lang, verdict=verdict, given=given or "—", answer=answer,
                       document=source_title(texts, lang, q.document, source),
                       sentence=_cut(raised(quote)))
    explanation = texts.t("quiz.explanation", lang, text=q.explanation) if _adds(q) else ""
    return texts.t("quiz.feedback", lang, verdict=verdict, given=given or "—", answer=answer,
                   explanation=explanation, document=source_title(texts, lang, q.document), sentence=_cut(q.sentence))


def _cut(sentence: str) -> str:
    return sentence if len(sentence) <= MAX_SENTENCE else sentence[:MAX_SENTENCE] + "…"


def answered_text(texts: Catalog, lang: str, quiz: QuizSession, q: Question, number: int, correct: bool,
                  chosen: tuple[str, ...]) -> Safe:
    """The question message once answered: the question as it was asked, then the feedback under it, so the
    chat history keeps each question with its answer and source."""
    # a 多选's options are listed once, marked, in the feedback (not twice on a narrow screen)
    return Safe(question_text(texts, lang, quiz, q, number, hint=False, with_options=q.qtype != "multiple") + "\n\n"
                + feedback_text(texts, lang, q, correct, chosen))


def nothing_text(texts: Catalog, lang: str, why: NothingToAsk, tz: tzinfo) -> Safe:
    """/quiz with nothing to ask: an empty bank is the secretary's to fill; a bank worked through has a day
    when the next review comes back."""
    if why.bank_empty or why.next_due is None:
        return texts.t("quiz.no_questions", lang)
    return texts.t("quiz.all_answered", lang, published=why.published,
                   day=why.next_due.astimezone(tz).strftime("%Y-%m-%d"))


def summary_text(texts: Catalog, lang: str, quiz: QuizSession, wrong_total: int) -> Safe:
    """The end of a session: how many were right (the member's own figure, compared with nothing); a 补学's
    quiz ends the 补学 too, and says so — the member should not wonder whether it counted."""
    total = len(quiz.question_ids)
    key = "quiz.summary_all" if quiz.correct == total else "quiz.summary"
    text = texts.t(key, lang, correct=quiz.correct, total=total, wrong=wrong_total)
    if quiz.kind == MAKEUP_QUIZ:
        return Safe(text + "\n\n" + texts.t("mtg.makeup.done", lang))
    return text


def wrongbook_text(texts: Catalog, lang: str, items: list[tuple[int, Question, str]]) -> Safe:
    """``items``: (number, question, due day as shown)."""
    if not items:
        return texts.t("quiz.wrong_empty", lang)
    lines = [texts.t("quiz.wrong_header", lang, count=len(items))]
    for number, q, due in items:
        stem = q.stem if len(q.stem) <= 60 else q.stem[:60] + "…"
        lines.append(texts.t("quiz.wrong_line", lang, number=number, stem=stem, due=due))
    return Safe("\n".join(lines))


def wrongbook_markup(texts: Catalog, lang: str, items: list[tuple[int, Question, str]]) -> InlineKeyboardMarkup | None:
    buttons = [_button(texts.plain("quiz.btn_retry", lang, number=n), QUIZ, "r", q.id) for n, q, _ in items[:10]]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i:i + 5] for i in range(0, len(buttons), 5)])


def nudge_markup(texts: Catalog, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(texts.plain("quiz.btn_start", lang), QUIZ, "go")]])
