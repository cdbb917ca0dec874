"""Demo data: two fictional policies, each published with its interpretations, and later
stages, so every form (文字、问答、图解、视频、新闻发布会、专家解读) has an example.

Runs after the organisations and demo accounts; idempotent (keyed on the policies' titles).
"""

from __future__ import annotations

import io
from typing import Any

from gongkai.accounts.models import User
from gongkai.interpretations import services
from gongkai.interpretations.models import Form, RiskLevel
from gongkai.interpretations.testing import approve, make_policy, png_bytes
from gongkai.records import services as records
from gongkai.records.models import Record

AFTER_SCHOOL = "（演示）关于规范义务教育阶段学校课后服务的通知"
ADMISSION = "（演示）2025年城区义务教育学校招生入学工作方案"


def _people() -> dict[str, User] | None:
    names = {
        "clerk": "county_clerk",
        "document_reviewer": "county_doc_reviewer",
        "disclosure_reviewer": "county_disclosure_reviewer",
    }
    found = {key: User.objects.filter(username=name).first() for key, name in names.items()}
    if any(user is None for user in found.values()):
        return None
    return {key: user for key, user in found.items() if user is not None}


def _prepare(policy: Record, *, by: User, forms: list[str], concerns: str, answers: str) -> None:
    services.save_plan(
        policy,
        by=by,
        forms=forms,
        timing="与文件同步发布；实施三个月后召开新闻发布会再次解读。",
        speakers="（演示）县教体局基础教育股股长 李明",
    )
    services.save_risk_assessment(
        policy,
        by=by,
        level=RiskLevel.MEDIUM,
        expected_concerns=concerns,
        prepared_answers=answers,
        monitoring_owner=by,
    )


def _qa(record: Record, by: User, pairs: list[tuple[str, str]], **extra: Any) -> None:
    for question, answer in pairs:
        services.add_qa_entry(record, by=by, question=question, answer=answer, **extra)


