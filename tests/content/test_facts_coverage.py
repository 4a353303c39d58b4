"""content-a (#7): headings never glued into a source sentence; new facts of the central texts asked well.

Each test comes from a real case of the shipped materials: the stored sentence
"中央党的建设工作领导小组会议精神\\n要压实…" (a heading read as part of the source), and the facts a strict reader
found without a question (who is charged with 负总责, when the central leading group met, what the Notice
has members study).
"""

from __future__ import annotations

from content.model import Block, Corpus, Document, Question
from content.questions import candidates
from content.questions.attribution import meeting, naming_sentence
from content.questions.described import described_candidates
from content.questions.importance import CENTRAL, OTHERS, TEMPLATE
from content.questions.numbered import numbered_lists
from content.questions.ranking import component_facts
from content.questions.roles import role_candidates
from content.questions.slots import Candidate, Evidence
from content.questions.statements import STATEMENTS, statement_candidates
from content.questions.text import norm, split_attribution
from content.sentences import split_sentences
from content.verify import check_question


def test_a_meetings_name_is_proven_by_its_sentence_not_by_the_heading() -> None:
    first = (
        "中央党的建设工作领导小组2月24日召开会议，学习贯彻习近平总书记关于树立和践行正确政绩观学习教育的重要讲话"
        "和重要指示精神。中共中央政治局常委蔡奇主持会议并讲话。"
    )
    named = meeting("中央党的建设工作领导小组会议精神", [first], "t")
    assert named is not None
    assert named[0] == "中央党的建设工作领导小组会议"
    assert named[1] == first[: first.index("。") + 1]  # one sentence, the heading nowhere
    # a section whose paragraphs never say the body met names no meeting rather than glue the heading
    assert meeting("中央党的建设工作领导小组会议精神", ["要压实工作责任。"], "t") is None


def test_naming_sentence_is_a_whole_sentence_of_the_section() -> None:
    section = ["思想是行动的先导。", "这段时间，习近平总书记在多个场合强调树立和践行正确政绩观。下一句。"]
    assert naming_sentence(section, "习近平总书记") == "这段时间，习近平总书记在多个场合强调树立和践行正确政绩观。"
    assert naming_sentence(section[:1], "习近平总书记") is None


def test_no_stored_source_sentence_carries_a_heading(generated: Corpus) -> None:
    headings = {b.text for d in generated.documents for b in d.blocks if b.kind == "heading"}
    headings |= {d.title for d in generated.documents}
    for q in generated.questions:
        for line in q.sentence.split("\n"):
            assert line not in headings, (q.qid, q.sentence)


def _ev(text: str, tier: int, heading: str = "", doc: str = "a#0") -> Evidence:
    section = ("中央党的建设工作领导小组2月24日召开会议，研究部署学习教育工作。",) if heading else ()
    return Evidence(doc, "资料", text, heading=heading, tier=tier, section=section, doc_tier=tier)


_MEETING = "中央党的建设工作领导小组会议精神"


