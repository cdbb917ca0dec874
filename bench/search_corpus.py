"""A synthetic but realistic corpus for the search benchmark (deterministic for a seed).

Titles and bodies are built the way county education bureaus and schools write disclosure
notices: a title pattern per catalogue item ("东昌府区教育和体育局关于2025年城区小学招生范围的
公告"), a body of item-specific sentences mixed with the boilerplate every notice carries, and for
some items an attachment-like list (school names, streets, villages). Words are drawn with
Zipf-like weights, so common words (工作, 学校, 教育) are in most documents and names in few,
as in the real thing. Every organisation and person in it is fictional apart from the eleven
county-level districts of Liaocheng, which are real place names.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COUNTIES = [
    ("371502", "东昌府区"),
    ("371503", "茌平区"),
    ("371581", "临清市"),
    ("371521", "阳谷县"),
    ("371522", "莘县"),
    ("371524", "东阿县"),
    ("371525", "冠县"),
    ("371526", "高唐县"),
    ("371571", "经开区"),
    ("371572", "高新区"),
    ("371573", "度假区"),
]

PLACE_SYLLABLES = (
    "青禾 柳林 张秋 沙镇 安乐 凤凰 梁水 侯营 郑家 李海 朱老 堂邑 闫寺 道口 许营 斗虎 古楼 "
    "新华 湖西 北城 东城 道北 柳园 嘉明 于集 顾官 广平 堠堌 梨园 魏庄 刘垓 烟店 潘庄 康庄 "
    "尚店 戴湾 金郝 八岔 先锋 松林 大桥 石佛 定水 十五里 韩集 冯官 肖家 博平 菜屯 杜郎 信发 "
    "振兴 温陈 洪官 乐平 贾寨 胡屯 韩屯 高集 唐园 燕店 王奉 董杜 古城 张鲁 妹冢 樱桃 柿子园 "
    "鱼山 铜城 姜楼 刘集 牛角店 大桥 陈集 牛王 杨屯 杨集 固河 姜店 琉璃寺 赵寨子 尹集 梁村"
).split()

SCHOOL_KINDS = [
    "中心小学",
    "第一小学",
    "第二小学",
    "实验小学",
    "初级中学",
    "九年一贯制学校",
    "中学",
    "希望小学",
    "明德小学",
    "育才学校",
    "实验学校",
    "第三小学",
]

STREETS = (
    "兴华路 建设路 东昌路 柳园路 振兴路 光岳路 向阳路 湖南路 花园路 利民路 育新街 文轩路 "
    "站前街 卫育路 昌润路 东关街 古楼街 闸口街 运河路 财干路 新区路 松桂路 茶园路"
).split()

VILLAGES_SUFFIX = ["村", "社区", "庄", "屯", "营", "集"]
STAGES = ["小学", "初中", "小学一年级", "初中一年级", "义务教育阶段"]
AREAS = ["城区", "主城区", "镇驻地", "农村", "新城区", "开发区"]
DOC_KINDS = ["通知", "公告", "公示", "方案", "办法", "报告", "通报", "情况说明", "实施细则"]

BOILERPLATE = [
    "为深入贯彻落实党的教育方针，进一步规范{area}义务教育学校办学行为，结合我{unit}实际，现将有关事项{notice}如下。",
    "各{subunit}要高度重视，加强组织领导，明确工作责任，确保各项工作落到实处。",
    "联系电话：0635-{phone}，监督电话：0635-{phone2}。",
    "本{doc}自发布之日起施行，由{org}负责解释。",
    "请各单位严格按照要求抓好落实，工作中遇到的问题及时向{org}报告。",
    "坚持公平公正、公开透明的原则，接受社会各界和广大家长的监督。",
    "附件：{year}年{area}{stage}{item}一览表",
    "特此{notice}。",
    "{org}{date}",
    "以上信息如有疑问，请在工作日上午8:30—12:00、下午14:00—18:00咨询。",
    "各学校要通过学校网站、公示栏、家长群等渠道做好政策宣传解读工作。",
    "严禁以任何形式举行或变相举行与入学挂钩的考试、测试和竞赛。",
    "进一步完善工作机制，强化督促检查，推动政务公开工作规范化、标准化。",
    "根据《中华人民共和国政府信息公开条例》和《山东省政务公开办法》有关规定，现予以公开。",
]

#: Sentences and title words per catalogue item code. ``{...}`` slots are filled at random.
ITEMS: dict[str, dict[str, list[str]]] = {
    "01.01": {
        "title": ["《中华人民共和国{law}》", "{org}学习宣传《中华人民共和国{law}》工作方案"],
        "body": [
            "深入学习宣传《中华人民共和国{law}》，增强依法治教意识。",
            "组织全体教职工认真学习教育法律法规，提高依法执教水平。",
        ],
    },
    "01.02": {
        "title": [
            "{org}关于印发《{area}义务教育学校管理办法》的通知",
            "关于进一步规范中小学办学行为的若干意见",
        ],
        "body": [
            "本办法适用于{area}行政区域内的公办和民办义务教育学校。",
            "规范性文件实行统一登记、统一编号、统一印发制度。",
        ],
    },
    "02.01": {
        "title": [
            "{org}{year}年工作总结和{year1}年工作计划",
            "{year}年{county}教育事业发展主要情况",
        ],
        "body": [
            "{year}年全{unit}共有义务教育学校{n}所，在校学生{n4}人，专任教师{n3}人。",
            "教育事业发展主要情况良好，办学条件持续改善，教育质量稳步提升。",
            "新建改扩建中小学{n}所，新增学位{n4}个，有效缓解城区大班额问题。",
        ],
    },
    "02.02": {
        "title": ["{county}{year}年教育统计数据", "{year}年{county}教育事业统计公报"],
        "body": [
            "全{unit}小学{n}所，初中{n}所，小学在校生{n4}人，初中在校生{n4}人。",
            "教育统计数据包括学校数据、在校生数据、教师数据和办学条件数据。",
        ],
    },
    "02.03": {
        "title": ["{county}义务教育学校名录（{year}年）", "{org}{year}年义务教育学校名录"],
        "body": ["义务教育学校名录包括学校名称、学校地址、办学层次、办学类型和办公电话。"],
        "list": ["{school}，地址：{street}{n}号，办学层次：{stage}，电话：0635-{phone}"],
    },
    "03.01": {
        "title": ["{county}民办学校基本信息公示", "{school}（民办）办学基本信息"],
        "body": [
            "民办学校办学许可证编号：教民{n6}号，办学规模{n3}人。",
            "民办学校应当依法办学，规范招生行为，不得违规收费。",
        ],
    },
    "03.02": {
        "title": ["关于同意设立{school}的批复", "{county}民办学校行政许可事项办理结果"],
        "body": [
            "经审核，同意{school}变更举办者，变更后办学地址不变。",
            "民办学校设立、变更、终止等行政许可依法办理，审批结果予以公开。",
        ],
    },
    "03.03": {
        "title": ["{county}{year}年度民办学校年度检查结果", "关于民办学校日常监督检查情况的通报"],
        "body": [
            "经年度检查，{n}所民办学校年检结果为合格，{n1}所为基本合格。",
            "对检查中发现的问题，责令限期整改，整改情况纳入年度检查。",
        ],
    },
    "04.01": {
        "title": [
            "{org}{year}年部门预算公开",
            "{org}{year}年部门决算公开",
            "{school}收费项目及收费标准公示",
        ],
        "body": [
            "{year}年一般公共预算财政拨款收入{n4}万元，比上年增长{n1}%。",
            "收费项目、收费依据及收费标准严格按照物价部门核定执行，严禁乱收费。",
            "三公经费支出{n3}万元，其中公务接待费{n2}万元。",
            "年度经费预算、决算信息按规定在批复后20日内公开。",
        ],
    },
    "05.01": {
        "title": ["{school}学校介绍", "{school}办学基本情况"],
        "body": [
            "{school}始建于{y0}年，占地面积{n4}平方米，现有教学班{n2}个，学生{n4}人。",
            "学校办学性质为公办，办学地点位于{street}{n}号。",
        ],
    },
    "05.02": {
        "title": [
            "{org}关于做好{year}年义务教育招生入学工作的通知",
            "{county}{year}年义务教育学校招生工作实施方案",
            "{year}年{county}随迁子女入学办法",
        ],
        "body": [
            "坚持免试就近入学，公办学校实行划片招生，民办学校纳入审批地统一管理。",
            "随迁子女入学按照“两为主、两纳入”的要求，以居住证为主要依据。",
            "适龄儿童应于{date}前完成网上入学登记，逾期未登记的由教体局统筹安排。",
            "招生工作实施方案经县教体局审定后向社会公布。",
            "严禁义务教育学校以各类竞赛证书、考级证明作为招生依据。",
        ],
    },
    "05.03": {
        "title": ["{county}{year}年义务教育学校招生计划", "{school}{year}年招生计划"],
        "body": [
            "{year}年计划招收{stage}新生{n3}人，设{n2}个教学班，班额不超过45人。",
            "各校本年度招生计划经审核后统一公布。",
        ],
    },
    "05.04": {
        "title": [
            "{org}关于{year}年{area}{stage}招生范围的公告",
            "{school}{year}年招生范围",
            "{county}{year}年义务教育学校招生范围划分",
        ],
        "body": [
            "根据就近入学原则，现将{year}年{area}{stage}招生范围公告如下。",
            "学区划分详细情况以本公告附件为准，未列入的区域由教体局统筹安排。",
            "招生范围内的适龄儿童凭户口簿和房产证明报名。",
        ],
        "list": [
            "{school}招生范围：{street}以东、{street2}以北，包括{village}、{village2}、{village3}"
        ],
    },
    "05.05": {
        "title": ["{school}{year}年新生录取结果公示", "{county}{year}年义务教育招生结果"],
        "body": [
            "{year}年共录取{stage}新生{n3}人，录取名单已在学校公示栏公示。",
            "对录取结果有异议的，可在公示期内向学校或教体局反映。",
        ],
    },
    "06.01": {
        "title": ["{county}中小学生学籍管理办法", "关于做好{year}年秋季学期学籍管理工作的通知"],
        "body": [
            "学生转学、休学、复学按照学籍管理办法规定的流程办理。",
            "学籍信息变动应在全国中小学生学籍信息管理系统中及时更新。",
            "严禁人籍分离、空挂学籍，学籍异动须经县级教育行政部门审核。",
        ],
    },
    "06.02": {
        "title": [
            "{county}{year}年义务教育学生资助政策",
            "{school}{year}年家庭经济困难学生生活补助名单公示",
            "关于做好{year}年秋季学期学生资助工作的通知",
        ],
        "body": [
            "义务教育“两免一补”政策：免除学杂费、免费提供教科书、对家庭经济困难寄宿生补助生活费。",
            "资助对象、标准、程序严格按照学生资助政策执行，资助结果在校内公示5个工作日。",
            "小学每生每年补助{n3}元，初中每生每年补助{n3}元。",
            "建档立卡家庭学生、低保家庭学生、特困供养学生优先纳入资助范围。",
        ],
    },
    "06.03": {
        "title": [
            "{county}{year}年三好学生和优秀学生干部评选办法",
            "{school}{year}年学生评优结果公示",
        ],
        "body": ["评优奖励办法、评选程序和评选结果向全体师生公开。"],
    },
    "06.04": {
        "title": ["{county}军人子女入学优待政策", "关于落实消防救援人员子女教育优待政策的通知"],
        "body": [
            "军人、烈士、消防救援人员子女按规定享受入学优待。",
            "优待对象持相关证明材料到教体局办理，优待内容及办理程序予以公开。",
        ],
    },
    "07.01": {
        "title": ["{org}{year}年教师培训计划", "关于开展{year}年暑期教师全员培训的通知"],
        "body": ["{year}年计划培训中小学教师{n4}人次，培训项目包括师德师风、信息技术应用能力等。"],
    },
    "07.02": {
        "title": ["{county}{year}年中小学教师资格认定公告", "{year}年上半年教师资格认定结果"],
        "body": [
            "教师资格认定条件、认定程序、认定机构及联系方式见本公告。",
            "申请人须在规定时间内登录中国教师资格网进行网上申报。",
        ],
    },
    "07.03": {
        "title": [
            "{county}{year}年公开招聘中小学教师公告",
            "{county}{year}年公开招聘教师拟聘用人员名单公示",
        ],
        "body": [
            "{year}年公开招聘中小学教师{n3}名，招聘岗位及计划见附件。",
            "招聘程序包括报名、资格审查、笔试、面试、考察、体检和公示。",
        ],
    },
    "07.04": {
        "title": ["{org}关于加强师德师风建设的实施意见", "中小学教师职业行为十项准则"],
        "body": ["严格执行中小学教师职业行为准则，对师德失范行为实行一票否决。"],
    },
    "07.05": {
        "title": ["{county}{year}年优秀教师和优秀班主任评选结果公示"],
        "body": ["评选办法、推荐程序和评选结果予以公示，公示期为5个工作日。"],
    },
    "07.06": {
        "title": [
            "{county}{year}年中小学教师职称评审结果公示",
            "关于做好{year}年度中小学教师职称评审工作的通知",
        ],
        "body": ["职称评审政策、评审条件及程序按照省市有关文件执行。"],
    },
    "07.07": {
        "title": [
            "{county}{year}年特岗教师招聘公告",
            "{year}年农村义务教育阶段学校特岗教师招聘结果",
        ],
        "body": [
            "{year}年特岗计划招聘特岗教师{n2}名，服务期3年。",
            "特岗教师招聘岗位主要面向农村义务教育阶段学校。",
        ],
    },
    "07.08": {
        "title": ["{county}{year}年乡村教师生活补助发放情况", "关于落实乡村教师生活补助政策的通知"],
        "body": [
            "乡村教师生活补助按照学校偏远程度实行差别化补助，每人每月{n3}元。",
            "补助范围为在乡村学校任教的在编在岗教师。",
        ],
    },
    "07.09": {
        "title": ["{year}年{county}普通话水平测试安排", "关于{year}年普通话水平测试报名的通知"],
        "body": [
            "普通话水平测试实行网上报名，测试结果可在国家普通话水平测试在线查询。",
            "普通话培训测试安排、报名方式和测试结果查询方式见附件。",
        ],
    },
    "08.01": {
        "title": ["{county}{year}年控辍保学工作方案", "关于做好控辍保学工作的通知"],
        "body": [
            "落实控辍保学责任制，确保适龄儿童少年不失学辍学。",
            "对疑似失学辍学学生逐一劝返复学，建立台账，动态清零。",
            "残疾儿童采取送教上门等方式接受义务教育。",
        ],
    },
    "08.02": {
        "title": [
            "{county}农村义务教育学生营养改善计划实施方案",
            "{year}年营养改善计划资金使用情况公示",
        ],
        "body": [
            "营养改善计划补助标准为每生每天{n1}元，供餐模式以学校食堂供餐为主。",
            "营养改善计划资金专款专用，严禁挤占挪用。",
        ],
    },
    "08.03": {
        "title": ["{county}{year}年学校体育工作评价结果", "{year}年学生体质健康测试情况通报"],
        "body": ["学生体质健康测试合格率{n2}%，优良率{n2}%。"],
    },
    "08.04": {
        "title": ["{county}{year}年学校美育工作年度报告", "{school}美育工作评价结果"],
        "body": ["开齐开足美育课程，每周艺术课不少于2课时。"],
    },
    "09.01": {
        "title": ["{county}{year}年教育督导工作计划", "关于{school}督导检查整改情况的报告"],
        "body": ["督导报告指出的问题已逐项整改，整改情况向社会公开。"],
    },
    "09.02": {
        "title": ["{county}义务教育优质均衡发展督导评估报告", "{county}义务教育均衡督导整改情况"],
        "body": ["义务教育均衡发展督导评估各项指标均达到国家标准。"],
    },
    "10.01": {
        "title": [
            "{school}校园安全应急预案",
            "{county}{year}年校车使用许可公示",
            "关于做好{year}年暑期学生安全工作的通知",
        ],
        "body": [
            "校车驾驶人须取得校车驾驶资格，校车使用许可予以公示。",
            "加强校园安全管理，完善突发事件应急预案，开展防溺水、防欺凌教育。",
            "落实双减政策，规范校外培训，做好课后服务工作，课后服务结束时间不早于当地正常下班时间。",
        ],
    },
}

#: How often records of each item are published (enrolment dominates, as on the real column).
ITEM_WEIGHTS = dict.fromkeys(ITEMS, 1.0)
ITEM_WEIGHTS.update(
    {
        "05.04": 6,
        "05.02": 4,
        "05.03": 4,
        "05.05": 4,
        "04.01": 5,
        "06.02": 4,
        "10.01": 3,
        "07.03": 3,
        "02.03": 2,
        "06.01": 2,
    }
)

LAWS = ["教育法", "义务教育法", "民办教育促进法", "教师法", "国家通用语言文字法", "未成年人保护法"]


@dataclass
class Organisation:
    code: str
    name: str
    kind: str
    parent_code: str | None
    path: str


@dataclass
class Document:
    title: str
    body: str
    attachment: str
    item_code: str
    organisation: Organisation
    published_at: datetime


def build_organisations(count: int = 3000, seed: int = 7) -> list[Organisation]:
    """The city bureau, the 11 real county-level bureaus, townships, and schools up to ``count``."""
    rng = random.Random(seed)
    city = Organisation("371500", "聊城市教育和体育局", "city", None, "/371500/")
    orgs = [city]
    counties = []
    for code, name in COUNTIES:
        county = Organisation(
            code, f"{name}教育和体育局", "county", city.code, f"{city.path}{code}/"
        )
        counties.append((county, name))
        orgs.append(county)
    townships = []
    n = 0
    while len(orgs) < count:
        county, county_name = counties[n % len(counties)]
        place = PLACE_SYLLABLES[(n // len(counties)) % len(PLACE_SYLLABLES)]
        n += 1
        code = f"{county.code}-B{n:03d}"
        township = Organisation(
            code,
            f"{county_name}{place}镇中心学校",
            "township",
            county.code,
            f"{county.path}{code}/",
        )
        orgs.append(township)
        townships.append((township, place))
        for k in range(rng.randint(12, 22)):
            if len(orgs) >= count:
                break
            kind = SCHOOL_KINDS[k % len(SCHOOL_KINDS)]
            prefix = place if k < len(SCHOOL_KINDS) else f"{place}{rng.choice(PLACE_SYLLABLES)}"
            scode = f"{code}-{k + 1:02d}"
            orgs.append(
                Organisation(
                    scode,
                    f"{county_name}{prefix}{kind}",
                    "school",
                    code,
                    f"{township.path}{scode}/",
                )
            )
    return orgs


class Generator:
    def __init__(self, organisations: list[Organisation], seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.organisations = organisations
        self.by_code = {o.code: o for o in organisations}
        self.schools = [o for o in organisations if o.kind == "school"]
        self.publishers = [o for o in organisations if o.kind != "school"]
        self.items = list(ITEMS)
        self.item_weights = [ITEM_WEIGHTS[c] for c in self.items]
        # Zipf-like weights over the shared boilerplate: the first lines are in most documents.
        self.boiler_weights = [1 / (i + 1) for i in range(len(BOILERPLATE))]

    def county_name(self, org: Organisation) -> str:
        for code, name in COUNTIES:
            if f"/{code}/" in org.path:
                return name
        return "聊城市"

    def fill(self, template: str, org: Organisation, year: int) -> str:
        r = self.rng
        county = self.county_name(org)
        school = org.name if org.kind == "school" else r.choice(self.schools).name
        village = lambda: r.choice(PLACE_SYLLABLES) + r.choice(VILLAGES_SUFFIX)  # noqa: E731
        values = {
            "org": org.name,
            "county": county,
            "school": school,
            "year": year,
            "year1": year + 1,
            "y0": r.randint(1950, 2015),
            "area": r.choice(AREAS),
            "stage": r.choice(STAGES),
            "unit": r.choice(["区", "县", "市", "镇"]),
            "subunit": r.choice(["学校", "镇街", "直属学校"]),
            "notice": r.choice(["公告", "通知", "公示"]),
            "doc": r.choice(DOC_KINDS),
            "item": r.choice(["招生范围", "招生计划", "收费标准", "资助名单", "学校名录"]),
            "law": r.choice(LAWS),
            "street": r.choice(STREETS),
            "street2": r.choice(STREETS),
            "village": village(),
            "village2": village(),
            "village3": village(),
            "phone": f"{r.randint(1000000, 9999999)}",
            "phone2": f"{r.randint(1000000, 9999999)}",
            "date": f"{year}年{r.randint(1, 12)}月{r.randint(1, 28)}日",
            "n": r.randint(2, 60),
            "n1": r.randint(1, 9),
            "n2": r.randint(10, 99),
            "n3": r.randint(100, 999),
            "n4": r.randint(1000, 99999),
            "n6": r.randint(100000, 999999),
        }
        return template.format(**values)

    def document(self, published_at: datetime) -> Document:
        r = self.rng
        code = r.choices(self.items, self.item_weights)[0]
        spec = ITEMS[code]
        # Schools publish about half of what the column holds (enrolment zones, fees, results).
        org = r.choice(self.schools) if r.random() < 0.5 else r.choice(self.publishers)
        year = published_at.year
        title = self.fill(r.choice(spec["title"]), org, year)
        sentences = [self.fill(s, org, year) for s in r.sample(spec["body"], len(spec["body"]))]
        for template in r.choices(BOILERPLATE, self.boiler_weights, k=r.randint(5, 14)):
            sentences.insert(r.randint(0, len(sentences)), self.fill(template, org, year))
        body = "".join(f"<p>{s}</p>" for s in sentences)
        attachment = ""
        if "list" in spec and r.random() < 0.7:
            attachment = "\n".join(
                self.fill(r.choice(spec["list"]), org, year) for _ in range(r.randint(5, 30))
            )
        return Document(title, body, attachment, code, org, published_at)

    def documents(self, count: int, *, start: datetime | None = None) -> Iterator[Document]:
        """``count`` documents in order of publication, spread over the ten years to today."""
        end = datetime(2026, 11, 25, tzinfo=UTC)
        begin = start or end - timedelta(days=3650)
        step = (end - begin) / max(count, 1)
        for i in range(count):
            yield self.document(begin + step * i + timedelta(seconds=self.rng.randint(0, 3600)))
