"""Single-span questions: blank a slot in a window of its sentence, or swap it for a 判断 statement.

From one slot — say "2月24日" in "2月24日，中央党的建设工作领导小组召开会议，……" — come up to four
candidates; the ranker keeps the best and never two with near-identical stems::

    single     （　），中央党的建设工作领导小组召开会议，…   A.2月24日 B.2月26日 C.3月5日 D.2月28日
    fill       （　），中央党的建设工作领导小组召开会议，…   答案 2月24日
    truefalse  2月24日，中央党的建设工作领导小组召开会议，…   正确
    truefalse  2月26日，中央党的建设工作领导小组召开会议，…   错误（原文：2月24日…）
"""

from __future__ import annotations

import re

from content.model import FALSE_TEXT, TRUE_TEXT, Question, QuestionType
from content.questions.distractors import Pools
from content.questions.ids import question_id, stable_order
from content.questions.slots import Candidate, Slot
from content.questions.text import BLANK, GAP, cjk_len, clip, norm, short_title, width_variants, window

KIND_WEIGHT = {"item": 1.0, "number": 0.9, "date": 0.85, "term": 0.65, "body": 0.75, "keyword": 0.7, "person": 0.6}
_VAGUE_OPENING = re.compile(r"^(会议|要|这|该|此|其|同时|对此|他|她|我们)")
MAX_WINDOW = 150


def explanation(verdict: str, original: str) -> str:
    """``原文：“…”`` — the true text, clipped so the whole stays within Telegram's 200 characters."""
    room = 200 - len(verdict) - len("原文：“”")
    return f"{verdict}原文：“{clip(original, room)}”"


def cloze_candidates(slot: Slot, pools: Pools, recurring: int) -> list[Candidate]:
    """Every question a slot can make; ``recurring`` = in how many documents its value appears."""
    ev = slot.evidence
    if "\n" in ev.text:
        return []
    text, offset = window(ev.text, slot.start, slot.end)
    if len(text) > MAX_WINDOW:
        return []
    prefix, sentence = "", ev.text
    context = cjk_len(text) - cjk_len(slot.value)
    if context < 12 or _VAGUE_OPENING.match(text.lstrip(GAP)):
        if context < 4:
            return []
        if ev.heading and cjk_len(ev.heading) <= 20:
            # the heading names the meeting or region the sentence belongs to ("区委常委会有关会议精神")
            prefix, sentence = f"【{ev.heading}】", f"{ev.heading}\n{ev.text}"
        elif "《" not in short_title(ev.document):
            prefix = f"《{short_title(ev.document)}》："
        else:
            return []
    before, after = prefix + text[:offset], text[offset + len(slot.value) :]
    stem = before + BLANK + after
    true_text = before + slot.value + after
    base = KIND_WEIGHT[slot.kind] + (0.25 if ev.quoted else 0.0) + min(recurring - 1, 2) * 0.08
    base += 0.1 if 16 <= cjk_len(text) <= 90 else -0.15
    base -= 0.15 if prefix else 0.0
    out: list[Candidate] = []
    key = norm(slot.value)
    nth = ev.text.count(slot.value, 0, slot.start)
    slot_id = slot.value if nth == 0 else f"{slot.value}#{nth}"
    group = "、".join(sorted(norm(f) for f in slot.family)) if len(slot.family) > 1 else key

    def make(
        qtype: QuestionType,
        stem_: str,
        options: tuple[str, ...],
        answer: tuple[str, ...],
        expl: str,
        slot_key: str,
        score: float,
        truth: bool | None = None,
    ) -> Candidate:
        qid = question_id(qtype, ev.text, slot_key)
        q = Question(
            qid=qid,
            qtype=qtype,
            stem=stem_,
            options=options,
            answer=answer,
            explanation=expl,
            doc_id=ev.doc_id,
            document=ev.document,
            sentence=sentence,
            score=round(score, 4),
        )
        return Candidate(q, key, slot.kind, truth, group)

    # fill-in: every slot, key words of sayings only this way
    fill_bonus = 0.1 if slot.kind in ("item", "keyword", "term", "number") else -0.1
    fill_bonus -= 0.05 * max(0, cjk_len(slot.value) - 6)
    out.append(
        make("fill", stem, (), width_variants(slot.value), explanation("", true_text), slot_id, base + fill_bonus)
    )
    if slot.kind == "keyword":
        return out
    picks = pools.pick(slot, 3)
    if len(picks) >= 3:
        quality = sum(d.quality for d in picks) / len(picks) - (0.6 if _giveaway(slot, picks) else 0.0)
        qid_seed = question_id("single", ev.text, slot_id)
        options = stable_order(qid_seed, [slot.value] + [d.value for d in picks])
        out.append(
            make(
                "single", stem, options, (slot.value,), explanation("", true_text), slot_id, base + 0.5 * quality + 0.05
            )
        )
    out.append(
        make(
            "truefalse",
            true_text,
            (TRUE_TEXT, FALSE_TEXT),
            (TRUE_TEXT,),
            explanation("正确。", true_text),
            f"{slot_id}|T",
            base - 0.05,
            truth=True,
        )
    )
    if picks:
        swap = picks[0]
        false_text = before + swap.value + after
        out.append(
            make(
                "truefalse",
                false_text,
                (TRUE_TEXT, FALSE_TEXT),
                (FALSE_TEXT,),
                explanation("错误。", true_text),
                f"{slot_id}|F",
                base - 0.1 + 0.4 * swap.quality,
                truth=False,
            )
        )
    return out


def _giveaway(slot: Slot, picks: list) -> bool:
    """Siblings all start like the answer and no distractor does ("亲自部署、亲自过问…")."""
    head = slot.value[:2]
    siblings = [f for f in slot.family if f != slot.value]
    return (
        bool(siblings)
        and all(f.startswith(head) for f in siblings)
        and not any(d.value.startswith(head) for d in picks)
    )
