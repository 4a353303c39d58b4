"""Why a question failed verification, as a stable code with parameters — not as an English sentence.

A refused edit is shown to a Chinese-speaking secretary, so the bot needs something it can translate:
``Reason("answer_not_in_evidence", {"answer": "2月25日"})``.  ``str(reason)`` is the English line the CLI
and the logs have always printed ("answer not in evidence: 2月25日"), so nothing that prints a reason
changes; a catalog keyed by ``reason.code`` can say the same in Chinese with the same parameters.

The codes and their meanings are listed in ``content.verify``'s module docstring; :data:`ENGLISH` holds
the English template of each (``str.format`` with the reason's parameters).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENGLISH: dict[str, str] = {
    # evidence and wording, every type
    "no_evidence": "no evidence sentence",
    "evidence_not_in_document": "evidence not verbatim in its document: {line}",
    "empty_stem": "empty stem",
    "stem_too_long": "stem longer than {limit}",
    "explanation_too_long": "explanation longer than {limit}",
    "option_too_long": "option longer than {limit}",
    "empty_option": "empty option",
    "doubled_quotes": "doubled quotation marks in the {field}",
    "stop_before_semicolon": "'。；' in the {field}",
    "chained_headings": "判断 statement chains headings (……一、/……二是)",
    "artifact": "artifact '{artifact}' in question text",
    "unknown_type": "unknown type '{type}'",
    # 单选 / 多选
    "option_count": "{count} options (need {min}–{max})",
    "options_not_unique": "options not unique",
    "answer_not_an_option": "answer not among the options",
    "single_needs_one_answer": "单选 needs exactly one answer",
    "multiple_needs_two_answers": "多选 needs at least two answers",
    "answer_not_in_evidence": "answer not in evidence: {answer}",
    "distractor_in_evidence": "distractor is in the evidence: {option}",
    "distractor_overlaps_answer": "distractor overlaps the answer: {option}",
    "stem_not_verbatim": "stem not verbatim: {fragment}",
    "key_longest": "the key alone is longer than every wrong option by a clear margin: {option}",
    "halves_unbalanced": "two-part options whose halves recur unevenly point at the key: {option}",
    "key_marked": "the key alone carries a mark (quotation marks, a title) no wrong option has: {option}",
    "stem_gives_answer": "stem gives the answer away: {answer}",
    "edit_drops_blank": "the edited stem must keep exactly one blank （　）, as the question it replaces had",
    "edit_not_a_question": "the edited stem must still ask a question (end with ？), as the one it replaces did",
    # 填空
    "fill_needs_one_blank": "填空 needs exactly one blank （　）",
    "no_accepted_answer": "no accepted answer",
    "accepted_answers_differ": "accepted answers are not spellings of one answer",
    "blank_context_not_in_evidence": "the words around the blank, filled in, are not in the evidence: {fragment}",
    # 判断
    "truefalse_options": "判断 needs options 正确/错误 and one answer",
    "true_statement_not_in_evidence": "true statement not in evidence: {fragment}",
    "false_without_original": "false statement without 原文：“…” in the explanation",
    "original_not_in_evidence": "quoted original not in evidence: {fragment}",
    "not_one_swap": "false statement does not differ from the original by exactly one swap",
    "false_statement_verbatim": "false statement is verbatim in the evidence",
    "truefalse_has_blank": "a 判断 statement must be a whole sentence, without a blank （　）",
    "swapped_in_in_evidence": "swapped-in text is in the evidence: {text}",
    "swapped_out_not_in_evidence": "swapped-out text is not in the evidence: {text}",
    "scope_not_in_evidence": "membership scope not in evidence: {fragment}",
    "scope_not_a_list": "the membership lead-in names no list (its 其中 points at no items): {fragment}",
    "not_a_list_item": "not an item of the list: {item}",
    "false_membership_is_listed": "false membership names an item of the list: {item}",
    # the bank as a whole
    "duplicate_id": "duplicate id",
    "near_duplicate": "stem nearly duplicates {other}",
}


@dataclass(frozen=True)
class Reason:
    """One reason a question is not fit to publish: ``code`` (a key of :data:`ENGLISH`) and its parameters."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ENGLISH:
            raise ValueError(f"unknown reason code {self.code!r}")

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**self.params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))


def reason(code: str, **params: object) -> Reason:
    """``Reason(code, params)`` with every parameter as text (a limit or a count arrives as an int)."""
    return Reason(code, {k: str(v) for k, v in params.items()})
