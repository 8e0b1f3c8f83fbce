"""Figures stated in the prose: proactive disclosure and its channels, request volumes (also
when the report says none was received), responses, and 低保 figures.

The prose is read sentence by sentence (hard line wraps are already joined). Every number with a
counting or money unit is a *mention*; a mention becomes a fact only when the words around it
say what it counts:

- what is counted comes from the clause up to the number (`通过政府网站公开政府信息数为142条`);
- 低保 figures read the sentence up to the number for their topic (the last programme named:
  `低保` or another one such as `特困`, `临时救助`), area (the last of 城乡 / 城市 / 农村) and
  period (a month `12月`, a range `1-12月`, the title of the table they sit in);
- a clause with a negated verb (`未收到`, `未接到`, `未曾发生` …) gives 0 for each request family
  it names, with the phrase as evidence.

A clause that names two channels, a topic subset (`社会救助类信息`, a list ending in `等`, a
`专栏`), or a rate (`月均`, `每周`) is not a total and gives nothing; neither do a change on last
year (`较上年增加20条`), the old value of a raise (`由500元提高到550元`), or a flow (`新增低保对象`).
Names listed before `分别为` take the values that follow in order; `均为0件` applies to every
family named. Review, litigation and complaint figures count only when the sentence is about
information disclosure.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from .catalogue import Catalogue
from .model import Document, Paragraph, Table
from .normalize import FULL_WIDTH, decimal_to_float, nfkc

# A number with a counting or money unit. Chinese numerals are not read inside words (`第一`,
# `进一步`, `一次性`) or slogans (`一户一档`). The lookahead names every character a mention can
# start with: it matches what the rest matches, and lets the scan skip other positions at once.
MENTION = re.compile(
    r"(?=[\s约近超逾\d零〇一二两三四五六七八九十百千])"
    r"(?P<pre>约|近|超过|逾)?\s*"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|(?<![第每统进])[零〇一二两三四五六七八九十百千]+)\s*(?P<approx>余|多)?\s*"
    r"(?P<mult>万|亿)?(?P<approx2>余|多)?(?P<unit>元|人次|户次|户|人|名|条|件|次|篇|个|起|份|场)(?![一性])(?P<post>余|左右|以上)?"
    r"(?P<per>\s*/\s*(?:人\s*[/·]\s*[月年]|[月年]\s*[/·]?\s*人|人|[月年]))?"
)
SENTENCE_END = re.compile(r"[。;!?]")
CLAUSE_BREAK = re.compile(r"(?=[,:])(?:(?<!\d),|,(?!\d{3}(?!\d))|:)")  # the lookahead: see MENTION
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、])")

RATE = re.compile(r"月均|日均|周均|平均每|每周|每天|每日|每月更新")
# Since the regulation took effect (not `今年以来`, which is the reporting year), all years, to date.
CUMULATIVE = re.compile(r"(?:实施|施行|颁布|公布|条例》?)\S{0,6}以来|历年|(?<!截)至今(?!年)|累计至")
COMPARISON = re.compile(r"(?:比|较|同比|环比)[^,]*(?:增加|减少|增长|下降|提高|降低|上升|多|少)了?$")
RAISED_FROM = re.compile(r"\s*(?:提高|提升|上调|调整|增加|增长|调高)(?:到|至|为)")  # `由500元提高到550元`: 500 is the old value
NEGATION = re.compile(r"(?=[未没尚从无])(?:(?:未|未有|没有|未曾|尚未|从未|无)再?(?:收到|接到|受理|发生|出现|产生)|无(?=[^,:]{0,12}申请))")
DISCLOSURE = re.compile(r"信息公开|公开政府信息|政府信息|依申请")

# Channels of proactive disclosure. Only the agency's own site counts as the website; a third
# party's site listed with newspapers (`自治区民政厅网站、吴忠日报等新闻媒体`) is an "other" channel.
CHANNELS = {
    "gazette": re.compile(r"公报"),
    "website": re.compile(r"(?:政府|门户|政务|信息公开)(?:网站|网)|本(?:局|部门|单位|机关|委|办)(?:网站|官网)|官方网站"),
    "weibo": re.compile(r"微博"),
    "wechat": re.compile(r"微信|公众号"),
    "other": re.compile(r"媒体|日报|报纸|(?<!公)报刊|晚报|电视|广播|宣传栏|公示栏|公告栏|公开栏|显示屏|电子屏|客户端|APP|手机报|短信|抖音|头条|视频号|快手|学习强国|小程序|融媒"),
}
NEW_MEDIA = re.compile(r"新媒体")  # weibo and wechat together: not one channel
VERB = re.compile(r"公开|发布|公示|推送|刊登|刊发|登载")
TOPIC_SUBSET = re.compile(r"(?<!信息公开)专栏|栏目|专题")
GENERIC_OBJECT = re.compile(
    r"政府|政务|各类|各项|本部门|本机关|本单位|本局|我局|相关|工作|主动|公开|公示|信息|文件|总数|总量|数量|数为|数|总计|共计|共|累计|合计|计|达到|达|为|了|的|\s"
)

DIBAO = re.compile(r"低保|最低生活保障")
OTHER_PROGRAMME = re.compile(r"低保边缘|边缘|特困|供养|临时救助|医疗救助|高龄|残疾|孤儿|五保|救灾|受灾|优抚|养老|流浪|乞讨|殡葬|慈善")
OTHER_BENEFIT = re.compile(r"补贴|津贴|取暖|慰问|过节|春节|饺子|一次性")
FLOW = re.compile(r"新增|新纳入|纳入|退出|取消|停发|清退|核减|减少|增加|资助|培训|慰问|走访|核查|复核")  # flows and actions, not who is covered
AREAS = re.compile(r"城乡|城市|城镇|农村")
AREA_OF = {"城乡": "all", "城市": "urban", "城镇": "urban", "农村": "rural"}
MONTHLY = re.compile(r"每人每月|每月每人|月人均|当月|人均每月|每月")
ANNUAL = re.compile(r"每人每年|每年每人|年人均|人均每年|每年")
_M = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
MONTH_RANGE = re.compile(rf"(?:(?P<y>(?:19|20)\d{{2}})\s*年\s*)?(?P<a>{_M})\s*月?份?\s*[-—–~至到]\s*(?P<b>{_M})\s*月")
MONTH = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月(?!\s*\d{1,2}\s*日)(?!份?[-—–~至到])")
YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?!\s*\d)")  # `2017年全年`, `2017年度`, `2018年城市低保标准`
# Plausible 低保 amounts (元 a person): monthly figures run from tens to under two thousand.
MONTHLY_RANGE = (Decimal(30), Decimal(2000))
ANNUAL_RANGE = (Decimal(500), Decimal(24000))


@functools.cache
def narrative_keys() -> tuple[dict, ...]:
    """The keys read only from prose, with unit, label and notes (govstats/data/narrative_keys.csv)."""
    with resources.files("govstats").joinpath("data/narrative_keys.csv").open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def narrative_units() -> dict[str, str]:
    return {row["key"]: row["unit"] for row in narrative_keys()}


class _NfkcChars(dict):
    """A str.translate table taking every character to its NFKC form, learnt as characters are met."""

    def __missing__(self, code: int) -> str:
        if len(self) > 50_000:  # a memo, not a record: bounded whatever the input
            self.clear()
        self[code] = form = nfkc(chr(code))
        return form


_NFKC_CHARS = _NfkcChars()


@dataclass
class Text:
    """Prose normalised with NFKC, with a map back to the printed characters and lines."""

    printed: str
    line_of: Callable[[int], int]
    page: int | None = None
    table: int | None = None
    row: int | None = None
    norm: str = ""
    to_printed: Sequence[int] = ()

    def __post_init__(self) -> None:
        wide_mapped = self.printed.translate(FULL_WIDTH)
        # NFKC-normal as a whole means every character is its own NFKC form: the per-character map
        # would give the same text (full-width forms map to one character each)
        self.norm = wide_mapped if unicodedata.is_normalized("NFKC", wide_mapped) else self.printed.translate(_NFKC_CHARS)
        if len(self.norm) == len(self.printed):  # every character gave one: offsets are the printed ones
            self.to_printed = range(len(self.printed) + 1)
        else:
            self.to_printed = [i for i, ch in enumerate(self.printed) for _ in _NFKC_CHARS[ord(ch)]] + [len(self.printed)]

    def original(self, start: int, end: int) -> str:
        return self.printed[self.to_printed[start]:self.to_printed[end]].strip()

    def line(self, offset: int) -> int:
        return self.line_of(self.to_printed[offset])


@dataclass
class Context:
    catalogue: Catalogue
    template: str
    report_year: int | None
    agency: str
    section: str = ""
    title: str = ""  # title of the table a row sits in (`2017年12月社会救助资金发放情况`)


def extract_narrative(doc: Document, skip_tables: set[int], template: str, report_year: int | None, agency: str, catalogue: Catalogue) -> list[dict]:
    """Facts (dicts in the facts schema, ``source=narrative``) from the prose of one report.

    ``skip_tables`` are the statistics tables, read by extract_tables; every other table (a
    one-column list of figures, say) is read as prose, row by row, under its title.
    """
    ctx = Context(catalogue, template, report_year, agency)
    facts: list[dict] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            text = Text(block.text, block.line_at, block.page)
            heading = _heading(text.norm)
            if heading:
                ctx.section = heading
            ctx.title = ""
            facts += _read(text, ctx)
        elif isinstance(block, Table) and block.index not in skip_tables:
            rows = [r for r in block.rows if "".join(r.texts).strip()]
            ctx.title = nfkc(" ".join(rows[0].texts)) if rows else ""
            for n, row in enumerate(rows, 1):
                line = row.line
                text = Text(" ".join(t for t in row.texts if t.strip()), lambda _o, line=line: line, row.page, block.index, n)
                facts += _read(text, ctx)
    return _settle(facts, report_year)


def _heading(norm: str) -> str:
    """A section heading: a short enumerated paragraph, or an enumerated first sentence."""
    first = SENTENCE_END.split(norm, 1)[0]
    if HEADING.match(first) and len(first) <= 40:
        return first.strip()
    return ""


def _read(text: Text, ctx: Context) -> list[dict]:
    facts = []
    start = 0
    for m in SENTENCE_END.finditer(text.norm + "。"):
        if m.start() > start:
            facts += _sentence(text, start, m.start(), ctx)
        start = m.end()
    return facts


def _sentence(text: Text, start: int, end: int, ctx: Context) -> list[dict]:
    s = text.norm[:end]  # offsets stay those of the whole text
    clauses = [start] + [m.end() for m in CLAUSE_BREAK.finditer(s, start)]
    facts = []
    previous_end = start
    respectively: list[str] = []  # keys named before `分别为`, waiting for their values
    for m in MENTION.finditer(s, start):
        value = _number(m["num"])
        i = bisect.bisect_right(clauses, m.start()) - 1  # the clause the number is in
        if value is None or COMPARISON.search(s[clauses[i]:m.start()]) or RAISED_FROM.match(s, m.end()):
            continue  # a change on last year, or the old value of a raise, counts nothing
        # a label before a colon (`保障标准：每人每月570元`) belongs to the evidence
        evidence_start = clauses[i - 1] if i and s[clauses[i] - 1] == ":" else clauses[i]
        mention = Mention(text, ctx, s, m, value, start, clauses[i], evidence_start, previous_end)
        if "分别" in mention.before:
            respectively = _named_in_order(mention)
        elif mention.before.strip("、,和及与 "):
            respectively = []
        if respectively:
            key = respectively.pop(0)
            facts.append(mention.fact(key, mention.count_unit(key), "respectively"))
        elif mention.topic == "dibao":
            facts += _dibao(mention)
        else:
            facts += _proactive(mention) or _requests(mention) or _responses(mention)
        previous_end = m.end()
    if NEGATION.search(s, start):  # most sentences deny nothing: a clause can only if its sentence does
        for i, clause_start in enumerate(clauses):
            clause_end = clauses[i + 1] - 1 if i + 1 < len(clauses) else end
            facts += _negations(text, start, clause_start, clause_end, ctx)
    return facts


def _named_in_order(mt: "Mention") -> list[str]:
    """The channels or request families named before `分别为`, in the order printed."""
    c = mt.clause
    channels = [(p.search(c).start(), "channel_" + name) for name, p in CHANNELS.items() if p.search(c)]
    families = [(p.search(c).start(), key) for key, p in REQUEST_FAMILIES if p.search(c)]
    for found, relevant in ((channels, VERB.search(c)), (families, mt.about_disclosure())):
        if len(found) > 1 and relevant:
            return [key for _, key in sorted(found)]
    return []


def _number(num: str) -> Decimal | None:
    if num[0].isdigit():
        return Decimal(num.replace(",", ""))
    return _number_in_words(num)


@functools.lru_cache(maxsize=1 << 12)  # cn2an is slow, and numerals in words repeat (一, 两, 三…)
def _number_in_words(num: str) -> Decimal | None:
    if num[0] in "十百千":
        num = "一" + num  # `千余条`
    import cn2an  # when a numeral is written in words: its import alone takes ~0.15 s

    try:
        return Decimal(str(cn2an.cn2an(num, "smart")))
    except (ValueError, KeyError):
        return None


class Mention:
    """One number with its unit, and the words before it in its clause and sentence."""

    def __init__(self, text: Text, ctx: Context, s: str, m: re.Match, value: Decimal, sentence_start: int, clause_start: int, evidence_start: int, previous_end: int):
        self.text, self.ctx, self.m = text, ctx, m
        self.value = value * {None: 1, "万": 10_000, "亿": 100_000_000}[m["mult"]]
        self.unit = m["unit"]
        self.clause = s[clause_start:m.start()]
        self.clause_start, self.evidence_start = clause_start, evidence_start
        self.before = s[previous_end:m.start()]  # words since the previous number
        self.sentence = (id(text), sentence_start)
        self.sentence_before = s[sentence_start:m.start()]
        self.approx = bool(m["pre"] or m["approx"] or m["approx2"] or m["post"])
        topics = [(t.end(), "dibao") for t in DIBAO.finditer(self.sentence_before)]
        topics += [(t.end(), "other") for t in OTHER_PROGRAMME.finditer(self.sentence_before)]
        self.topic = max(topics)[1] if topics else ""

    def fact(self, key: str, unit: str, rule: str, **extra) -> dict:
        evidence = self.text.original(self.evidence_start, self.m.end())
        return {
            "key": key,
            "applicant_type": extra.pop("applicant_type", ""),
            "area": extra.pop("area", ""),
            "period": extra.pop("period", self.period()),
            "value": decimal_to_float(extra.pop("value", self.value)),
            "unit": unit,
            "qualifier": "approx" if self.approx else "exact",
            "source": "narrative",
            "evidence": evidence,
            "label_printed": self.text.original(self.clause_start, self.m.start()),
            "value_printed": self.text.original(self.m.start(), self.m.end()),
            "unit_printed": extra.pop("unit_printed", (self.m["mult"] or "") + self.unit),
            "template": self.ctx.template,
            "table": self.text.table,
            "row": self.text.row,
            "line": self.text.line(self.m.start()),
            "page": self.text.page,
            "match": rule,
            "note": extra.pop("note", ""),
        }

    def period(self) -> str:
        """'' for the reporting year, `cumulative` for 累计 since the regulation or 历年."""
        if CUMULATIVE.search(self.clause):
            return "cumulative"
        return ""

    def count_unit(self, key: str) -> str:
        return _unit(self.ctx, key)

    def about_disclosure(self) -> bool:
        return bool(DISCLOSURE.search(self.sentence_before) or "申请" in self.ctx.section)


def _unit(ctx: Context, key: str) -> str:
    return ctx.catalogue.unit(key) or narrative_units().get(key, "")


# ---------------------------------------------------------------- proactive disclosure


def _proactive(mt: Mention) -> list[dict]:
    if mt.unit not in ("条", "件", "篇", "个") or RATE.search(mt.clause):
        return []
    verbs = list(VERB.finditer(mt.clause))
    if verbs:
        obj = mt.clause[verbs[-1].end():]
    elif "其中" in mt.sentence_before and "主动公开" in mt.sentence_before:
        obj = ""  # a breakdown by channel name alone: `其中:政府网站1,100条,政务微博80条`
        if not _generic(re.sub("|".join(p.pattern for p in CHANNELS.values()) + r"|其中|通过|在|上|平台", "", mt.clause), mt.ctx.agency):
            return []
    else:
        return []
    if "规范性文件" in obj:
        return [mt.fact("proactive_normative_docs", mt.count_unit("proactive_normative_docs"), "proactive_normative_docs")]
    if "等" in obj or TOPIC_SUBSET.search(mt.clause) or not _generic(obj, mt.ctx.agency):
        return []
    channels = {name for name, pattern in CHANNELS.items() if pattern.search(mt.clause)}
    if NEW_MEDIA.search(mt.clause):
        channels |= {"weibo", "wechat"}
    if len(channels) == 1:
        key = "channel_" + channels.pop()
        return [mt.fact(key, mt.count_unit(key), "channel")]
    listed = len(channels) > 1 and re.search(r"等(?:渠道|平台|方式|载体|途径|形式|媒体)", mt.clause)  # `通过政府网站、政务微博等渠道主动公开`
    if (not channels or listed) and ("主动公开" in mt.clause or ("主动公开" in mt.ctx.section and "信息" in obj)):
        return [mt.fact("proactive_total", mt.count_unit("proactive_total"), "proactive_total")]
    return []


def _generic(obj: str, agency: str) -> bool:
    """The object counted is information in general, not a topic subset (`社会救助类信息`)."""
    rest = GENERIC_OBJECT.sub("", obj)
    return all(ch in agency for ch in rest)


# ---------------------------------------------------------------- requests, review, litigation

REQUEST_FAMILIES = (
    ("reconsideration_total", re.compile(r"行政复议")),
    ("litigation_total", re.compile(r"行政诉讼")),
    ("complaints_total", re.compile(r"举报|投诉")),
)
RECEIVED = re.compile(r"收到|受理|接到|接收|新收")


def _application_key(ctx: Context) -> tuple[str, str]:
    return ("app_new", "total") if ctx.template in ("2019", "2021") else ("applications_received", "")


def _requests(mt: Mention) -> list[dict]:
    c = mt.clause
    if mt.unit not in ("件", "个", "起", "次", "条") or RATE.search(c) or NEGATION.search(c) or re.search(r"不涉及|无关", c):
        return []
    about_disclosure = mt.about_disclosure() or "复议" in mt.ctx.section or "诉讼" in mt.ctx.section
    named = [key for key, pattern in REQUEST_FAMILIES if pattern.search(c)]
    if not named and "其中" in c and DISCLOSURE.search(c):
        # `行政复议申请12件,其中涉及政府信息公开的1件`: the part about disclosure of the family named before
        named = [key for key, pattern in REQUEST_FAMILIES if pattern.search(mt.sentence_before)][-1:]
        about_disclosure = True
    if named and about_disclosure and (len(named) == 1 or re.search(r"均为?$", c)):  # `…均为0件`
        return [mt.fact(key, mt.count_unit(key), "request_count") for key in named]
    if not named and "申请" in c and RECEIVED.search(c) and about_disclosure and not re.search(r"其中|网上|当面|信函|传真|邮件|邮寄|电话", c):
        key, applicant = _application_key(mt.ctx)
        return [mt.fact(key, mt.count_unit(key), "application_count", applicant_type=applicant)]
    return []


def _negations(text: Text, sentence_start: int, start: int, end: int, ctx: Context) -> list[dict]:
    """`未收到…申请`, `未发生…行政复议、行政诉讼和投诉举报`: 0 for each family named, when the
    sentence (or its section) is about information disclosure."""
    clause = text.norm[start:end]
    neg = NEGATION.search(clause)
    if not neg or not (DISCLOSURE.search(text.norm[sentence_start:end]) or "申请" in ctx.section):
        return []
    after = clause[neg.start():]
    keys = [(key, "") for key, pattern in REQUEST_FAMILIES if pattern.search(after)]
    if "申请" in after and not keys:
        keys.append(_application_key(ctx))
    facts = []
    for key, applicant in keys:
        facts.append({
            "key": key, "applicant_type": applicant, "area": "", "period": "", "value": 0.0,
            "unit": _unit(ctx, key), "qualifier": "exact", "source": "narrative",
            "evidence": text.original(start, end), "label_printed": text.original(start, end),
            "value_printed": neg.group(), "unit_printed": "", "template": ctx.template,
            "table": text.table, "row": text.row, "line": text.line(start + neg.start()), "page": text.page,
            "match": "negation", "note": "",
        })
    return facts


# ---------------------------------------------------------------- responses and interpretation


def _responses(mt: Mention) -> list[dict]:
    if mt.unit not in ("次", "件", "篇", "条", "场") or RATE.search(mt.clause):
        return []
    c = mt.clause
    if "新闻发布会" in c and re.search(r"召开|举办|参加", c):
        key = "press_conferences"
    elif "在线访谈" in c:
        key = "online_interviews"
    elif "解读" in c and re.search(r"发布|撰写|制作|编发|刊发", c):
        key = "interpretation_articles"
    elif "回应" in c:
        if re.search(r"微博|微信", c):
            key = "weibo_wechat_responses"
        elif re.search(r"热点|关切|舆情|关注", c):
            key = "responses_total"
        else:
            key = "other_responses"
    else:
        return []
    return [mt.fact(key, mt.count_unit(key), "responses")]


# ---------------------------------------------------------------- 低保


def _dibao(mt: Mention) -> list[dict]:
    b = mt.before
    if FLOW.search(b):
        return []
    if mt.unit == "户":
        key = "dibao_households"
    elif mt.unit == "人次":
        key = "dibao_person_times"
    elif mt.unit in ("人", "名"):
        key = "dibao_recipients"
    elif mt.unit == "元" and not OTHER_BENEFIT.search(b):
        if "标准" in b:
            key = "dibao_standard"
        elif re.search(r"水平|人均|月均", b):
            key = "dibao_avg_benefit"
        elif re.search(r"资金|低保金|支出|发放", b):
            key = "dibao_spending"
        else:
            return []
    else:
        return []
    areas = list(AREAS.finditer(mt.sentence_before))
    area = AREA_OF[areas[-1].group()] if areas else ""
    explicit = bool(AREAS.search(b))
    extra = {}
    unit = narrative_units()[key]
    if key in ("dibao_standard", "dibao_avg_benefit"):
        unit, extra = _per_person_unit(mt, key)
    fact = mt.fact(key, unit, key, area=area, period=_dibao_period(mt), **extra)
    fact["_area_explicit"] = explicit
    fact["_sentence"] = mt.sentence
    return [fact]


def _per_person_unit(mt: Mention, key: str) -> tuple[str, dict]:
    """元/人/月 or 元/人/年 as printed (`每人每月570元`, `552元/月人`), re-read when implausible."""
    per = re.sub(r"\s", "", mt.m["per"] or "")
    words = list(MONTHLY.finditer(mt.before)) + list(ANNUAL.finditer(mt.before))
    word = max(words, key=lambda w: w.end()).group() if words else ""
    printed = ("元" + per) if per else (f"元 ({word})" if word else "元")
    if "月" in per or "年" in per:
        meant = "月" if "月" in per else "年"
    elif word:
        meant = "月" if MONTHLY.fullmatch(word) else "年"
    elif key == "dibao_avg_benefit" or mt.value <= MONTHLY_RANGE[1]:
        meant = "月"  # no period printed: benefits are quoted monthly; a standard by magnitude
    else:
        meant = "年"
    note = ""
    low, high = MONTHLY_RANGE if meant == "月" else ANNUAL_RANGE
    if not low <= mt.value <= high:
        other = "年" if meant == "月" else "月"
        factor = Decimal(12) if other == "年" else Decimal(1) / 12
        olow, ohigh = ANNUAL_RANGE if other == "年" else MONTHLY_RANGE
        if olow <= mt.value <= ohigh or olow <= mt.value * factor <= ohigh:
            note = f"{mt.value}元 is implausible as 元/人/{meant} for 低保 (expected {low}–{high}); read as 元/人/{other}"
            meant = other
    return f"元/人/{meant}", {"unit_printed": printed, "note": note}


def _dibao_period(mt: Mention) -> str:
    """A month (`2017年12月` → 2017-12), `1-12月` or `2017年全年` (the year), part of a year
    (`1-6月` → 2017-01/2017-06), or the reporting year; from the sentence, else the title of the
    table the row sits in."""
    for context in (mt.sentence_before, mt.ctx.title):
        ranges = list(MONTH_RANGE.finditer(context))
        if ranges:
            r = ranges[-1]
            year = r["y"] or str(mt.ctx.report_year or "")
            a, b = int(_number(r["a"])), int(_number(r["b"]))
            return year if (a, b) == (1, 12) or not year else f"{year}-{a:02d}/{year}-{b:02d}"
        months = list(MONTH.finditer(context))
        if months:
            m = months[-1]
            year = int(m["y"]) if m["y"] else mt.ctx.report_year
            return f"{year}-{int(m['m']):02d}" if year else ""
        years = list(YEAR.finditer(context))
        if years:
            return years[-1]["y"]
    return str(mt.ctx.report_year or "")


# ---------------------------------------------------------------- settling


def _settle(facts: list[dict], report_year: int | None) -> list[dict]:
    """Area by contrast, implausible-unit notes, explicit years beside cumulative figures,
    and one fact per figure stated twice."""
    _area_by_contrast(facts)
    _explain_rereads(facts)
    if report_year and any(f["period"] == "cumulative" for f in facts):
        # The report tells the year's figures from cumulative ones: say the year explicitly.
        for f in facts:
            if f["period"] == "":
                f["period"] = str(report_year)
    seen, out = set(), []
    for f in facts:
        f.pop("_area_explicit", None)
        f.pop("_sentence", None)
        ident = (f["key"], f["applicant_type"], f["area"], f["period"], f["value"])
        if ident not in seen:
            seen.add(ident)
            out.append(f)
    return out


def _area_by_contrast(facts: list[dict]) -> None:
    """`发布低保标准552元/月人 … 农村低保标准6624元/月人`: in a sentence that gives the same
    figure for 农村 (or 城市), a figure whose area was not stated is the other area."""
    for f in facts:
        if f.get("_area_explicit", True) or f["area"] not in ("", "all"):
            continue
        peers = {g["area"] for g in facts if g is not f and g.get("_sentence") == f["_sentence"] and g["key"] == f["key"]}
        if peers == {"rural"}:
            f["area"] = "urban"
        elif peers == {"urban"}:
            f["area"] = "rural"


def _explain_rereads(facts: list[dict]) -> None:
    """Say why a unit was re-read: 6624 = 12 × the urban monthly standard 552."""
    for f in facts:
        if not f["note"]:
            continue
        for g in facts:
            if g is not f and g["key"] == f["key"] and g["unit"].endswith("月") and not g["note"] and g["value"] and f["unit"].endswith("年"):
                if abs(f["value"] - 12 * g["value"]) <= 0.01 * f["value"]:
                    f["note"] += f"; {f['value']:g} = 12 × the {g['area'] or ''} monthly figure {g['value']:g}".replace("  ", " ")
                    break
