#!/usr/bin/env python3
"""A synthetic corpus of 政府信息公开工作年度报告, for benchmarks only.

NEVER put its output in data/raw/ or mix it with real reports: the agencies are real names drawn
from jionlp's gazetteer, but every number, date, address and telephone number is invented.

Each report is one of the five seed reports (data/raw/*.txt) with its layout kept exactly (markdown
pipe tables split by page breaks, tab tables with blank cells and wrapped row headers, one cell per
line, hard-wrapped prose with page-number and mailto: lines, [bookmark] lines) and, per report,
a different agency and region, report year, publication date, document number, website, address,
telephone, and new numbers in the tables and the prose:

    layout        seed  years       agencies                       govstats should say
    2014_pipe     000   2014-2018   county / prefecture bureaus    template 2014
    2014_tab      003   2014-2018   towns and subdistricts         template 2014
    custom        004   2014-2018   county / prefecture bureaus    template custom
    narrative     002   any year    any                            template narrative
    2019_matrix   001   2019-2020   any                            template 2019
    2021_matrix   001*  2021-2023   any                            template 2021

(* seed 001 with the 2021 changes: section 二 with 本年制发件数 / 本年废止件数 / 现行有效件数 and
本年处理决定数量, no 第二十条第（九）项, （六）其他处理 split into its three sub-items, and the
notice 国办公开办函〔2021〕30号.)

Numbers are random but consistent where it is cheap: channel counts bound the proactive total,
applications sum over their channels and reply types, the 2019/2021 matrix balances (new + carried
over = handled + carried forward, the 总计 column and row are sums), review and litigation totals
are the sums of their outcomes, staff = full-time + part-time, the prose repeats the table's figures
and says "未收到…申请" only when no application was received, a 低保 spending is recipients x
benefit. Most agencies receive no application at all, as in real reports. Numbers in the prose
that govstats does not read are replaced by random numbers with as many digits.

The seeds' quirks are kept on purpose, so a build of the corpus warns as a build of the seeds
does: seed 003's zero cells printed blank and its section-header rows carrying spreadsheet
auto-sums, seed 004's rural 低保 standard printed as 元/月人 with an annual figure, seed 001's
blank 行政复议 cells (when they are all zero), the 2014 table's unmapped 主要侧重----- row.

The truth for every file (layout, expected template, agency, kind, level, region, adcode, year,
publication date, document number, applications received and proactive disclosures of the
year) is written to OUT_DIR/.synth_truth.csv (and the seed to OUT_DIR/.synth_seed); govstats
skips hidden files, so the folder can be built as it is.

Usage (from the repository root):

    .venv/bin/python benchmarks/synth_corpus.py OUT_DIR --n 10000 [--seed 0] [--formats text,docx,html] [--pdf-share 0.01] [--workers 2]
    .venv/bin/python benchmarks/synth_corpus.py OUT_DIR --mutate 0.01 [--seed 1]   # new numbers in 1 % of the files, in place
    .venv/bin/govstats build OUT_DIR --out BUILD_DIR --quiet
    .venv/bin/python benchmarks/synth_corpus.py OUT_DIR --compare BUILD_DIR        # recognition against the truth

From Python (benchmarks/ is not a package: put it on sys.path):

    from synth_corpus import generate, mutate, compare
    paths = generate("/tmp/synth", 10000, seed=0, formats=("text",))
    changed = mutate(paths, 0.01, seed=1)

Deterministic: a report depends only on (seed, its index), whatever the number of workers.

Speed and size on the 2-core machine this was written on (two worker processes): 10 000 text
reports in 3-5 s, 100 000 in 20-40 s (depending on the load); ~124 MB (135 MB on disk) per
10 000 text reports. DOCX and HTML take ~1.5 ms a report, PDF ~0.3 s (fpdf2 lays out the
tables), so keep --pdf-share small (0.01 of 10 000 adds ~20 s). govstats itself builds ~120 text
reports a second on two cores (README, Large corpora): 100 000 take about a quarter of an hour.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import html
import importlib.util
import io
import os
import random
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "data" / "raw"
TRUTH_NAME = ".synth_truth.csv"
TRUTH_FIELDS = ["file", "index", "salt", "layout", "format", "template", "agency", "agency_kind", "admin_level",
                "province", "city", "county", "town", "adcode", "report_year", "published", "doc_number",
                "applications", "proactive_total"]
SEED_PREFIX = {"2014_pipe": "000_", "2019_matrix": "001_", "narrative": "002_", "2014_tab": "003_", "custom": "004_"}
TEMPLATE_OF = {"2014_pipe": "2014", "2014_tab": "2014", "custom": "custom", "narrative": "narrative",
               "2019_matrix": "2019", "2021_matrix": "2021"}
WRAP = "\x02"  # a hard line wrap inside a paragraph: a blank line in text, nothing in DOCX/HTML/PDF
NARROW = "\x01"  # seed 002: start of the text wrapped around a picture (seven-character lines)
PARA = "\x00"  # seed 002: paragraph separator in the compiled body

# ---------------------------------------------------------------- agencies

# (name, kind as govstats should give it, short name used in the prose, abbreviation in document numbers, weight)
BUREAUS_2014 = [
    ("民政局", "civil_affairs_bureau", "民政", "民", 6),
    ("人力资源和社会保障局", "human_resources_social_security_bureau", "人社", "人社", 2),
    ("教育局", "education_bureau", "教育", "教", 2),
    ("财政局", "finance_bureau", "财政", "财", 1),
    ("住房和城乡建设局", "housing_construction_bureau", "住建", "建", 1),
    ("交通运输局", "transport_bureau", "交通", "交", 1),
    ("司法局", "justice_bureau", "司法", "司", 1),
    ("统计局", "statistics_bureau", "统计", "统", 1),
    ("审计局", "audit_bureau", "审计", "审", 1),
    ("水利局", "water_resources_bureau", "水利", "水", 1),
    ("卫生和计划生育局", "health_commission", "卫计", "卫计", 1),  # before the 2018 reform
    ("国土资源局", "natural_resources_bureau", "国土", "国土", 1),
    ("环境保护局", "ecology_environment_bureau", "环保", "环", 1),
    ("人民政府办公室", "government_general_office", "政府办", "政办", 2),
    ("人民政府", "people_government", "政府", "政", 1),
]
BUREAUS_2019 = [b for b in BUREAUS_2014 if b[2] not in ("卫计", "国土", "环保")] + [
    ("卫生健康局", "health_commission", "卫健", "卫健", 1),
    ("自然资源局", "natural_resources_bureau", "自然资源", "自然资源", 1),
    ("农业农村局", "agriculture_rural_affairs_bureau", "农业农村", "农", 1),
    ("应急管理局", "emergency_management_bureau", "应急", "应急", 1),
    ("退役军人事务局", "veterans_affairs_bureau", "退役军人", "退役", 1),
    ("医疗保障局", "healthcare_security_bureau", "医保", "医保", 1),
    ("市场监督管理局", "market_regulation_bureau", "市场监管", "市监", 1),
    ("文化和旅游局", "culture_tourism_bureau", "文旅", "文旅", 1),
]
STREETS = ["人民路", "解放路", "建设路", "中山路", "文化路", "新华街", "团结路", "胜利街", "和平路", "政府街",
           "朝阳路", "振兴路", "长安街", "迎宾大道", "府前街", "光明路", "北京路", "育才路", "兴业路", "东风路"]
FALLBACK_REGIONS = [  # used only when jionlp is not installed: (province, alias, code, city, alias, code, county, alias, code, area code)
    ("宁夏回族自治区", "宁夏", "640000", "银川市", "银川", "640100", "兴庆区", "兴庆", "640104", "0951"),
    ("宁夏回族自治区", "宁夏", "640000", "中卫市", "中卫", "640500", "中宁县", "中宁", "640521", "0955"),
    ("宁夏回族自治区", "宁夏", "640000", "吴忠市", "吴忠", "640300", "利通区", "利通", "640302", "0953"),
    ("福建省", "福建", "350000", "三明市", "三明", "350400", "三元区", "三元", "350403", "0598"),
    ("甘肃省", "甘肃", "620000", "天水市", "天水", "620500", "秦州区", "秦州", "620502", "0938"),
    ("河南省", "河南", "410000", "洛阳市", "洛阳", "410300", "洛宁县", "洛宁", "410328", "0379"),
    ("四川省", "四川", "510000", "绵阳市", "绵阳", "510700", "三台县", "三台", "510722", "0816"),
    ("湖南省", "湖南", "430000", "常德市", "常德", "430700", "桃源县", "桃源", "430725", "0736"),
]


@functools.cache
def regions() -> tuple[tuple, ...]:
    """Counties of jionlp's gazetteer (read from its data file: fast, no banner), each
    (province, alias, code, city, alias, code, county, alias, code, area code, towns).
    Only cities with a telephone area code and counties named …区/县/市/旗."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        return tuple(r + ((),) for r in FALLBACK_REGIONS)
    folder = Path(list(spec.submodule_search_locations)[0]) / "dictionary"
    if not (folder / "china_location.txt").exists():  # jionlp unzips it on its first import
        from govstats.recognise import _jionlp
        _jionlp()
    area = {}
    for line in (folder / "landline_phone_area_code.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and "/" in parts[1]:
            area.setdefault(tuple(parts[1].split("/", 1)), parts[0])
    out, prov, city, county, towns = [], None, None, None, []

    def close():
        if county and city and city[3] and county[0].endswith(("区", "县", "市", "旗")) and not county[0].endswith(("开发区", "管理区", "示范区", "新区", "园区")):
            out.append(prov[:3] + city[:3] + county[:3] + (city[3], tuple(towns)))

    with open(folder / "china_location.txt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("\t\t\t\t"):
                continue
            depth = len(line) - len(line.lstrip("\t"))
            fields = line.strip().split("\t")
            if depth == 3:
                name = fields[0]
                if name.endswith(("镇", "乡", "街道")) and 2 <= len(name) <= 8 and not re.search(r"开发|特殊|园|场|管理|区|办事处|社区", name):
                    towns.append(name)
                continue
            close()
            county, towns = None, []
            if depth == 0:
                prov = (fields[0], fields[2] if len(fields) > 2 else fields[0], fields[1] if len(fields) > 1 else "")
                city = None
            elif depth == 1 and len(fields) >= 3:
                city = (fields[0], fields[2], fields[1], area.get((prov[1], fields[2]), ""))
            elif depth == 2 and len(fields) >= 3 and city is not None:
                county = (fields[0], fields[2], fields[1])
        close()
    return tuple(out)


def province_kind(province: str) -> str:
    return "自治区" if province.endswith("自治区") else "市" if province in ("北京市", "上海市", "天津市", "重庆市") else "省"


# ---------------------------------------------------------------- templates from the seeds


class TemplateError(RuntimeError):
    pass


def _esc(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _sub(text: str, old: str, new: str, count: int | None = None) -> str:
    found = text.count(old)
    if found == 0 or (count is not None and found != count):
        raise TemplateError(f"seed text changed? {old!r} occurs {found} times, expected {count or 'at least once'}")
    return text.replace(old, new)


_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")
_UNIT = r"(?:万元|万|元|人次|户|人|名|条|件|次|篇|个|家|期|项|块|张|本|份|批|天|场|起|所|座|辆|套|亩)"
_PROSE_NUMBER = re.compile(r"(?<![A-Za-z0-9_.{\[〔［/-])(\d+(?:\.\d+)?)(?=\s*(?:余|多)?\s*" + _UNIT + ")")


def _mark_wraps(lines: list[str]) -> list[str]:
    """Join a prose line to the next one with WRAP where the seed broke a sentence (or a title)
    over a page; tables and everything else stay as they are."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if line.strip() and "\t" not in line and not line.lstrip().startswith("|") and j < len(lines):
            nxt = lines[j]
            s = line.strip()
            prose_next = nxt.strip() and "\t" not in nxt and not nxt.lstrip().startswith("|")
            sentence = (len(s) >= 24 and any(c in s for c in "，、") and not s.endswith(tuple("。：:；;！？）)”"))
                        and not s.startswith(("附件", "附表")) and not (_HEAD.match(s) and "。" not in s))
            title = len(s) < 30 and not any(c in s for c in "，、。") and "报告" not in s and len(nxt.strip()) <= 12 and "报告" in nxt
            if prose_next and (sentence or title) and j == i + 2:
                lines = lines[:i] + [line.rstrip() + WRAP + nxt.lstrip()] + lines[j + 1:]
                continue
        out.append(line)
        i += 1
    return out


class Generic:
    """Prose numbers govstats does not read: each becomes a slot g0, g1… (the same printed number
    the same slot), filled per report with a number of as many digits and decimals."""

    def __init__(self) -> None:
        self.slots: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        def repl(m: re.Match) -> str:
            orig = m.group(1)
            name = self.slots.setdefault(orig, f"g{len(self.slots)}")
            return "{" + name + "}"

        return _PROSE_NUMBER.sub(repl, text)

    def spec(self) -> list[tuple[str, int, int]]:
        out = []
        for orig, name in self.slots.items():
            whole, _, dec = orig.partition(".")
            out.append((name, 0 if whole.strip("0") == "" and not dec else len(whole), len(dec)))
        return out


def _generic_values(rng: random.Random, spec: list[tuple[str, int, int]], vals: dict) -> None:
    for name, digits, decimals in spec:
        if digits == 0:
            vals[name] = "0"
            continue
        lo = 1 if digits == 1 else 10 ** (digits - 1)
        text = str(rng.randint(lo, 10 ** digits - 1))
        if decimals:
            text += "." + str(rng.randint(1, 10 ** decimals - 1)).zfill(decimals)
        vals[name] = text


def _slot_names(fmt: str) -> list[str]:
    return sorted({m.group(1) for m in re.finditer(r"(?<!\{)\{([A-Za-z_]\w*)\}", fmt)})


LABELS_2014 = {
    "一、主动公开情况": "h1", "二、回应解读情况": "h2", "三、依申请公开情况": "h3",
    "(一)主动公开政府信息数": "proactive_total", "其中：主动公开规范性文件数": "proactive_normdocs",
    "制发规范性文件总数": "normdocs_issued", "1.政府公报公开政府信息数": "ch_gazette",
    "2.政府网站公开政府信息数": "ch_website", "3.政务微博公开政府信息数": "ch_weibo",
    "4.政务微信公开政府信息数": "ch_wechat", "5.其他方式公开政府信息数": "ch_other",
    "(一)回应公众关注热点或重大舆情数": "resp_total", "1.参加或举办新闻发布会总次数": "press",
    "其中：主要负责同志参加新闻发布会次数": "press_principal", "2.政府网站在线访谈次数": "interviews",
    "其中：主要负责同志参加政府网站在线访谈次数": "interviews_principal", "3.政策解读稿件发布数": "interp",
    "4.微博微信回应事件数": "weibo_resp", "5.其他方式回应事件数": "other_resp",
    "(一)收到申请数": "app_received", "1.当面申请数": "app_in_person", "2.传真申请数": "app_fax",
    "3.网络申请数": "app_online", "4.信函申请数": "app_letter", "(二)申请办结数": "concluded",
    "1.按时办结数": "concluded_on_time", "2.延期办结数": "concluded_extended", "(三)申请答复数": "replies",
    "1.属于已主动公开范围数": "r_public", "2.同意公开答复数": "r_agree", "3.同意部分公开答复数": "r_partial",
    "4.不同意公开答复数": "r_refuse", "其中：涉及国家秘密": "rr_state", "涉及商业秘密": "rr_commercial",
    "涉及个人隐私": "rr_privacy", "危及国家安全、公共安全、经济安全和社会稳定": "rr_security",
    "不是《条例》所指政府信息": "rr_notgov", "法律法规规定的其他情形": "rr_other",
    "5.不属于本行政机关公开数": "r_not_this", "6.申请信息不存在数": "r_not_exist",
    "7.告知作出更改补充数": "r_amend", "8.告知通过其他途径办理数": "r_other_channel",
    "四、行政复议数量": "recon_total", "(一)维持具体行政行为数": "recon_upheld",
    "五、行政诉讼数量": "lit_total", "(一)维持具体行政行为或者驳回原告诉讼请求数": "lit_upheld",
    "六、举报投诉数量": "complaints", "七、依申请公开信息收取的费用": "fees",
    "(一)政府信息公开工作专门机构数": "org_units", "(二)设置政府信息公开查阅点数": "reading_points",
    "(三)从事政府信息公开工作人员数": "staff_total", "1.专职人员数（不包括政府公报及政府网站工作人": "staff_full",
    "2.兼职人员数": "staff_part", "(四)政府信息公开专项经费（不包括用于政府公报编辑管理": "budget",
    "(一)召开政府信息与政务公开工作会议或专题会议数": "meetings", "(二)举办各类培训班数": "trainings",
    "(三)接受培训人员数": "trainees",
}


def _slot_2014_table(lines: list[str], pipe: bool) -> list[str]:
    """The value cell of every row of the 2014 统计表 becomes {t_key} (printed as is) or, where
    the seed left it blank, {tb_key} (blank when 0)."""
    section, out = 0, []
    for line in lines:
        if pipe and line.lstrip().startswith("|"):
            cells = line.split("|")
            if len(cells) == 5:  # '', label, unit, value, ''
                label = re.sub(r"\s+", "", cells[1])
                key = _key_2014(label, section)
                if label[:2] in ("四、", "五、"):
                    section = 4 if label.startswith("四") else 5
                if key and cells[3].strip():
                    cells[3] = " {t_%s} " % key
                line = "|".join(cells)
        elif not pipe and "\t" in line:
            cells = line.split("\t")
            if len(cells) == 3:
                label = re.sub(r"\s+", "", cells[0])
                key = _key_2014(label, section)
                if label[:2] in ("四、", "五、"):
                    section = 4 if label.startswith("四") else 5
                if key and not (key.startswith("h") and not cells[2].strip()):
                    cells[2] = ("{t_%s}" if cells[2].strip() else "{tb_%s}") % key
                line = "\t".join(cells)
        out.append(line)
    return out


def _key_2014(label: str, section: int) -> str:
    if label == "(二)被依法纠错数":
        return "recon_corrected" if section == 4 else "lit_corrected"
    if label == "(三)其他情形数":
        return "recon_other" if section == 4 else "lit_other"
    return LABELS_2014.get(label, "")


def _seed_text(seeds: Path, layout: str) -> str:
    files = sorted(seeds.glob(SEED_PREFIX[layout] + "*.txt"))
    if not files:
        raise TemplateError(f"no seed {SEED_PREFIX[layout]}*.txt in {seeds}")
    return files[0].read_text(encoding="utf-8")


def _finish(text: str, table_line) -> tuple[str, list]:
    """Generic slots for the prose numbers left (not on statistics-table lines)."""
    gen = Generic()
    lines = text.split("\n")
    lines = [ln if table_line(ln) else gen(ln) for ln in lines]
    return "\n".join(lines), gen.spec()


def _check_left(text: str, layout: str) -> None:
    for word in ("兴庆", "银川", "宁夏", "中宁", "吴忠", "三元", "三明", "福建", "掌政", "利通", "znzf", "xqq", "smsy", "wuzhong"):
        if word in text:
            where = text[max(0, text.index(word) - 30): text.index(word) + 30]
            raise TemplateError(f"{layout}: seed place name {word!r} left in the template: …{where!r}…")


def _template_2014_pipe(seeds: Path) -> tuple[str, list]:
    t = "\n".join(_mark_wraps(_esc(_seed_text(seeds, "2014_pipe")).split("\n")))
    t = _sub(t, "2018 年 3 月 26 日", "{Y1} 年 {PM} 月 {PD} 日", 1)
    t = _sub(t, "《宁夏回族自治区实施", "《{P}实施", 1)
    t = _sub(t, "<http://www.xqq.gov.cn>", "<{WEB}>", 1)
    t = _sub(t, "银川市兴庆区清河北街宁景南巷三号", "{ADDR}", 1)
    t = _sub(t, "邮编：750001", "邮编：{POST}", 1)
    t = _sub(t, "电话：0951-6738151；传真：0951-6738151", "电话：{TEL}；传真：{FAX}", 1)
    t = _sub(t, "xqqmzj6738151@163.com", "{EMAIL}", 1)
    t = _sub(t, "《银川市兴庆区民政局政府信息公开申请表》", "《{CA}政府信息公开申请表》", 1)
    t = _sub(t, "银兴政办发", "{CR}政办发", 2)
    t = _sub(t, "银政办发", "{C1}政办发", 1)
    t = _sub(t, "银兴民发", "{CR}{ABD}发", 1)
    t = _sub(t, "政务微博@兴庆民政", "政务微博@{RS}{AB}", 1)
    t = _sub(t, "美丽兴庆客户端", "美丽{RS}客户端")
    t = _sub(t, "银川市人大政协提案 3 件，兴庆区人大政协提案 13 件", "{UP}人大政协提案 {x1} 件，{R}人大政协提案 {x2} 件", 1)
    t = _sub(t, "共完成各级人大代表建议和政协提案 16 件", "共完成各级人大代表建议和政协提案 {x_tot} 件", 1)
    # 低保 (a two-column pipe table read as prose)
    t = _sub(t, "每人每月570元", "每人每月{du_std}元", 1)
    t = _sub(t, "每人每年3800元", "每人每年{dr_std}元", 1)
    t = _sub(t, "城市低保1671户2367人，发放低保资金117.73万元，自治区春节生活补贴（饺子费）14.2万元，当月人均补助水平677元/人",
             "城市低保{du_hh}户{du_rec}人，发放低保资金{du_sp}万元，{PK}春节生活补贴（饺子费）{du_bonus}万元，当月人均补助水平{du_avg}元/人", 1)
    t = _sub(t, "农村低保1883户2805人，发放低保资金122.96万元，自治区春节生活补贴（饺子费）16.83万元，当月人均补助水平622元/人",
             "农村低保{dr_hh}户{dr_rec}人，发放低保资金{dr_sp}万元，{PK}春节生活补贴（饺子费）{dr_bonus}万元，当月人均补助水平{dr_avg}元/人", 1)
    t = _sub(t, "主动公开政府信息289条，其中制发并公开规范性文件1件，通过政府网站公开政府信息数为142条，通过政务微博公开政府信息数为82条，通过美丽{RS}客户端公开政府信息数为65条",
             "主动公开政府信息{t_proactive_total}条，其中制发并公开规范性文件{t_proactive_normdocs}件，通过政府网站公开政府信息数为{t_ch_website}条，通过政务微博公开政府信息数为{t_ch_weibo}条，通过美丽{RS}客户端公开政府信息数为{t_ch_other}条", 1)
    t = _sub(t, "2017年，我局未收到信息公开申请，未发生针对本单位有关政府信息公开事务的行政复议案或行政诉讼案。未发生公民、法人和其他组织提出政府信息公开相关举报或投诉。",
             "{S_req}", 1)
    t = _sub(t, "发布部门文件政策解读1件", "发布部门文件政策解读{t_interp}件", 1)
    t = _sub(t, "全年累计回应公众热点 37 次，其中：发布政策解读稿件 1 件，政务微博回应 33 件，政民互动平台回应 3 件",
             "全年累计回应公众热点 {t_resp_total} 次，其中：发布政策解读稿件 {t_interp} 件，政务微博回应 {t_weibo_resp} 件，政民互动平台回应 {t_other_resp} 件", 1)
    t = _sub(t, "兴庆区民政局", "{A}")
    t = _sub(t, "兴庆区", "{R}")
    t = _sub(t, "民政局", "{AS}")
    t = _sub(t, "自治区", "{PK}")
    t = _sub(t, "2018 年", "{Y1} 年", 1)
    t = _sub(t, "2017", "{Y}")
    _check_left(t, "2014_pipe")
    lines = _slot_2014_table(t.split("\n"), pipe=True)
    return _finish("\n".join(lines), lambda ln: ln.lstrip().startswith("|") and ln.count("|") >= 4)


def _template_2014_tab(seeds: Path) -> tuple[str, list]:
    t = "\n".join(_mark_wraps(_esc(_seed_text(seeds, "2014_tab")).split("\n")))
    t = _sub(t, "兴庆区掌政镇 2017 年政府信息公开" + WRAP + "工作年度报告", "{AT} {Y} 年政府信息公开" + WRAP + "工作年度报告", 1)
    t = _sub(t, "兴庆区掌政镇人民政府\n\n2018 年 3 月 26 日", "{A}\n\n{Y1} 年 {PM} 月 {PD} 日", 1)
    t = _sub(t, "《宁夏回族自治区实施", "《{P}实施", 1)
    t = _sub(t, "《兴庆区掌政镇2017年政府信息公开工作年度报告》经掌政镇人民政府同意", "《{AT}{Y}年政府信息公开工作年度报告》经{TGOV}同意", 1)
    t = _sub(t, "掌政镇人民政府", "{TGOV}")
    t = _sub(t, "<http://www.xqq.gov.cn>", "<{WEB}>", 1)
    t = _sub(t, "银川市兴庆区将军街与赵家湖路交汇处向北100米", "{ADDR}", 1)
    t = _sub(t, "邮编：750001", "邮编：{POST}", 1)
    t = _sub(t, "电话：0951-6121014；传真：0951-6121130", "电话：{TEL}；传真：{FAX}", 1)
    t = _sub(t, "yxsxqqzzz@163.com", "{EMAIL}", 1)
    t = _sub(t, "自治区、银川市、兴庆区党委", "{PK}、{C}、{R}党委", 1)
    t = _sub(t, "宁夏辅德律师事务所", "{PS}辅德律师事务所", 1)
    t = _sub(t, "掌政村、春林村", "{TS}村、春林村", 1)
    t = _sub(t, "全年主动公开政府信息196条", "全年主动公开政府信息{t_proactive_total}条", 1)
    t = _sub(t, "兴庆区掌政镇", "{AT}")
    t = _sub(t, "掌政镇", "{TN}")
    t = _sub(t, "兴庆区", "{R}")
    t = _sub(t, "十九大", "{CONG}")
    t = _sub(t, "2017", "{Y}")
    _check_left(t, "2014_tab")
    lines = _slot_2014_table(t.split("\n"), pipe=False)
    return _finish("\n".join(lines), lambda ln: "\t" in ln)


def _template_custom(seeds: Path) -> tuple[str, list]:
    t = "\n".join(_mark_wraps(_esc(_seed_text(seeds, "custom")).split("\n")))
    t = _sub(t, "元民〔2018〕 2 号", "{DOCNO}", 1)
    t = _sub(t, "三元区民政局\n2018年1月30日", "{A}\n{Y1}年{PM}月{PD}日", 1)
    t = _sub(t, "“三元区政府信息公开网”（http://www.smsy.gov.cn/syxxgk/）", "“{R}政府信息公开网”（{WEB}/xxgk/）", 1)
    t = _sub(t, "三元区政府门户网站（www.smsy.gov.cn）", "{R}政府门户网站（{WEBH}）", 1)
    t = _sub(t, "电话：0598—8328341", "电话：{TELD}", 1)
    t = _sub(t, "三明日报社", "{CS}日报社", 1)
    t = _sub(t, "元政办〔2017〕66号", "{RD}政办〔2017〕66号", 1)
    t = _sub(t, "《福建省政府信息查阅场所管理办法》", "《{P}政府信息查阅场所管理办法》", 1)
    t = _sub(t, "2017年我局共制作政府信息17条，主动公开17条", "2017年我局共制作政府信息{c_made}条，主动公开{c_pub}条", 1)
    t = _sub(t, "累计共主动公开政府信息192条", "累计共主动公开政府信息{c_cum}条", 1)
    t = _sub(t, "机构职能类信息4条，占23.5%；规划计划类信息1条，占6%；扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况类信息6条，占35%；工作动态类信息2条，占12%；其它4条，占23.5%",
             "机构职能类信息{k1}条，占{q1}%；规划计划类信息{k2}条，占{q2}%；扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况类信息{k3}条，占{q3}%；工作动态类信息{k4}条，占{q4}%；其它{k5}条，占{q5}%", 1)
    t = _sub(t, "重点公开城乡低保对象877人，特困人员56人，发布低保标准552元/月人，补助水平423元/月人，农村低保标准6624元/月人，补助水平389元/月人，1-12月城乡低保资金支出461万元",
             "重点公开城乡低保对象{d_rec}人，特困人员56人，发布低保标准{du_std}元/月人，补助水平{du_avg}元/月人，农村低保标准{dr_std}元/月人，补助水平{dr_avg}元/月人，1-12月城乡低保资金支出{d_sp}万元", 1)
    t = _sub(t, "截止到2017年，我局未曾收到政府信息公开申请。", "{S_req}", 1)
    t = _sub(t, "截止到2017年，我局未曾发生针对本局有关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。", "{S_rev}", 1)
    t = _sub(t, "三元区民政局", "{A}")
    t = _sub(t, "三元区", "{R}")
    t = _sub(t, "民政局", "{AS}")
    t = _sub(t, "\t2017\n", "\t{Y}\n", 1)
    t = _sub(t, "2017", "{Y}")
    _check_left(t, "custom")
    lines = t.split("\n")
    rows = {"主动公开文件数": "c_pub", "其中：1.政府网站公开数": "c_web", "2.政府公报公开数": "c_gaz",
            "受理政府信息公开申请总数": "a_tot", "其中：1.当面申请数": "a_ip", "2.网络申请数": "a_on",
            "3.信函、传真申请数": "a_lf", "对申请的答复总数": "r_tot", "其中：1.同意公开答复数": "r_ag",
            "2.同意部分公开答复数": "r_pa", "3.不予公开答复数": "r_re", "4.其他类型答复数": "r_ot",
            "接受行政申诉、举报数": "comp", "行政复议数": "recon", "行政诉讼数": "lit"}
    found = 0
    for i, line in enumerate(lines):
        key = rows.get(line.strip()) if line.startswith("\t") else None
        if key:  # label, unit, this year, cumulative: one cell a line
            lines[i + 2] = "\t{%s}" % key
            lines[i + 3] = "\t{%s_cum}" % key
            found += 1
    if found != len(rows):
        raise TemplateError(f"custom: {found} of {len(rows)} 附表 rows found")
    return _finish("\n".join(lines), lambda ln: ln.startswith("\t"))


MATRIX_ROWS_2019 = (["new", "carried", "disclosed", "partial"] + [f"w{i}" for i in range(1, 9)] + [f"u{i}" for i in range(1, 4)]
                    + [f"n{i}" for i in range(1, 6)] + ["other", "total", "carry_forward"])
MATRIX_ROWS_2021 = MATRIX_ROWS_2019[:-3] + ["o1", "o2", "o3", "total", "carry_forward"]
SECTION2_2021 = """第二十条第（一）项\t\t\t
信息内容\t本年制发 件数\t本年废止 件数\t现行有效 件数
规章\t{s_rule_i}\t{s_rule_r}\t{s_rule_f}
行政规范性文件\t{s_nd_i}\t{s_nd_r}\t{s_nd_f}
第二十条第（五）项\t\t\t

信息内容\t本年处理决定数量\t\t
行政许可\t{s_lic_d}\t\t
第二十条第（六）项\t\t\t
信息内容\t本年处理决定数量\t\t
行政处罚\t{s_pen_d}\t\t
行政强制\t{s_coe_d}\t\t
第二十条第（八）项\t\t\t
信息内容\t本年收费金额（单位：万元）\t\t
行政事业性收费\t{s_fee_amt}\t\t"""
OTHER_2021 = ("\t(六) 其他处 理\t1. 申请人无正当理由逾 期不补正、行政机关不再 处理其政府信息公开申请\t{m_o1_0}\t{m_o1_1}\t{m_o1_2}\t{m_o1_3}\t{m_o1_4}\t{m_o1_5}\t{m_o1_6}\n"
              "\t\t2. 申请人逾期未按收费 通知要求缴纳费用、行政 机关不再处理其政府信息 公开申请\t{m_o2_0}\t{m_o2_1}\t{m_o2_2}\t{m_o2_3}\t{m_o2_4}\t{m_o2_5}\t{m_o2_6}\n"
              "\t\t3. 其他\t{m_o3_0}\t{m_o3_1}\t{m_o3_2}\t{m_o3_3}\t{m_o3_4}\t{m_o3_5}\t{m_o3_6}")


def _template_matrix(seeds: Path, era: str) -> tuple[str, list]:
    t = "\n".join(_mark_wraps(_esc(_seed_text(seeds, "2019_matrix")).split("\n")))
    t = _sub(t, "中宁县民政局 2020 年政府信息公开工作 年度报告", "{A} {Y} 年政府信息公开工作 年度报告", 1)
    t = _sub(t, "（国办公开办函〔2019〕60 号）", "（国办公开办函{NOTICE}）", 1)
    t = _sub(t, "中宁县人民政府门户网站（<http://www.znzf.gov.cn>）", "{R}人民政府门户网站（<{WEB}>）", 1)
    t = _sub(t, "中宁县民政局综合办公室联系（地址：民政局二楼综合办公室；邮编：755100；电话：0955-5021321）",
             "{A}综合办公室联系（地址：{AS}二楼综合办公室；邮编：{POST}；电话：{TEL}）", 1)
    t = _sub(t, "“中宁民政局”微信公众号", "“{RS}{AS}”微信公众号", 1)
    t = _sub(t, "行政发文 22" + WRAP + "个，公开 22 个，公开本部门信息 350 余条，其中，在中宁县人民政府网站主动公开各类信息 174 条",
             "行政发文 {docs_n}" + WRAP + "个，公开 {docs_n} 个，公开本部门信息 {p_total} 余条，其中，在中宁县人民政府网站主动公开各类信息 {p_web} 条", 1)
    t = _sub(t, "主动公开各类信息 153 条；通过广播电视台、宣传栏等形式公开信息 20 余条", "主动公开各类信息 {p_wechat} 条；通过广播电视台、宣传栏等形式公开信息 {p_other} 余条", 1)
    t = _sub(t, "2020 年度未收到政府信息公开的申请。", "{S_req}", 1)
    t = _sub(t, "中宁县", "{R}")
    t = _sub(t, "民政局", "{AS}")
    t = _sub(t, "2020", "{Y}")
    _check_left(t, era)
    lines = t.split("\n")
    out, row, in_matrix = [], 0, False
    rows = MATRIX_ROWS_2019
    section2 = {"规章": ["s_rule_m", "s_rule_p", "s_rule_t"], "规范性文件": ["s_nd_m", "s_nd_p", "s_nd_t"],
                "行政许可": ["s_lic_p", "s_lic_c", "s_lic_d"], "其他对外管理服务事项": ["s_oms_p", "s_oms_c", "s_oms_d"],
                "行政处罚": ["s_pen_p", "s_pen_c", "s_pen_d"], "行政强制": ["s_coe_p", "s_coe_c", "s_coe_d"],
                "行政事业性收费": ["s_fee_p", "s_fee_c"], "政府集中采购": ["s_proc_n", "s_proc_amt"]}
    for line in lines:
        if "\t" not in line:
            out.append(line)
            continue
        cells = line.split("\t")
        if "本列数据的勾稽关系" in cells[0]:
            in_matrix = True
        if cells[0] in section2:
            for k, name in enumerate(section2[cells[0]], 1):
                cells[k] = "{%s}" % name
        elif len(cells) == 15 and all(re.fullmatch(r"\d*", c) for c in cells):
            cells = ["{rvb_%d}" % c if c < 5 else "{rv_%d}" % c for c in range(15)]
        elif in_matrix and len(cells) >= 9 and all(re.fullmatch(r"\d+", c) for c in cells[-7:]):
            cells[-7:] = ["{m_%s_%d}" % (rows[row], c) for c in range(7)]
            row += 1
        out.append("\t".join(cells))
    if row != len(rows):
        raise TemplateError(f"{era}: {row} matrix rows found, expected {len(rows)}")
    t = "\n".join(out)
    if era == "2021_matrix":
        start, end = t.index("第二十条第（一）项"), t.index("{s_proc_amt}\t")
        t = t[:start] + SECTION2_2021 + t[end + len("{s_proc_amt}\t"):]
        other = next(ln for ln in t.split("\n") if "(六) 其他处理" in ln)
        t = _sub(t, other, OTHER_2021, 1)
    return _finish(t, lambda ln: "\t" in ln)


def _template_narrative(seeds: Path) -> tuple[str, list, str]:
    """Seed 002: the header and signature as printed; the body unwrapped into paragraphs (so
    that names and numbers of any length can be put in), wrapped again per report."""
    lines = _esc(_seed_text(seeds, "narrative")).split("\n")
    title = next(i for i, ln in enumerate(lines) if "政府信息公开" in ln)
    sign = max(i for i, ln in enumerate(lines) if ln.strip() == "吴忠市民政局")
    if lines[title + 1] != "工作年度报告" or not re.fullmatch(r"2018年 3月 26日", lines[sign + 2]):
        raise TemplateError("narrative: seed 002 title or signature changed")
    paragraphs: list[str] = []
    current = ""
    for raw in lines[title + 2: sign]:
        s = raw.strip()
        if not s or s.startswith("mailto:") or re.fullmatch(r"-\s*\d+\s*-", s):
            continue
        current += s
        heading = _HEAD.match(current) and "。" not in current
        if current.endswith(("。", "：", ":")) or (heading and not current.endswith(("、", "，"))):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    t = PARA.join(paragraphs)
    t = _sub(t, "《宁夏回族自治区实施<中华人民共和国政府信息公开条例>办法》", "《{P}实施<中华人民共和国政府信息公开条例>办法》", 1)
    t = _sub(t, "www.wuzhong.gov.cn", "{WEBH}", 1)
    t = _sub(t, "（地址：宁夏吴忠市利通区明珠西路 23号，联系电话：0953-2036045，邮政编码：751100，电子邮箱：wzsmzjbgswf@163.com）",
             "（地址：{ADDR}，联系电话：{TEL}，邮政编码：{POST}，电子邮箱：{EMAIL}）", 1)
    t = _sub(t, "全年通过吴忠市政府门户网站公开公示民政信息 88条", "全年通过吴忠市政府门户网站公开公示{INFO}信息 {n_web}条", 1)
    t = _sub(t, "各类政务信息 63条", "各类政务信息 {n_other}条", 1)
    t = _sub(t, "城市低保累计保障对象 398090人次，支出资金 14556万元，人均补助水平每人每月 365.64元；农村低保累计保障对象 1129772人次，支出资金 30082.48万元，人均补助水平每人每月 266.27元",
             "城市低保累计保障对象 {du_pt}人次，支出资金 {du_sp}万元，人均补助水平每人每月 {du_avg}元；农村低保累计保障对象 {dr_pt}人次，支出资金 {dr_sp}万元，人均补助水平每人每月 {dr_avg}元", 1)
    t = _sub(t, "全年未接到公民、法人或其他组织有关公开政府信息的申请，也未发生因政府信息公开引起的行政复议、行政诉讼和投诉举报情况。", "{S_req}", 1)
    t = _sub(t, "我市临时救助累计救", "我市" + NARROW + "临时救助累计救", 1)
    t = _sub(t, "吴忠民政", "{RS}{AB}")
    t = _sub(t, "吴忠市民政局", "{A}")
    t = _sub(t, "吴忠日报", "{CS}日报")
    t = _sub(t, "吴忠电视台", "{CS}电视台")
    t = _sub(t, "吴忠新闻网", "{CS}新闻网")
    t = _sub(t, "吴忠市", "{R}")
    t = _sub(t, "吴忠", "{RS}")
    t = _sub(t, "宁夏", "{PS}")
    t = _sub(t, "自治区", "{PK}")
    t = _sub(t, "民政局", "{AS}")
    t = _sub(t, "十九大", "{CONG}")
    t = _sub(t, "2017", "{Y}")
    _check_left(t, "narrative")
    gen = Generic()
    t = PARA.join(gen(p) for p in t.split(PARA))
    head = "\n- 1 -\n\n{A} {Y}年政府信息公开\n工作年度报告\n\n"
    tail = "\n\n{A}\n\n{Y1}年 {PM}月 {PD}日\n\n\n"
    return t, gen.spec(), head + PARA + tail


@functools.cache
def templates(seeds: str = str(SEEDS_DIR)) -> dict:
    """layout → (format string, generic slots, slot names[, head/tail]); built once per process."""
    path = Path(seeds)
    out = {}
    for layout, build in (("2014_pipe", _template_2014_pipe), ("2014_tab", _template_2014_tab), ("custom", _template_custom)):
        fmt, gen = build(path)
        out[layout] = (fmt, gen, _slot_names(fmt))
    for era in ("2019_matrix", "2021_matrix"):
        fmt, gen = _template_matrix(path, era)
        out[era] = (fmt, gen, _slot_names(fmt))
    body, gen, frame = _template_narrative(path)
    out["narrative"] = (body, gen, _slot_names(body + frame), frame)
    return out


# ---------------------------------------------------------------- one report: who, when, which layout


def _rng(*parts) -> random.Random:
    return random.Random("/".join(map(str, parts)))


def draw_spec(seed: int, index: int) -> dict:
    """Agency, region, year and layout of report `index` (numbers are drawn separately, so that
    mutate() can change them and nothing else)."""
    rng = _rng("synth", seed, index)
    pool = regions()
    year = rng.randint(2014, 2023)
    r = pool[rng.randrange(len(pool))]
    prov, prov_alias, _prov_code, city, city_alias, city_code, county, county_alias, county_code, area, towns = r
    level = rng.choices(["county", "town", "prefecture"], [0.6, 0.2, 0.2])[0]
    if level == "prefecture" and (prov == city or province_kind(prov) == "市"):
        level = "county"
    if level == "town" and not towns:
        level = "county"
    bureaus = BUREAUS_2014 if year <= 2018 else BUREAUS_2019
    s = {"index": index, "year": year, "level": level, "province": prov, "PS": prov_alias, "PK": province_kind(prov),
         "city": city, "CS": city_alias, "area": area, "county": "", "town": ""}
    if level == "town":
        town = towns[rng.randrange(len(towns))]
        gov = town + ("办事处" if town.endswith("街道") else "人民政府")
        s.update(county=county, town=town, R=county, RS=county_alias, adcode=county_code, TN=town, TGOV=gov,
                 TS=re.sub(r"(街道|镇|乡)$", "", town), AT=county + town, A=county + gov, AS=town,
                 AB=re.sub(r"(街道|镇|乡)$", "", town), ABD=town[0],
                 kind="subdistrict_office" if town.endswith("街道") else "town_government")
    else:
        name, kind, brief, abbr, _w = rng.choices(bureaus, [b[4] for b in bureaus])[0]
        region, alias = (county, county_alias) if level == "county" else (city, city_alias)
        s.update(R=region, RS=alias, adcode=county_code if level == "county" else city_code, A=region + name, AT=region + name,
                 AS=name, AB=brief, ABD=abbr, kind=kind, county=county if level == "county" else "")
    if year <= 2018:
        layouts = (["2014_tab", "narrative"], [0.85, 0.15]) if level == "town" else (["2014_pipe", "custom", "narrative"], [0.55, 0.2, 0.25])
    else:
        layouts = (["2019_matrix" if year <= 2020 else "2021_matrix", "narrative"], [0.9, 0.1])
    s["layout"] = rng.choices(*layouts)[0]
    # website, telephone, e-mail and address: the same for an agency's reports of every year
    arng = _rng("agency", seed, s["A"], city)
    letters = "".join(arng.choice("abcdefghjklmnpqrstwxyz") for _ in range(arng.randint(2, 4)))
    digits = 8 if len(area) == 3 else 7
    s["WEBH"] = f"www.{letters}.gov.cn"
    s["WEB"] = "http://" + s["WEBH"]
    number = str(arng.randint(2, 8)) + "".join(arng.choice("0123456789") for _ in range(digits - 1))
    s["TEL"] = f"{area}-{number}"
    s["FAX"] = f"{area}-{number[:-2]}{arng.randint(10, 99)}"
    s["TELD"] = f"{area}—{number}"
    s["EMAIL"] = f"{letters}{arng.randint(100, 99999)}@{arng.choice(['163', '126', 'qq'])}.com"
    s["POST"] = f"{arng.randint(10, 86)}{arng.randint(0, 9999):04d}"
    s["ADDR"] = f"{city}{'' if level == 'prefecture' else county}{arng.choice(STREETS)}{arng.randint(1, 299)}号"
    s["CA"] = s["A"] if s["A"].startswith(city) else city + s["A"]
    s["C"], s["C1"], s["P"] = city, city_alias[0], prov
    s["CR"] = city_alias[0] + (s["RS"][0] if level != "prefecture" else "")
    s["UP"] = prov if level == "prefecture" else city  # the level above, for 提案
    s["RD"] = s["RS"][-1]
    month = rng.choices([1, 2, 3, 4], [0.35, 0.3, 0.3, 0.05])[0]
    s["PM"], s["PD"] = month, rng.randint(10 if month == 1 else 1, 28)
    s["docno_n"] = rng.randint(1, 60)
    return s


def truth(spec: dict, fmt: str, file: str, salt: int, v: dict) -> dict:
    """What govstats should find: the recognised fields, and two figures (applications received
    this year, proactive disclosures this year; '' where the report does not state one)."""
    y = spec["year"]
    layout = spec["layout"]
    published = "" if layout.endswith("_matrix") else f"{y + 1}-{spec['PM']:02d}-{spec['PD']:02d}"
    docno = f"{spec['RD']}{spec['ABD']}〔{y + 1}〕{spec['docno_n']}号" if layout == "custom" else ""
    return {"file": file, "index": spec["index"], "salt": salt, "layout": layout, "format": fmt, "template": TEMPLATE_OF[layout],
            "agency": spec["A"], "agency_kind": spec["kind"], "admin_level": spec["level"], "province": spec["province"],
            "city": spec["city"], "county": spec["county"], "town": spec["town"], "adcode": spec["adcode"],
            "report_year": y, "published": published, "doc_number": docno,
            "applications": v["_apps"], "proactive_total": v.get("_proactive", "")}


def file_name(spec: dict, ext: str) -> str:
    place = spec["county"] or spec["city"]
    agency = spec["A"][len(place):] if spec["A"].startswith(place) else spec["A"]
    return f"{spec['PS']}_{place}_{agency}_{spec['year']}_{spec['index']:06d}.{ext}"


# ---------------------------------------------------------------- numbers


def _some(rng: random.Random, p_zero: float, lo: int, hi: int) -> int:
    return 0 if rng.random() < p_zero else rng.randint(lo, hi)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    out = [0] * len(weights)
    if total <= 0:
        return out
    for k in rng.choices(range(len(weights)), weights, k=total):
        out[k] += 1
    return out


def _requests(rng: random.Random, level: str) -> int:
    if rng.random() < (0.7 if level == "town" else 0.55):
        return 0
    return min(400, int(rng.paretovariate(1.3)) + rng.randint(0, 3))


def _identity_values(spec: dict) -> dict:
    y = spec["year"]
    v = {k: spec[k] for k in ("A", "AT", "AS", "AB", "ABD", "R", "RS", "RD", "C", "C1", "CS", "CR", "CA", "UP", "P", "PS", "PK",
                               "WEB", "WEBH", "TEL", "FAX", "TELD", "EMAIL", "POST", "ADDR", "PM", "PD")}
    v.update(Y=y, Y1=y + 1, TN=spec.get("TN", ""), TGOV=spec.get("TGOV", ""), TS=spec.get("TS", ""),
             CONG="十八大" if y < 2017 else "十九大" if y < 2023 else "二十大",
             NOTICE="〔2021〕30 号" if y >= 2021 else "〔2019〕60 号",
             DOCNO=f"{spec['RD']}{spec['ABD']}〔{y + 1}〕 {spec['docno_n']} 号",
             # the agency's own kind of information (民政信息); govstats reads a topic that is not
             # in the agency's name as a subset, so fall back to 政务信息
             INFO=spec["AB"] if all(c in spec["A"] for c in spec["AB"]) else "政务")
    return v


def _dibao(rng: random.Random, v: dict) -> None:
    """低保: standards, households, recipients, monthly spending (万元) = recipients x benefit."""
    du_std = rng.randrange(400, 900, 5)
    dr_m = rng.randrange(250, du_std, 5)
    du_avg, dr_avg = rng.randint(du_std // 2, du_std - 10), rng.randint(dr_m // 2, dr_m - 10)
    du_rec, dr_rec = rng.randint(100, 5000), rng.randint(100, 8000)
    v.update(du_std=du_std, dr_std=dr_m * 12, du_avg=du_avg, dr_avg=dr_avg, du_rec=du_rec, dr_rec=dr_rec,
             du_hh=max(1, int(du_rec / rng.uniform(1.2, 1.8))), dr_hh=max(1, int(dr_rec / rng.uniform(1.2, 1.8))),
             du_sp=f"{du_rec * du_avg / 10000:.2f}", dr_sp=f"{dr_rec * dr_avg / 10000:.2f}",
             du_bonus=f"{du_rec * rng.randint(40, 80) / 10000:.2f}", dr_bonus=f"{dr_rec * rng.randint(40, 80) / 10000:.2f}")


def _values_2014(rng: random.Random, spec: dict, v: dict) -> None:
    t = {}
    t["ch_website"] = rng.randint(20, 600)
    t["ch_weibo"] = _some(rng, 0.4, 5, 300)
    t["ch_wechat"] = _some(rng, 0.4 if spec["year"] >= 2016 else 0.7, 5, 300)
    t["ch_other"] = _some(rng, 0.3, 1, 150)
    t["ch_gazette"] = _some(rng, 0.85, 1, 30)
    channels = [t["ch_website"], t["ch_weibo"], t["ch_wechat"], t["ch_other"], t["ch_gazette"]]
    t["proactive_total"] = rng.randint(max(channels), sum(channels))
    t["normdocs_issued"] = _some(rng, 0.5, 1, 10)
    t["proactive_normdocs"] = rng.randint(0, min(t["normdocs_issued"], t["proactive_total"]))
    t["press"] = _some(rng, 0.7, 1, 5)
    t["press_principal"] = rng.randint(0, t["press"])
    t["interviews"] = _some(rng, 0.8, 1, 4)
    t["interviews_principal"] = rng.randint(0, t["interviews"])
    t["interp"] = _some(rng, 0.3, 1, 15) if spec["layout"] != "2014_pipe" else rng.randint(1, 15)
    t["weibo_resp"] = _some(rng, 0.5, 1, 60)
    t["other_resp"] = _some(rng, 0.5, 1, 20)
    t["resp_total"] = t["press"] + t["interviews"] + t["interp"] + t["weibo_resp"] + t["other_resp"]
    n = _requests(rng, spec["level"])
    t["app_received"] = n
    v["_apps"], v["_proactive"] = n, t["proactive_total"]
    t["app_in_person"], t["app_fax"], t["app_online"], t["app_letter"] = _split(rng, n, [0.4, 0.02, 0.45, 0.13])
    t["concluded"] = n
    t["concluded_extended"] = _some(rng, 0.9, 0, min(n, 2))
    t["concluded_on_time"] = n - t["concluded_extended"]
    t["replies"] = n
    parts = _split(rng, n, [0.15, 0.45, 0.05, 0.05, 0.1, 0.1, 0.05, 0.05])
    for key, value in zip(["r_public", "r_agree", "r_partial", "r_refuse", "r_not_this", "r_not_exist", "r_amend", "r_other_channel"], parts):
        t[key] = value
    reasons = _split(rng, t["r_refuse"], [0.1, 0.1, 0.3, 0.05, 0.3, 0.15])
    for key, value in zip(["rr_state", "rr_commercial", "rr_privacy", "rr_security", "rr_notgov", "rr_other"], reasons):
        t[key] = value
    for kind in ("recon", "lit"):
        total = _some(rng, 0.95, 1, 3) if n else 0
        t[f"{kind}_total"] = total
        t[f"{kind}_upheld"], t[f"{kind}_corrected"], t[f"{kind}_other"] = _split(rng, total, [0.7, 0.15, 0.15])
    t["complaints"] = _some(rng, 0.95, 1, 3)
    t["fees"] = 0
    t["org_units"] = rng.choices([0, 1, 2], [0.1, 0.8, 0.1])[0]
    t["reading_points"] = rng.randint(0, 3)
    t["staff_full"], t["staff_part"] = rng.randint(0, 2), rng.randint(1, 4)
    t["staff_total"] = t["staff_full"] + t["staff_part"]
    t["budget"] = _some(rng, 0.7, 1, 5)
    t["meetings"], t["trainings"] = rng.randint(0, 6), rng.randint(0, 4)
    t["trainees"] = rng.randint(t["trainings"], 30) if t["trainings"] else rng.randint(0, 3)
    # spreadsheet auto-sums on the section-header rows (seed 003)
    t["h1"] = sum(t[k] for k in ("proactive_total", "proactive_normdocs", "normdocs_issued", "ch_gazette", "ch_website", "ch_weibo", "ch_wechat", "ch_other"))
    t["h2"] = sum(t[k] for k in ("resp_total", "press", "press_principal", "interviews", "interviews_principal", "interp", "weibo_resp", "other_resp"))
    t["h3"] = sum(t[k] for k in LABELS_2014.values() if k.startswith(("app_", "concluded", "replies", "r_", "rr_")))
    for key, value in t.items():
        v["t_" + key] = value
        v["tb_" + key] = value or ""
    y = spec["year"]
    if spec["layout"] == "2014_pipe":
        s = f"{y}年，我局未收到信息公开申请，" if n == 0 else f"{y}年，我局共收到政府信息公开申请{n}件，均已按时办结，"
        if t["recon_total"] or t["lit_total"]:
            s += f"发生针对本单位有关政府信息公开事务的行政复议案{t['recon_total']}件、行政诉讼案{t['lit_total']}件。"
        else:
            s += "未发生针对本单位有关政府信息公开事务的行政复议案或行政诉讼案。"
        s += "未发生公民、法人和其他组织提出政府信息公开相关举报或投诉。" if not t["complaints"] else f"收到公民、法人和其他组织提出政府信息公开相关举报投诉{t['complaints']}件。"
        v["S_req"] = s
        x1 = rng.randint(0, 10)
        x2 = rng.randint(0 if x1 else 1, 20)
        v.update(x1=x1, x2=x2, x_tot=x1 + x2)
        _dibao(rng, v)


def _values_custom(rng: random.Random, spec: dict, v: dict) -> None:
    y = spec["year"]
    pub = rng.randint(5, 200)
    kinds = _split(rng, pub, [0.25, 0.08, 0.35, 0.12, 0.2])
    for k, value in enumerate(kinds, 1):
        v[f"k{k}"] = value
        v[f"q{k}"] = f"{100 * value / pub:.1f}".removesuffix(".0")
    prior = rng.randint(20, 900)
    v.update(c_made=pub, c_pub=pub, c_cum=pub + prior, c_pub_cum=pub + prior, c_web=pub, c_web_cum=pub + prior, c_gaz=0, c_gaz_cum=0)
    n = _requests(rng, spec["level"])
    v["_apps"], v["_proactive"] = n, pub
    before = _some(rng, 0.5, 1, 20)
    ip, on, lf = _split(rng, n, [0.4, 0.5, 0.1])
    bip, bon, blf = _split(rng, before, [0.4, 0.5, 0.1])
    ag, pa, re_, ot = _split(rng, n, [0.6, 0.05, 0.1, 0.25])
    bag, bpa, bre, bot = _split(rng, before, [0.6, 0.05, 0.1, 0.25])
    recon = _some(rng, 0.95, 1, 2) if n else 0
    lit = _some(rng, 0.97, 1, 2) if n else 0
    comp = _some(rng, 0.95, 1, 3)
    for key, now, earlier in (("a_tot", n, before), ("a_ip", ip, bip), ("a_on", on, bon), ("a_lf", lf, blf),
                              ("r_tot", n, before), ("r_ag", ag, bag), ("r_pa", pa, bpa), ("r_re", re_, bre), ("r_ot", ot, bot),
                              ("comp", comp, _some(rng, 0.8, 1, 3)), ("recon", recon, _some(rng, 0.9, 1, 2)), ("lit", lit, _some(rng, 0.95, 1, 2))):
        v[key], v[key + "_cum"] = now, now + earlier
    v["S_req"] = (f"截止到{y}年，我局未曾收到政府信息公开申请。" if n == 0 and not before else f"{y}年，我局未收到政府信息公开申请。" if n == 0 else f"{y}年，我局共受理政府信息公开申请{n}件，均已在法定期限内答复。")
    v["S_rev"] = (f"截止到{y}年，我局未曾发生针对本局有关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。" if not (recon or lit)
                  else f"{y}年，我局发生针对本局有关政府信息公开事务的行政复议案{recon}件、行政诉讼案{lit}件。")
    _dibao(rng, v)
    v["dr_std"] = v["du_std"] * 12  # the seed prints the rural standard as 元/月人 with an annual figure
    v["d_rec"] = v["du_rec"] + v["dr_rec"]
    v["d_sp"] = round((v["du_rec"] * v["du_avg"] + v["dr_rec"] * v["dr_avg"]) * 12 / 10000)


def _values_narrative(rng: random.Random, spec: dict, v: dict) -> None:
    v["n_web"], v["n_other"] = rng.randint(10, 400), rng.randint(0, 200)
    du_pt, dr_pt = rng.randint(5000, 400000), rng.randint(5000, 1200000)
    du_avg, dr_avg = round(rng.uniform(250, 700), 2), round(rng.uniform(150, 450), 2)
    v.update(du_pt=du_pt, dr_pt=dr_pt, du_avg=f"{du_avg:g}", dr_avg=f"{dr_avg:g}",
             du_sp=f"{du_pt * du_avg / 10000:.2f}".rstrip("0").rstrip("."), dr_sp=f"{dr_pt * dr_avg / 10000:.2f}".rstrip("0").rstrip("."))
    n = _requests(rng, spec["level"])
    v["_apps"] = n
    v["S_req"] = ("全年未接到公民、法人或其他组织有关公开政府信息的申请，也未发生因政府信息公开引起的行政复议、行政诉讼和投诉举报情况。" if n == 0
                  else f"全年共收到公民、法人或其他组织政府信息公开申请 {n}件，均已依法按时答复，未发生因政府信息公开引起的行政复议、行政诉讼和投诉举报情况。")


def _change(rng: random.Random, prev: int) -> str:
    d = rng.randint(-prev, max(5, prev // 2)) if rng.random() < 0.6 else 0
    return f"+{d}" if d > 0 else str(d)


def _values_matrix(rng: random.Random, spec: dict, v: dict) -> None:
    y, era2021 = spec["year"], spec["layout"] == "2021_matrix"
    gov = spec["kind"] == "people_government"
    if era2021:
        v.update(s_rule_i=_some(rng, 0.97 if not gov else 0.7, 1, 3), s_rule_r=_some(rng, 0.98, 1, 2), s_rule_f=_some(rng, 0.9 if not gov else 0.5, 1, 30),
                 s_nd_i=_some(rng, 0.6, 1, 8), s_nd_r=_some(rng, 0.8, 1, 5), s_nd_f=_some(rng, 0.4, 1, 60),
                 s_lic_d=_some(rng, 0.3, 1, 3000), s_pen_d=_some(rng, 0.5, 1, 500), s_coe_d=_some(rng, 0.8, 1, 50),
                 s_fee_amt=0 if rng.random() < 0.85 else f"{rng.uniform(0.1, 80):.2f}".rstrip("0").rstrip("."))
    else:
        made = _some(rng, 0.6, 1, 8)
        v.update(s_rule_m=0, s_rule_p=0, s_rule_t=0, s_nd_m=made, s_nd_p=made, s_nd_t=made + rng.randint(0, 40))
        for key, hi, hd in (("lic", 200, 3000), ("oms", 100, 2000), ("pen", 300, 500), ("coe", 20, 50)):
            prev = _some(rng, 0.3, 1, hi)
            v[f"s_{key}_p"], v[f"s_{key}_c"], v[f"s_{key}_d"] = prev, _change(rng, prev), _some(rng, 0.4, 1, hd)
        fee = _some(rng, 0.7, 1, 10)
        v.update(s_fee_p=fee, s_fee_c=_change(rng, fee), s_proc_n=_some(rng, 0.4, 1, 12))
        v["s_proc_amt"] = f"{rng.randint(5000, 9000000)} 元" if v["s_proc_n"] else "0"
    rows = MATRIX_ROWS_2021 if era2021 else MATRIX_ROWS_2019
    outcomes = rows[2:-2]
    weights = {"disclosed": 0.45, "partial": 0.05, "w1": 0.01, "w2": 0.01, "w3": 0.005, "w4": 0.02, "w5": 0.01, "w6": 0.02,
               "w7": 0.005, "w8": 0.01, "u1": 0.2, "u2": 0.03, "u3": 0.02, "n1": 0.03, "n2": 0.03, "n3": 0.005, "n4": 0.005,
               "n5": 0.005, "other": 0.06, "o1": 0.03, "o2": 0.005, "o3": 0.025}
    n = _requests(rng, spec["level"])
    v["_apps"] = n
    new = _split(rng, n, [0.8, 0.1, 0.01, 0.01, 0.03, 0.05])
    carried = [_some(rng, 0.85, 1, 3), 0, 0, 0, 0, 0]
    table = {r: [0] * 7 for r in rows}
    for c in range(6):
        forward = _some(rng, 0.85, 1, 2) if new[c] + carried[c] else 0
        forward = min(forward, new[c] + carried[c])
        handled = new[c] + carried[c] - forward
        for r, k in zip(outcomes, _split(rng, handled, [weights[r] for r in outcomes])):
            table[r][c] = k
        table["new"][c], table["carried"][c], table["total"][c], table["carry_forward"][c] = new[c], carried[c], handled, forward
    for r in rows:
        cells = table[r]
        cells[6] = sum(cells[:6])
        for c in range(7):
            v[f"m_{r}_{c}"] = cells[c]
    review = []
    for p_zero in (0.93, 0.97, 0.98):
        total = _some(rng, p_zero, 1, 3) if n else 0
        review += _split(rng, total, [0.6, 0.15, 0.15, 0.1]) + [total]
    for c in range(15):
        v[f"rv_{c}"] = review[c]
        v[f"rvb_{c}"] = review[c] if any(review[:5]) else ""
    web, wechat, other = rng.randint(20, 600), _some(rng, 0.3, 10, 400), _some(rng, 0.3, 10, 90)
    other -= other % 10
    v.update(docs_n=rng.randint(1, 80), p_web=web, p_wechat=wechat, p_other=other or 10, p_total=(web + wechat + (other or 10)) // 10 * 10)
    v["_proactive"] = v["p_total"]  # printed as "N 余条"
    v["S_req"] = f"{y} 年度未收到政府信息公开的申请。" if n == 0 else f"{y} 年度共收到政府信息公开申请 {n} 件，均已依法按时答复。"


VALUES = {"2014_pipe": _values_2014, "2014_tab": _values_2014, "custom": _values_custom, "narrative": _values_narrative,
          "2019_matrix": _values_matrix, "2021_matrix": _values_matrix}


def values(spec: dict, seed: int, salt: int) -> dict:
    rng = _rng("numbers", seed, spec["index"], salt)
    v = _identity_values(spec)
    VALUES[spec["layout"]](rng, spec, v)
    tpl = templates()[spec["layout"]]
    _generic_values(rng, tpl[1], v)
    return v


# ---------------------------------------------------------------- rendering


_CLOSING = set("，。、；：？！）》」”’%,.;:?!)")


def _runs(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in ".@/_-")


def _cut(text: str, widths) -> list[str]:
    """Hard-wrap as a word processor does: never inside a run of digits or Latin letters (unless
    it fills a whole line), and closing punctuation stays at the end of its line (避头尾)."""
    lines, pos, n = [], 0, len(text)
    while pos < n:
        end = min(pos + next(widths), n)
        if end < n:
            k = end
            while k > pos and _runs(text[k - 1]) and _runs(text[k]):
                k -= 1
            if k > pos:
                end = k
            while end < n and text[end] in _CLOSING:
                end += 1
        lines.append(text[pos:end])
        pos = end
    return lines


def _widths(*first: int, rest: int = 28):
    yield from first
    while True:
        yield rest


def _wrap_narrative(body: str) -> list[str]:
    """Seed 002's layout: lines of 28 characters (26 for a paragraph's first), a blank line
    between lines, a page break every 22 lines (single newline, next line indented by a space),
    the mailto: line of the e-mail address at the end of the first page, seven 7-character lines
    where the text flows around a picture."""
    out: list[str] = []
    for para in body.split(PARA):
        if NARROW in para:
            before, after = para.split(NARROW, 1)
            out += _cut(before, _widths(26)) + _cut(after, _widths(*[7] * 7))
        else:
            out += _cut(para, _widths(26))
    return [ln for ln in out if ln]


def render_text(spec: dict, v: dict) -> str:
    layout = spec["layout"]
    tpl = templates()[layout]
    if layout != "narrative":
        return tpl[0].format_map(v).replace(WRAP, "\n\n")
    lines = _wrap_narrative(tpl[0].format_map(v))
    head, tail = tpl[3].format_map(v).split(PARA)
    parts, mailto = [], "mailto:" + v["EMAIL"] + "）。"
    for k, line in enumerate(lines):
        if k and k % 22 == 0:
            if mailto:
                parts.append("\n\n" + mailto)
                mailto = ""
            parts.append("\n " + line)
        else:
            parts.append(("\n\n" if k else "") + line)
    return head + "".join(parts) + tail


def blocks(spec: dict, v: dict) -> list:
    """The report as paragraphs (str) and tables (list of rows of cells), for DOCX, HTML and PDF:
    the text without the page layout (hard wraps, page numbers, mailto: lines, markup)."""
    layout = spec["layout"]
    tpl = templates()[layout]
    if layout == "narrative":
        head, tail = tpl[3].format_map(v).split(PARA)
        body = tpl[0].format_map(v).replace(NARROW, "").split(PARA)
        title = [ln for ln in head.split("\n") if ln.strip() and not re.fullmatch(r"-\s*\d+\s*-", ln.strip())]
        return ["".join(title)] + body + [ln for ln in tail.split("\n") if ln.strip()]
    text = tpl[0].format_map(v).replace(WRAP, "")
    out: list = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.lstrip().startswith("|"):  # pipe table; a part after a page break continues it
            rows = []
            while i < len(lines) and (lines[i].lstrip().startswith("|") or (not lines[i].strip() and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("|") and not lines[i + 1].replace("|", "").strip())):
                ln = lines[i].strip()
                if ln and not re.fullmatch(r"\|?[\s:|-]+\|?", ln) and ln.replace("|", "").strip():
                    rows.append([c.strip() for c in ln.strip("|").split("|")])
                i += 1
            out.append(rows)
        elif "\t" in line:  # tab table (blank lines inside), or one cell per line
            group, members = [], []
            while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
                if "\t" in lines[i]:
                    group.append(lines[i])
                elif group:
                    members.append(group)
                    group = []
                i += 1
            if group:
                members.append(group)
            if all(re.fullmatch(r"\t[^\t]+", ln) for g in members for ln in g):
                rows = [[ln.strip() for ln in g] for g in members]
            else:
                rows = [ln.split("\t") for g in members for ln in g]
            width = max(len(r) for r in rows)
            out.append([r[:2] + [""] * (width - len(r)) + r[2:] if len(r) < width else r for r in rows])
        else:
            text_line = re.sub(r"^\s*\[bookmark:[^\]]*\]\s*", "", line).replace("**", "").strip()
            if text_line:
                out.append(text_line)
            i += 1
    return out


def render_html(spec: dict, v: dict) -> bytes:
    body = []
    for b in blocks(spec, v):
        if isinstance(b, str):
            body.append(f"<p>{html.escape(b)}</p>")
        else:
            rows = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in b)
            body.append(f'<table border="1" cellspacing="0" cellpadding="4">\n{rows}\n</table>')
    title = html.escape(f"{v['A']}{v['Y']}年政府信息公开工作年度报告")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n<body>\n'
            + "\n".join(body) + "\n</body>\n</html>\n").encode("utf-8")


_DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}


def render_docx(spec: dict, v: dict) -> bytes:
    """A minimal WordprocessingML package (what python-docx reads: paragraphs and tables in
    order, a grid per table), written directly: python-docx would take ~100x longer a report."""
    esc = html.escape
    parts = []
    for b in blocks(spec, v):
        if isinstance(b, str):
            parts.append(f"<w:p><w:r><w:t xml:space=\"preserve\">{esc(b, quote=False)}</w:t></w:r></w:p>")
            continue
        width = max(len(r) for r in b)
        grid = "".join('<w:gridCol w:w="%d"/>' % (9000 // width) for _ in range(width))
        rows = "".join("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{9000 // width}" w:type="dxa"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">{esc(c, quote=False)}</w:t></w:r></w:p></w:tc>'
                                          for c in r) + "</w:tr>" for r in b)
        parts.append('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
                     f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl><w:p/>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body>" + "".join(parts) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in list(_DOCX_PARTS.items()) + [("word/document.xml", document)]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


# PDF: fpdf2 with the CJK TrueType font tests/fixtures/make_fixtures.py makes (Noto Sans CJK SC cut
# to the characters needed and turned into TrueType outlines, which pdfminer/camelot can read).
_PDF_FONT: dict[str, str] = {}


def _fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tests" / "fixtures" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_pdf_font(chars: str, cache_dir: Path | None = None) -> str:
    """A TrueType subset with `chars` (and the seeds' characters), made once by make_fixtures'
    font_path() and kept in the cache folder by the hash of its characters."""
    fixtures = _fixtures()
    sources = [Path(__file__), *sorted(SEEDS_DIR.glob("*.txt"))]  # every sentence variant is in this file
    wanted = "".join(sorted(set(chars + "".join(p.read_text(encoding="utf-8") for p in sources) + "0123456789.,-+%/:()（）〔〕")))
    cache = Path(cache_dir or tempfile.gettempdir()) / f"synth_corpus_font_{hashlib.sha256(wanted.encode()).hexdigest()[:16]}.ttf"
    if not cache.exists():
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "chars.txt").write_text(wanted, encoding="utf-8")
            fixtures.RAW = Path(tmp)
            fixtures._FONT_DIR = None
            made = fixtures.font_path()
            cache.write_bytes(made.read_bytes())
    _PDF_FONT["path"] = str(cache)
    return str(cache)


def render_pdf(spec: dict, v: dict) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout, WrapMode

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    pdf.set_producer("benchmarks/synth_corpus.py")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("noto", fname=_PDF_FONT["path"])
    pdf.add_page()
    for k, b in enumerate(blocks(spec, v)):
        if isinstance(b, str):
            pdf.set_font("noto", size=16 if k == 0 else 11)
            pdf.multi_cell(0, 9 if k == 0 else 5.5, b, align="C" if k == 0 else "L", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            continue
        width = max(len(r) for r in b)
        widths = [max(4.0, max(min(len(r[c]), 16) for r in b)) for c in range(width)]
        pdf.set_font("noto", size=8 if width > 6 else 9.5)
        with pdf.table(col_widths=widths, first_row_as_headings=False, num_heading_rows=0, borders_layout=TableBordersLayout.ALL,
                       line_height=4.8, text_align="CENTER", wrapmode=WrapMode.CHAR, padding=1) as table:
            for r in b:
                row = table.row()
                for c in r:
                    row.cell(c)
        pdf.ln(4)
    return bytes(pdf.output())


RENDER = {"txt": lambda s, v: render_text(s, v).encode("utf-8"), "docx": render_docx, "html": render_html, "pdf": render_pdf}
EXT = {"text": "txt", "docx": "docx", "html": "html", "pdf": "pdf"}


# ---------------------------------------------------------------- corpus


def choose_format(seed: int, index: int, formats: tuple[str, ...], pdf_share: float) -> str:
    rng = _rng("format", seed, index)
    if pdf_share and rng.random() < pdf_share:
        return "pdf"
    formats = tuple(f for f in formats if f != "pdf") or ("text",)
    if len(formats) == 1:
        return formats[0]
    weights = [0.8 if f == "text" else 0.2 / (len(formats) - 1) if "text" in formats else 1.0 for f in formats]
    return rng.choices(formats, weights)[0]


def _write_chunk(args) -> list[dict]:
    out_dir, seed, indices, formats, pdf_share, font = args
    if font:
        _PDF_FONT["path"] = font
    rows = []
    for i in indices:
        spec = draw_spec(seed, i)
        fmt = choose_format(seed, i, formats, pdf_share)
        name = file_name(spec, EXT[fmt])
        v = values(spec, seed, 0)
        data = RENDER[EXT[fmt]](spec, v)
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        rows.append(truth(spec, fmt, name, 0, v))
    return rows


def generate(out_dir, n: int, seed: int = 0, formats=("text",), pdf_share: float = 0.0, workers: int | None = None,
             exist_ok: bool = False) -> list[Path]:
    """Write n synthetic reports to out_dir and return their paths, in index order.

    formats: any of text, docx, html, pdf; with text and others, text takes 80 % and the others
    share the rest. pdf_share: share written as PDF whatever `formats` says (PDF is slow).
    out_dir must be empty or new (exist_ok=True writes over a previous corpus: files of the
    same name are replaced, others are left, the truth file is rewritten)."""
    out = Path(out_dir)
    if out.resolve() == SEEDS_DIR.resolve() or SEEDS_DIR.resolve() in out.resolve().parents:
        raise SystemExit("refusing to write synthetic reports into data/raw/: benchmarks only")
    out.mkdir(parents=True, exist_ok=True)
    if not exist_ok and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; remove it or pass exist_ok=True (--force)")
    formats = tuple(formats)
    unknown = set(formats) - set(EXT)
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; use text, docx, html, pdf")
    templates()
    regions()
    if pdf_share or "pdf" in formats:
        if not pdf_share:
            pdf_share = 1.0 / len(formats)
        chars = set()
        for i in range(n):
            if choose_format(seed, i, formats, pdf_share) == "pdf":
                spec = draw_spec(seed, i)
                chars.update(render_text(spec, values(spec, seed, 0)))
        prepare_pdf_font("".join(chars))
    workers = workers or min(os.cpu_count() or 1, 8)
    size = max(200, min(2000, n // (workers * 4) + 1))
    chunks = [(str(out), seed, range(k, min(n, k + size)), formats, pdf_share, _PDF_FONT.get("path", "")) for k in range(0, n, size)]
    rows: list[dict] = []
    if workers == 1 or n <= size:
        for chunk in chunks:
            rows += _write_chunk(chunk)
    else:
        with ProcessPoolExecutor(workers) as pool:
            for part in pool.map(_write_chunk, chunks):
                rows += part
    _write_truth(out, rows)
    (out / ".synth_seed").write_text(f"{seed}\n")
    return [out / r["file"] for r in rows]


def _write_truth(out: Path, rows: list[dict]) -> None:
    with open(out / TRUTH_NAME, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, TRUTH_FIELDS)
        w.writeheader()
        w.writerows(rows)


def _read_truth(folder: Path) -> list[dict]:
    path = folder / TRUTH_NAME
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: mutate and compare need a folder written by generate()")
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def mutate(paths, share: float, seed: int, seed_of_corpus: int | None = None) -> list[Path]:
    """Give a share of the files new numbers, in place (same agency, year, layout, format and
    file name; tables and prose stay consistent); return the changed paths. Which files change
    depends on `seed`; each file's new numbers on its previous ones and `seed`."""
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    chosen = _rng("mutate", seed).sample(range(len(paths)), max(1, round(share * len(paths))) if share > 0 else 0)
    by_folder: dict[Path, list[Path]] = {}
    for k in sorted(chosen):
        by_folder.setdefault(paths[k].parent, []).append(paths[k])
    changed = []
    for folder, files in by_folder.items():
        rows = _read_truth(folder)
        corpus_seed = seed_of_corpus if seed_of_corpus is not None else _corpus_seed(folder)
        by_name = {r["file"]: r for r in rows}
        pdfs = [by_name[p.name] for p in files if p.name in by_name and by_name[p.name]["format"] == "pdf"]
        if pdfs and "path" not in _PDF_FONT:
            specs = [draw_spec(corpus_seed, int(r["index"])) for r in pdfs]
            prepare_pdf_font("".join(set("".join(render_text(sp, values(sp, corpus_seed, 0)) for sp in specs))))
        for path in files:
            row = by_name.get(path.name)
            if row is None:
                raise KeyError(f"{path.name} is not in {folder / TRUTH_NAME}")
            spec = draw_spec(corpus_seed, int(row["index"]))
            salt = int(hashlib.sha256(f"{row['salt']}/{seed}".encode()).hexdigest()[:12], 16)
            v = values(spec, corpus_seed, salt)
            path.write_bytes(RENDER[EXT[row["format"]]](spec, v))
            row.update(salt=salt, applications=v["_apps"], proactive_total=v.get("_proactive", ""))
            changed.append(path)
        _write_truth(folder, rows)
    return changed


def _corpus_seed(folder: Path) -> int:
    path = folder / ".synth_seed"
    return int(path.read_text().strip()) if path.exists() else 0


# ---------------------------------------------------------------- compare with a govstats build

COMPARED = ["template", "agency", "agency_kind", "admin_level", "province", "city", "county", "town", "adcode", "report_year", "published", "doc_number"]


def compare(corpus_dir, build_dir, show: int = 8) -> str:
    """Share of the synthetic reports that parse and whose recognised fields match the truth,
    per field and per layout, with the most frequent mismatches."""
    truth_rows = {r["file"]: r for r in _read_truth(Path(corpus_dir))}
    with open(Path(build_dir) / "reports.csv", encoding="utf-8-sig") as f:
        built = {r["file"]: r for r in csv.DictReader(f)}
    lines = []
    n = len(truth_rows)
    parsed = sum(1 for name in truth_rows if built.get(name, {}).get("status") == "parsed")
    lines.append(f"{n} synthetic reports, {len(built)} in the build, {parsed} parsed ({100 * parsed / max(n, 1):.1f} %)")
    failed = Counter(built[name].get("error_code", "") for name in truth_rows if name in built and built[name].get("status") != "parsed")
    if failed:
        lines.append("  failed: " + ", ".join(f"{k or '?'} {v}" for k, v in failed.most_common()))
    mismatches: dict[str, Counter] = {f: Counter() for f in COMPARED}
    by_layout: dict[str, Counter] = {}
    all_ok = 0
    for name, t in truth_rows.items():
        b = built.get(name)
        if b is None or b.get("status") != "parsed":
            continue
        ok = True
        layout = by_layout.setdefault(f"{t['layout']} ({t['format']})", Counter())
        layout["n"] += 1
        for field in COMPARED:
            want, got = str(t[field]), str(b.get(field, "") or "")
            if field == "report_year" and got.endswith(".0"):
                got = got[:-2]
            if want != got:
                ok = False
                layout[field] += 1
                mismatches[field][(want, got, t["layout"])] += 1
        all_ok += ok
        layout["all fields"] += ok
    lines.append(f"all {len(COMPARED)} fields as intended: {all_ok} of {parsed} parsed ({100 * all_ok / max(parsed, 1):.1f} %)")
    lines.append("field          correct   share")
    for field in COMPARED:
        bad = sum(mismatches[field].values())
        lines.append(f"  {field:<13}{parsed - bad:>8}  {100 * (parsed - bad) / max(parsed, 1):6.2f} %")
    lines.append("per layout (format): reports, all fields right, wrong per field")
    for key in sorted(by_layout):
        c = by_layout[key]
        wrong = ", ".join(f"{f} {c[f]}" for f in COMPARED if c[f])
        lines.append(f"  {key:<26} {c['n']:>6}  {c['all fields']:>6}  {wrong}")
    lines += _compare_figures(Path(build_dir), truth_rows, built)
    for field in COMPARED:
        if mismatches[field]:
            lines.append(f"most frequent {field} mismatches (intended → govstats, layout):")
            for (want, got, layout), k in mismatches[field].most_common(show):
                lines.append(f"  {k:>5} × {want!r} → {got!r} ({layout})")
    return "\n".join(lines)


def _compare_figures(build_dir: Path, truth_rows: dict, built: dict) -> list[str]:
    """Applications received and proactive disclosures of the reporting year, as govstats'
    best values, against the generated numbers (a blank cell for 0 counts as right: the
    2014_tab layout leaves zero cells blank, as its seed does)."""
    path = build_dir / "best.csv"
    if not path.exists():
        return []
    family = {"app_new": "applications", "applications_received": "applications", "proactive_total": "proactive_total"}
    got: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            fam = family.get(r["key"])
            if not fam or r["file"] not in truth_rows or (r["key"] == "app_new" and r["applicant_type"] != "total"):
                continue
            if r["period"] not in ("", truth_rows[r["file"]]["report_year"]):
                continue
            if r["period"] == "" or (r["file"], fam) not in got:
                got[(r["file"], fam)] = r["value"]
    lines = []
    for fam in ("applications", "proactive_total"):
        n = ok = 0
        wrong: Counter = Counter()
        for name, t in truth_rows.items():
            if built.get(name, {}).get("status") != "parsed" or t[fam] == "":
                continue
            n += 1
            value = got.get((name, fam), "")
            value = str(int(float(value))) if value else ""
            if value == t[fam] or (value == "" and t[fam] == "0" and t["layout"] == "2014_tab"):
                ok += 1
            else:
                wrong[(t["layout"], "missing" if value == "" else "different")] += 1
        detail = ", ".join(f"{layout} {kind} {k}" for (layout, kind), k in wrong.most_common())
        lines.append(f"figure {fam:<16} as generated in {ok} of {n} reports ({100 * ok / max(n, 1):.1f} %){'; wrong: ' + detail if detail else ''}")
    return lines


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synthetic 政府信息公开工作年度报告 for benchmarks (never for data/raw/).")
    parser.add_argument("out_dir", help="folder to write the reports to (or to mutate / compare)")
    parser.add_argument("--n", type=int, default=1000, help="number of reports (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); with --mutate, the mutation's seed")
    parser.add_argument("--formats", default="text", help="comma-separated: text, docx, html (text keeps 80 %% when listed with others)")
    parser.add_argument("--pdf-share", type=float, default=0.0, help="share of the reports written as PDF (slow: ~0.3 s each)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    parser.add_argument("--mutate", type=float, default=None, metavar="SHARE", help="give SHARE of the files in OUT_DIR new numbers, in place")
    parser.add_argument("--compare", metavar="BUILD_DIR", help="compare a govstats build of OUT_DIR with the truth")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    if args.compare:
        print(compare(out, args.compare))
        return 0
    if args.mutate is not None:
        rows = _read_truth(out)
        start = time.perf_counter()
        changed = mutate([out / r["file"] for r in rows], args.mutate, args.seed)
        print(f"{len(changed)} of {len(rows)} files given new numbers in {time.perf_counter() - start:.2f} s")
        return 0
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    start = time.perf_counter()
    try:
        paths = generate(out, args.n, seed=args.seed, formats=formats, pdf_share=args.pdf_share, workers=args.workers, exist_ok=args.force)
    except FileExistsError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in paths)
    kinds = Counter(p.suffix for p in paths)
    print(f"{len(paths)} reports ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) in {seconds:.1f} s, "
          f"{size / 1e6:.1f} MB, to {out}/ (truth in {TRUTH_NAME})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