def test_who_bears_overall_responsibility_is_asked_against_the_bodies_a_deployment_charges() -> None:
    """The central meeting charges two bodies of one kind (党委); a speech names 组织部门, 纪检监察机关, 宣传部门."""
    evidences = [
        _ev("会议指出，学习教育在党中央领导下进行，中央党的建设工作领导小组抓好统筹协调。", CENTRAL, _MEETING),
        _ev("各级党委（党组）要对学习教育负总责。", CENTRAL, _MEETING),
        _ev("行业系统主管部门党委（党组）要充分发挥对本行业本系统学习教育的指导作用。", CENTRAL, _MEETING),
        _ev("党委（党组）主要负责同志要履行好第一责任人责任。", CENTRAL, "", "n#0"),
        _ev("各级党委（党组）要把开展学习教育作为重要政治任务。", CENTRAL, "", "n#0"),
        _ev(
            "各级党委要切实扛起主体责任，主要负责同志要认真履行第一责任人职责；组织部门要牵头抓总、统筹协调，"
            "纪检监察机关要强化监督执纪，宣传部门要做好宣传引导。",
            TEMPLATE,
            "四、强化组织保障",
            "s#0",
        ),
    ]
    singles = {c.question.stem: c.question for c in role_candidates(evidences) if c.question.qtype == "single"}
    overall = next(q for stem, q in singles.items() if "负总责" in stem)
    assert overall.answer == ("各级党委（党组）",)
    assert set(overall.options) - set(overall.answer) <= {"组织部门", "纪检监察机关", "宣传部门"}
    assert len(overall.options) == 4
    for q in singles.values():
        assert "主要负责同志" not in q.options  # a person holds a share of every duty: never a wrong option
        assert "第一责任人" not in q.stem  # "主要负责同志…第一责任人" any member pairs unread
        assert "本行业本系统" not in q.stem  # the duty's words echo the body ("行业系统主管部门")


def test_a_local_or_vague_body_is_no_alternative_for_a_central_duty() -> None:
    """Another unit ("无锡高新区党工委") or an unnamed body ("相关部门", "有关机关") is no wrong option."""
    evidences = [
        _ev("各级党委（党组）要对学习教育负总责。", CENTRAL, _MEETING),
        _ev("无锡高新区党工委要牵头抓总，工作专班要精准指导。", OTHERS, "无锡高新区", "o#0"),
        _ev("区委党的建设工作领导小组要牵头抓总，强化统筹。", OTHERS, "无锡高新区", "o#0"),
        _ev("要压实责任，相关部门要密切配合，有关机关要加强指导。", TEMPLATE, "四、强化组织保障", "s#0"),
    ]
    assert not [c for c in role_candidates(evidences) if c.question.qtype == "single"]


def test_a_central_speakers_statements_make_a_multiple_choice(generated: Corpus) -> None:
    """Its true options are verbatim in the evidence, its false ones are not, and no two come from one sentence.

    Its true options are statements a 判断 could make alone: a copy naming nothing a plausible false twin alters
    ("做好建章立制，深入查找…该废止的废止" beside the one altered "落实五中全会部署") makes "the altered one is
    false" a free rule, as an examiner of the 36 found — the shipped materials give no such 多选 today."""
    texts = {d.doc_id: [b.text for b in d.blocks] for d in generated.documents}
    built = [c.question for c in candidates(generated.documents) if c.kind == STATEMENTS]
    assert not any("该废止的废止" in o or "接受群众评判" in o for q in built for o in q.options)
    for q in built:
        assert not check_question(q, texts[q.doc_id]), q
        assert len(q.options) >= 4 and 2 <= len(q.answer) < len(q.options)
        lines = q.sentence.split("\n")
        for o in q.options:
            said = [line for line in lines if norm(o) in norm(line)]
            assert bool(said) == (o in q.answer), o
        assert "错误选项的原文" in q.explanation and "出自" in q.explanation
        assert len(q.explanation) <= 200


def test_a_statement_already_asked_by_a_judgement_is_no_option_again(generated: Corpus) -> None:
    """The bank never asks one statement twice: as a 判断 and as an option of a statements 多选."""
    judged = {norm(split_attribution(q.stem)[1].rstrip("。")) for q in generated.questions if q.qtype == "truefalse"}
    for q in generated.questions:
        if q.qtype == "multiple" and q.stem.startswith("根据"):
            assert not judged & {norm(o) for o in q.options}, q.stem


