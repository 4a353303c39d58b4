"""Grading and FSRS review: typed answers as phones type them, choice sets, and cards' due days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from content.grading import accepts, correct_indices, grade_choice, normalise
from content.review import LEARNED_STREAK, review

NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["两个维护", "“两个维护”。", " 两个 维护 ", "两个维护！", "《两个维护》",
                                   "两个　维护", "两个\u200b维护"])
def test_fill_in_accepts_punctuation_spaces_and_quotes(typed: str) -> None:
    assert accepts(typed, ["两个维护"])


@pytest.mark.parametrize(("typed", "accepted"), [
    ("２０２６年", ["2026年"]), ("2026年", ["２０２６年"]), ("ABC", ["abc"]), ("七月底", ["7月底", "七月底"]),
])
def test_fill_in_accepts_width_case_and_listed_alternatives(typed: str, accepted: list[str]) -> None:
    assert accepts(typed, accepted)


@pytest.mark.parametrize("typed", ["两个确立", "两个", "", "。。", "两个维护护"])
def test_fill_in_refuses_other_text_and_empty_answers(typed: str) -> None:
    assert not accepts(typed, ["两个维护"])


def test_normalise_keeps_letters_and_digits_only() -> None:
    assert normalise("Ｆｕｌｌ-width，２０２６！") == "fullwidth2026"


def test_multiple_choice_needs_exactly_the_correct_set() -> None:
    options = ["甲", "乙", "丙", "丁"]
    answer = ["甲", "丙"]
    assert correct_indices(options, answer) == [0, 2]
    assert grade_choice([2, 0], options, answer)
    assert not grade_choice([0], options, answer)
    assert not grade_choice([0, 1, 2], options, answer)
    assert not grade_choice([], options, answer)
    assert not grade_choice([0, 9], options, answer)


def test_a_wrong_answer_comes_back_the_next_day_and_a_right_one_later() -> None:
    wrong = review(None, correct=False, now=NOW)
    assert wrong.due == NOW + timedelta(days=1) and wrong.in_wrongbook and wrong.lapses == 1 and wrong.reps == 1
    right = review(None, correct=True, now=NOW)
    assert right.due >= NOW + timedelta(days=2) and not right.in_wrongbook and right.stability is not None
    assert right.due > wrong.due


def test_the_wrong_book_keeps_a_question_until_it_is_right_twice_in_a_row() -> None:
    card = review(None, correct=False, now=NOW)
    for n in range(1, LEARNED_STREAK):
        card = review(card, correct=True, now=card.due)
        assert card.in_wrongbook and card.streak == n
    card = review(card, correct=True, now=card.due)
    assert not card.in_wrongbook
    again = review(card, correct=False, now=card.due)
    assert again.in_wrongbook and again.streak == 0 and again.lapses == 2
    assert (again.due - card.due) < (card.due - NOW)  # a lapse shortens the interval
