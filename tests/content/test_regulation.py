"""A branch's own regulation, as a tester wrote it (Chinese numerals, frequencies, a counted list, deadlines),
and a short news report: new materials of another structure must give sensible questions with no code change.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from content.model import FALSE_TEXT, Corpus, Question
from content.pipeline import build_corpus
from content.questions.quantities import parse, period
from content.questions.text import BLANK, contains
from content.verify import check_bank, check_question

TITLE = "中共滨江研究院机关第二党支部组织生活制度"
ADOPTED = "（2026年3月10日支部委员会审议通过）"
ARTICLES = (
    "第一条 为严肃党内政治生活，规范党支部组织生活，根据《中国共产党章程》和《中国共产党支部工作条例（试行）》，"
    "结合本支部实际，制定本制度。",
    "第二条 党支部组织生活坚持以习近平新时代中国特色社会主义思想为指导，坚持民主集中制原则，坚持从严从实要求，"
    "做到经常性、严肃性、实效性相统一。",
    "第三条 党支部严格落实“三会一课”制度。党员大会每季度至少召开一次，支部委员会会议每月召开一次，"
    "党小组会每月召开一次；党支部书记每年至少为党员讲一次党课。",
    "第四条 每月第三个星期五为主题党日。主题党日活动应当结合集中学习、过组织生活、开展志愿服务等内容开展，"
    "每次活动时间一般不少于两小时。",
    "第五条 党支部每年召开一次组织生活会，一般安排在第四季度。召开组织生活会前，党支部应当认真组织学习，"
    "开展谈心谈话，广泛征求意见。",
    "第六条 党支部每年开展一次民主评议党员，评议结果分为优秀、合格、基本合格、不合格四个等次。"
    "评为优秀的党员一般不超过参评党员总数的三分之一。",
    "第七条 党员应当按月交纳党费。因特殊原因不能按月交纳的，经党支部同意可以补交，补交时间一般不超过三个月。"
    "党员连续六个月不交纳党费，又没有正当理由的，按照自行脱党处理。",
    "第八条 党员每年参加集中学习培训累计不少于32学时，党支部书记和支部委员每年累计不少于56学时。",
    "第九条 党员因外出工作、学习等原因需要离开本支部六个月以上的，应当在一个月内向党支部书面报告，"
    "党支部应当在十五日内作出答复。",
    "第十条 本制度由党支部委员会负责解释，自印发之日起施行。",
)
NEWS = """滨江街道党工委召开树立和践行正确政绩观学习教育推进会
来源：滨江街道党建 2026年3月19日

