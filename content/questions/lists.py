"""Questions about whole lists: 多选 on the items, and for numbered lists 单选 and 判断 as well.

Inline lists are blanked as a whole — the classic 党建 quiz form::

    ……以（　）为总要求，以一体推进学查改为抓手……
    A.立党为公 B.开门教育 C.为民造福 D.科学决策 E.真抓实干 F.查摆问题        答案 ACDE

Numbered lists (一是…二是…) and a speech's parts are named by their topic ("“五重五轻”", the section
heading) and asked as "下列属于…的有".  Wrong options always come from *other* lists (see
``distractors``), so a list question is right by construction, never by judgement.
"""

from __future__ import annotations

from content.model import FALSE_TEXT, TRUE_TEXT, Question, QuestionType
from content.questions.cloze import explanation
from content.questions.distractors import Pools
from content.questions.ids import question_id, stable_order
from content.questions.slots import Candidate, Enumeration, Evidence, Slot
from content.questions.text import BLANK, GAP, cjk_len, norm, short_title, window


def _counts(n: int) -> tuple[int, int]:
    """(correct options, wrong options) for a list of ``n`` items, within six options."""
    correct = n if n <= 5 else 4
    return correct, max(1, min(3, 6 - correct))


def _question(
    qtype: QuestionType,
    ev: Evidence,
    stem: str,
    options: tuple[str, ...],
    answer: tuple[str, ...],
    expl: str,
    slot: str,
    score: float,
) -> Question:
    return Question(
        qid=question_id(qtype, ev.text, slot),
        qtype=qtype,
        stem=stem,
        options=options,
        answer=answer,
        explanation=expl,
        doc_id=ev.doc_id,
        document=ev.document,
        sentence=ev.text,
        score=round(score, 4),
    )


def list_candidates(enum: Enumeration, pools: Pools, recurring: int) -> list[Candidate]:
    if enum.kind == "inline":
        return _inline_multiple(enum, pools, recurring)
    return _numbered(enum, pools)


def _pick(enum: Enumeration, pools: Pools, n: int, anchor: str | None = None) -> list[str]:
    value = anchor or enum.items[0]
    kind = "heading" if enum.kind == "headings" else "item"
    probe = Slot(kind, value, enum.evidence.text.find(value), enum.evidence, family=enum.family)
    return [d.value for d in pools.pick(probe, n + 2) if cjk_len(d.value) <= 2 * max(map(len, enum.items))][:n]


def _inline_multiple(enum: Enumeration, pools: Pools, recurring: int) -> list[Candidate]:
    ev = enum.evidence
    start, end = enum.starts[0], enum.starts[-1] + len(enum.items[-1])
    text, offset = window(ev.text, start, end)
    if len(text) > 160 or cjk_len(text) - (end - start) < 8:
        return []
    stem = text[:offset] + BLANK + text[offset + end - start :]
    n_correct, n_wrong = _counts(len(enum.items))
    correct = list(enum.items[:n_correct])
    wrong = _pick(enum, pools, n_wrong)
    if not wrong or len(correct) < 2:
        return []
    slot_key = "、".join(enum.items)
    options = stable_order(question_id("multiple", ev.text, slot_key), correct + wrong)
    answer = tuple(o for o in options if o in correct)
    score = 1.1 + (0.25 if ev.quoted else 0.0) + min(recurring - 1, 3) * 0.12 + (0.1 if enum.label else 0.0)
    score += 0.1 if len(wrong) >= 2 else -0.1
    q = _question("multiple", ev, stem, options, answer, explanation("", text), slot_key, score)
    return [Candidate(q, norm(slot_key), "item", group=_group(enum))]


def _numbered_stem(enum: Enumeration, many: bool) -> str:
    ask = "的有哪些？" if many else "的是哪一项？"
    if enum.kind == "headings":
        return f"{enum.topic}分为{len(enum.items)}个部分，下列属于其部分标题{ask}"
    trimmed = enum.context.rstrip("—：:，,")
    # "第三条 党支部的基本任务是：" introduces the items itself, so it is quoted as a lead-in
    introduces = enum.context.endswith(("：", ":"))
    context = f"“{trimmed}……”" if introduces else (trimmed.rstrip("。") + "。" if trimmed else "")
    if enum.topic.startswith("《"):
        return f"{enum.topic}分条提出的要点中，下列属于其中{ask}"
    if enum.topic:
        return f"{context}下列属于{enum.topic}{ask}"
    return f"{context}下列属于其中分条列出的要点{ask}"


def _numbered(enum: Enumeration, pools: Pools) -> list[Candidate]:
    ev = enum.evidence
    out: list[Candidate] = []
    base = 1.15 if enum.kind == "numbered" else 0.9
    base += 0.2 if enum.topic.startswith("“") else 0.0
    n_correct, n_wrong = _counts(len(enum.items))
    wrong = _pick(enum, pools, max(n_wrong, 3))
    slot_key = "、".join(enum.items)
    if wrong and len(enum.items) >= 2:
        correct = list(enum.items[:n_correct])
        options = stable_order(question_id("multiple", ev.text, slot_key), correct + wrong[:n_wrong])
        answer = tuple(o for o in options if o in correct)
        summary = "；".join(enum.lines or enum.items)
        q = _question(
            "multiple", ev, _numbered_stem(enum, True), options, answer, explanation("", summary), slot_key, base + 0.1
        )
        out.append(Candidate(q, norm(slot_key), "item", group=_group(enum)))
    if enum.kind != "numbered" or len(wrong) < 3:
        return out
    # one 单选 and one 判断 per item; the ranker keeps the few best
    for i, (item, line) in enumerate(zip(enum.items, enum.lines, strict=False)):
        options = stable_order(question_id("single", ev.text, item), [item, *wrong[:3]])
        q = _question(
            "single",
            ev,
            _numbered_stem(enum, False),
            options,
            (item,),
            explanation("", line),
            item,
            base - 0.1 - 0.02 * i,
        )
        out.append(Candidate(q, norm(item), "item", group=_group(enum)))
        head = _statement_head(enum)
        if head is None:
            continue
        tf_ev = Evidence(ev.doc_id, ev.document, f"{enum.context}\n{line}" if enum.context else line)
        true_text = f"{head}{GAP}{line}"
        swap = wrong[i % len(wrong)]
        false_text = f"{head}{GAP}{line.replace(item, swap, 1)}"
        for truth, stem, verdict, answer_text in (
            (True, true_text, "正确。", TRUE_TEXT),
            (False, false_text, "错误。", FALSE_TEXT),
        ):
            q = _question(
                "truefalse",
                tf_ev,
                stem,
                (TRUE_TEXT, FALSE_TEXT),
                (answer_text,),
                explanation(verdict, true_text),
                f"{item}|{'T' if truth else 'F'}",
                base - 0.15,
            )
            out.append(Candidate(q, norm(item), "item", truth, _group(enum)))
    return out


def _statement_head(enum: Enumeration) -> str | None:
    """The verbatim lead-in a 判断 statement about one item starts with."""
    if enum.topic.startswith("《") and enum.context:
        return f"《{short_title(enum.evidence.document)}》{GAP}{enum.context}"
    if enum.context:
        return enum.context.rstrip("—：:，,")
    return None


def _group(enum: Enumeration) -> str:
    return "、".join(sorted(norm(f) for f in (enum.family or enum.items)))