def test_a_true_and_a_false_version_of_one_sentence_never_share_a_question() -> None:
    line = "做好建章立制，深入查找现行制度机制中不符合正确政绩观要求的规定，该废止的废止，该修订的修订。"
    rows = [
        ("《通知》强调：" + line, True, "建章立制", line),
        ("《通知》强调：" + line.replace("建章立制", "分类指导"), False, "建章立制", line),
        ("《通知》强调：要坚持开门教育，查摆问题听取群众意见，整改整治接受群众监督。", True, "开门教育", "L2"),
        ("《通知》强调：坚持民生为大，为群众多办实事，让群众可感可及。", True, "民生为大", "L3"),
        ("《通知》强调：以标本兼治、为民造福、科学决策、真抓实干为总要求。", False, "总要求", "L4"),
    ]
    kept = [
        Candidate(
            Question(
                qid=f"q-{i}",
                qtype="truefalse",
                stem=stem,
                options=("正确", "错误"),
                answer=("正确" if truth else "错误",),
                explanation=f"出自《通知》。原文：“{source}”",
                doc_id="n#0",
                document="通知",
                sentence=source,
                score=1.2,
            ),
            fact,
            "item",
            truth,
            fact,
            "",
            CENTRAL,
            CENTRAL,
        )
        for i, (stem, truth, fact, source) in enumerate(rows)
    ]
    made = statement_candidates(kept)
    assert made
    for c in made:
        q = c.question
        assert q.stem == "根据《通知》，下列表述正确的有哪些？"
        assert len(q.options) >= 4
        assert sum("建章立制" in o or "分类指导" in o for o in q.options) <= 1  # its true or its false version
        assert set(component_facts(c)) <= {"建章立制", "开门教育", "民生为大", "总要求"}
    assert not statement_candidates(kept[:3])  # too few statements for a choice: none


_FIVE = (
    "在浙江工作期间，习近平将党员干部在政绩观上出现的偏差，概括为“五重五轻”——",
    "一是重始轻终。我们强调工作要善作善成，但有些干部做工作只是为了装潢门面，为了迎合上级领导，上级一有决策和部署。",
    "二是重短轻长。有的干部急功近利，心态浮躁，只重视创立竿见影、“短平快”的政绩，而不愿意扎扎实实做一些打基础的工作。",
    "三是重显轻隐。有的干部喜欢给自己留名，替自己立碑，追求“看得见、摸得着”的政绩，对经济指标趋之若鹜。",
    "四是重易轻难。有的干部抓工作拈轻怕重，把好做的事揽过来自己去做，棘手的事避开它不愿做或推给别人去做。",
    "五是重局部轻全局。有的干部政治意识和全局观念不强，遇事从个人利益或本地本单位小团体利益出发。",
)


def test_a_numbered_lists_descriptions_are_asked_against_its_other_items() -> None:
    """五重五轻: "拈轻怕重…棘手的事避开它" is 重易轻难; the other items of the list are the wrong options."""
    doc = Document("f#0", "f.txt", "“五重五轻”", tuple(Block("paragraph", t, i) for i, t in enumerate(_FIVE)))
    sentences = {b.index: split_sentences(b.text) for b in doc.blocks}
    enums = numbered_lists(doc, sentences)
    made = [c.question for c in described_candidates(enums, [doc])]
    asked = {q.answer[0]: q for q in made}
    easy = asked["重易轻难"]
    assert "拈轻怕重" in easy.stem and set(easy.options) == {"重始轻终", "重短轻长", "重显轻隐", "重易轻难"}
    assert "‘短平快’" in asked["重短轻长"].stem  # a quotation inside the quoted description goes one level deeper
    assert "重局部轻全局" not in asked  # its description says "全局观念", and its length sets it apart
    for q in made:
        assert not any(o in q.stem for o in q.options)
        assert q.stem.endswith("说的是哪一项？") and "……" not in q.stem
        assert len({c.fact for c in described_candidates(enums, [doc])}) == 1  # one fact: the list's descriptions


def test_the_top_facts_list_facts_not_bundles_of_them(generated: Corpus) -> None:
    assert generated.facts
    assert not any(f.text.startswith(f"{STATEMENTS}:") for f in generated.facts)