def seed(command: Any) -> None:
    people = _people()
    if people is None or Record.objects.filter(title=AFTER_SCHOOL).exists():
        return
    clerk = people["clerk"]

    def review(record: Record) -> Record:
        return approve(record, **people)

    # 1. 规范性文件: Q&A and graphic at publication, then video, press conference, expert.
    policy = make_policy(
        by=clerk,
        title=AFTER_SCHOOL,
        document_number="演教体发〔2025〕7号",
        body="<p>为规范课后服务，减轻学生课外负担，现就有关事项通知如下。</p>"
        "<p>一、课后服务坚持学生和家长自愿。二、收费按成本补偿、非营利原则核定并公示。</p>",
    )
    _prepare(
        policy,
        by=clerk,
        forms=[Form.QA, Form.GRAPHIC, Form.VIDEO, Form.PRESS_CONFERENCE, Form.EXPERT_ARTICLE],
        concerns="家长关心是否强制参加、收费标准和困难家庭减免。",
        answers="坚持自愿；收费标准经价格主管部门核定并在公示栏公示；困难家庭学生免收。",
    )
    review(policy)
    qa = services.create_interpretation(
        by=clerk,
        policies=[policy],
        form=Form.QA,
        title=f"【部门负责人解读】关于《{AFTER_SCHOOL}》的问答",
        body="<p>县教体局基础教育股负责人就课后服务有关问题答问。</p>",
        interpreter_name="李明（演示）",
        interpreter_title="县教体局基础教育股股长",
        contact_phone="0635-0000000",
    )
    _qa(
        qa,
        clerk,
        [
            ("课后服务是否必须参加？", "不是。课后服务坚持学生和家长自愿，学校不得强制。"),
            ("收费标准如何确定？", "按成本补偿、非营利原则核定，并在学校公示栏公示。"),
            ("家庭经济困难学生怎么办？", "家庭经济困难学生免收课后服务费用。"),
        ],
        answerer="李明（演示）",
    )
    review(qa)
    graphic = services.create_interpretation(
        by=clerk,
        policies=[policy],
        form=Form.GRAPHIC,
        title="图解：一图读懂课后服务（演示）",
        body="<p>用一张图说明课后服务的时间、内容和收费。</p>",
    )
    services.add_image(
        graphic,
        io.BytesIO(png_bytes(8, 6)),
        "一图读懂课后服务.png",
        by=clerk,
        alt_text="课后服务时间、内容和收费一览图",
        description="服务时间：每个上课日放学后至17:30。内容：作业辅导、体育、艺术、科普活动。"
        "收费：每生每学期不超过300元（演示数据），家庭经济困难学生免收。",
    )
    review(graphic)
    records.publish(Record.objects.get(pk=policy.pk), by=clerk)

    video = services.create_interpretation(
        by=clerk,
        policies=[policy],
        form=Form.VIDEO,
        stage="实施一个月后",
        title="视频解读：课后服务怎么选（演示）",
        body="<p>短视频介绍家长如何为孩子选择课后服务项目。</p>",
        video_url="https://example.org/demo/after-school.mp4",
        transcript="大家好。本学期课后服务开设作业辅导、体育、艺术和科普四类项目，"
        "家长可在开学第一周通过班主任自愿报名。",
    )
    records.publish(review(video), by=clerk)
    briefing = services.create_interpretation(
        by=clerk,
        policies=[policy],
        form=Form.PRESS_CONFERENCE,
        stage="实施三个月后",
        title="课后服务实施情况新闻发布会（演示）",
        body="<p>县教体局召开新闻发布会，通报课后服务实施三个月的情况。</p>",
        transcript="主持人：各位记者朋友，大家好。今天我们通报全县课后服务实施情况。\n"
        "李明：全县义务教育学校均已开展课后服务，参加学生约占在校生的八成（演示数据）。",
    )
    services.add_speaker(briefing, by=clerk, name="李明（演示）", title="县教体局基础教育股股长")
    _qa(
        briefing,
        clerk,
        [("课后服务会不会变成集体补课？", "不会。课后服务严禁讲授新课，我们将开展专项检查。")],
        answerer="李明（演示）",
        asked_by="演示日报记者",
    )
    records.publish(review(briefing), by=clerk)

    # 2. 招生政策: article at publication, expert article as a later stage.
    admission = make_policy(
        by=clerk,
        item_code="05.02",
        title=ADMISSION,
        document_number="演教体发〔2025〕9号",
        body="<p>坚持免试就近入学，公办民办学校同步招生。</p>",
    )
    _prepare(
        admission,
        by=clerk,
        forms=[Form.ARTICLE, Form.EXPERT_ARTICLE],
        concerns="随迁子女入学条件、学区划分。",
        answers="随迁子女凭居住证明入学；学区范围另行公告。",
    )
    review(admission)
    article = services.create_interpretation(
        by=clerk,
        policies=[admission],
        form=Form.ARTICLE,
        title=f"关于《{ADMISSION}》的政策解读",
        body="<h3>一、起草背景</h3><p>落实免试就近入学要求。</p>"
        "<h3>二、主要内容</h3><p>报名时间、招生办法和随迁子女入学。</p>"
        "<h3>三、施行日期</h3><p>自发布之日起施行。</p>",
        interpreter_name="李明（演示）",
        interpreter_title="县教体局基础教育股股长",
    )
    review(article)
    records.publish(Record.objects.get(pk=admission.pk), by=clerk)
    expert = services.create_interpretation(
        by=clerk,
        policies=[admission],
        form=Form.EXPERT_ARTICLE,
        stage="招生报名前",
        title="专家解读：就近入学如何兼顾公平（演示）",
        body="<p>就近入学以学区为单位，兼顾均衡与便利。</p>",
        interpreter_name="张华（演示）",
        interpreter_title="某师范学院教育学教授（演示）",
    )
    records.publish(review(expert), by=clerk)