3月18日下午，滨江街道党工委召开树立和践行正确政绩观学习教育推进会，街道党工委书记陈立新主持会议并讲话，各社区党组织书记、街道机关各党支部书记参加会议。
会议传达学习了中央党的建设工作领导小组2月24日会议精神、省委常委会2月26日会议精神和市委常委会2月28日会议精神，通报了前一阶段街道学习教育开展情况。
会议指出，开展学习教育是贯彻落实党中央部署的重要举措，要坚持学查改一体推进，把学习成效体现到为民办实事的具体行动中。
会议要求，各基层党组织要在3月底前完成集中学习，每名党员撰写心得体会不少于1500字；要聚焦群众反映强烈的停车难、加装电梯、老旧小区改造等8个方面问题，建立问题清单和整改台账，逐项明确责任人和完成时限。
会议强调，要坚持开门教育，广泛听取群众意见，防止形式主义、官僚主义，确保学习教育取得实实在在的成效。
会上，3个社区党委和2个机关党支部作了交流发言。大家表示，将把学习教育同基层治理、民生服务结合起来，以实干实绩检验学习成效。会议还对下一阶段工作作出安排：4月上旬组织专题研讨，4月中旬开展“我为群众办实事”实践活动，6月底前完成问题整改。
"""
MONTH = re.compile(r"(\d{1,2})月")


def write_docx(folder: Path) -> Path:
    doc = DocxDocument()
    doc.add_paragraph(TITLE)
    doc.add_paragraph(ADOPTED)
    for article in ARTICLES:
        doc.add_paragraph(article)
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(str(folder / "010_组织生活制度.docx"))
    return folder


def write_txt(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "010_组织生活制度.txt").write_text("\n".join((TITLE, ADOPTED, "", *ARTICLES)) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def regulation(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(write_docx(tmp_path_factory.mktemp("docx")), curated_path=None)


def bank(corpus: Corpus) -> list[Question]:
    return [q for q in corpus.questions if q.enabled]


def wrong(q: Question) -> list[str]:
    return [o for o in q.options if o not in q.answer]


def test_the_adoption_line_dates_the_document_and_is_not_a_block(regulation: Corpus) -> None:
    (doc,) = regulation.documents
    assert doc.title == TITLE and doc.published == date(2026, 3, 10)
    assert not any("审议通过" in b.text for b in doc.blocks)
    assert [b.marker for b in doc.blocks] == [a.split(" ")[0] for a in ARTICLES]


def test_ten_articles_give_a_dozen_verified_questions_of_three_types(regulation: Corpus) -> None:
    qs = bank(regulation)
    types = Counter(q.qtype for q in qs)
    assert len(qs) >= 12 and len(types) >= 3, types
    assert check_bank(qs, regulation.documents).ok
    texts = [b.text for b in regulation.documents[0].blocks]
    assert all(check_question(q, texts) == [] for q in qs)
    assert len({q.sentence.split("\n")[-1] for q in qs}) >= 8  # spread over the articles, not piled on one
    for q in qs:
        if q.qtype in ("single", "multiple"):  # exactly one right answer: the others are not in the evidence
            assert all(contains(q.sentence, a) for a in q.answer)
            assert not any(contains(q.sentence, o) for o in wrong(q)), q.stem


def test_chinese_numerals_frequencies_ordinals_and_fractions_are_asked(regulation: Corpus) -> None:
    answers = {a for q in bank(regulation) for a in q.answer}
    assert answers & {"一次", "两小时", "三个月", "六个月", "一个月", "十五日"}, answers
    assert answers & {"每季度", "每月", "每年", "按月"}, answers
    assert answers & {"第三个星期五", "第四季度"}, answers
    assert "32学时" in answers or "56学时" in answers, answers


def test_number_options_share_the_answers_measure_and_numerals(regulation: Corpus) -> None:
    numeric = [q for q in bank(regulation) if q.qtype == "single" and parse(q.answer[0]) is not None]
    assert len(numeric) >= 3
    for q in numeric:
        measures = {parse(o)[1] if parse(o) else None for o in q.options}
        assert len(measures) == 1, q.options  # 个月 against 个月, 学时 against 学时
        styles = {o[0].isdigit() for o in q.options}
        assert len(styles) == 1, q.options  # never "六个月" beside "6个月"
        paragraph = next(b.text for b in regulation.documents[0].blocks if q.sentence.split("\n")[-1] in b.text)
        assert not any(o in paragraph for o in wrong(q)), (q.stem, q.options)  # no value the article also states
    frequencies = [q for q in bank(regulation) if q.qtype == "single" and period(q.answer[0]) is not None]
    assert frequencies and all(all(period(o) is not None for o in q.options) for q in frequencies)


def test_a_counted_list_is_asked_without_its_items_and_item_by_item(regulation: Corpus) -> None:
    count = [q for q in bank(regulation) if q.answer[0] == "四个等次"]
    assert count, "no question on how many grades there are"
    for q in count:
        assert "……（　）" in q.stem and "基本合格" not in q.stem  # the items would count the answer off
    grades = ("优秀", "合格", "基本合格", "不合格")
    assert all(o.endswith("个等次") for q in count if q.qtype == "single" for o in q.options)
    items = [q for q in bank(regulation) if q.answer[0] in grades]
    for q in items:  # an item of a counted list is only ever asked against items counted in the same measure
        assert q.qtype != "single" or all(o in grades for o in q.options), q.options


def test_false_statements_swap_towards_the_stricter_side_of_a_bound(regulation: Corpus) -> None:
    falses = [q for q in bank(regulation) if q.qtype == "truefalse" and q.answer == (FALSE_TEXT,)]
    assert falses
    for q in falses:
        # "至少召开一次" → only more is false; "六个月以上的" / "一个月内" / "不超过三个月" → only less
        assert not re.search(r"至少召开半|每两年至少|不少于(?:1\d|2\d)学时|(?:十二|十八)个月以上的", q.stem), q.stem


def test_sentences_inside_an_article_are_named_by_it(regulation: Corpus) -> None:
    named = [q for q in bank(regulation) if re.match(r"^第[一二三四五六七八九十]+条规定：", q.stem)]
    assert named, [q.stem for q in bank(regulation)]
    for q in named:
        article = q.stem.split("规定：")[0]
        assert q.sentence.startswith(article + "\n") and f"原文（{article}）" in q.explanation


def test_the_plain_text_version_gives_the_same_bank(regulation: Corpus, tmp_path: Path) -> None:
    txt = build_corpus(write_txt(tmp_path / "txt"), curated_path=None)
    assert [(q.qid, q.stem, q.options) for q in bank(txt)] == [(q.qid, q.stem, q.options) for q in bank(regulation)]


def test_a_short_news_report_gives_a_few_good_questions_and_no_month_giveaway(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "020_推进会.txt").write_text(NEWS, encoding="utf-8")
    unmarked = build_corpus(folder, curated_path=None)
    assert not [q for q in bank(unmarked) if MONTH.search(q.answer[0])], "another street's dates are trivia"
    marked = build_corpus(folder, curated_path=None, core=("020_推进会.txt",))  # a mark weighs, lifts no filter
    assert not [q for q in bank(marked) if MONTH.search(q.answer[0])]
    corpus = build_corpus(folder, curated_path=None, own_bodies=("滨江街道",))  # the branch's own street
    qs = bank(corpus)
    assert 500 <= len(NEWS) <= 700
    assert len(qs) >= 4 and check_bank(qs, corpus.documents).ok, [q.stem for q in qs]
    dated = [q for q in qs if q.qtype == "single" and MONTH.search(q.answer[0])]
    assert dated
    for q in dated:
        months = {MONTH.search(o).group(1) for o in wrong(q)}
        assert not (len(months) == 1 and MONTH.search(q.answer[0]).group(1) not in months), q.options
    assert all(BLANK in q.stem or "？" in q.stem or q.qtype == "truefalse" for q in qs)
