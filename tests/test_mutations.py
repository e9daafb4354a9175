"""Mutation tests on real 预算/决算 PDFs: one printed number, comparison word or table cell is edited
in the PDF's own content stream (pikepdf; the glyph codes come from the font's ToUnicode map, or
for a simple font its WinAnsi codes, so the edited page reads like the original in every other
respect), the report is audited again, and the edit must be found (a new finding on the edited page)
without any new error elsewhere.

Two sets: MUTATIONS on the Putuo files (../shared/corpus/real) and CN_MUTATIONS on the budgets of
twelve cities (../shared/corpus/cn, GOVAUDIT_CN_CORPUS overrides). The whole of both runs in
bench/bench_mutations.py; this test runs a representative subset of each (SUBSET, CN_SUBSET).
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REAL, ROOT

pikepdf = pytest.importorskip("pikepdf")

# real 2026 budgets of twelve cities (../shared/corpus/cn/README.md): used from there, never copied
CN = Path(os.environ.get("GOVAUDIT_CN_CORPUS", ROOT.parent / "shared" / "corpus" / "cn"))


@dataclass(frozen=True)
class Mutation:
    file: str  # corpus file name
    page: int  # 1-based
    context: str  # unique text of the page's content stream, holding `old`
    old: str
    new: str  # "" blanks the printed text (a table cell)
    what: str
    folder: Path = REAL  # the corpus folder holding ``file``

    @property
    def path(self) -> Path:
        return self.folder / self.file

    @property
    def id(self) -> str:
        parts = Path(self.file).stem.split("_")
        who = parts[1] if self.folder == REAL else f"{parts[0]}-{parts[-1]}"  # cn: city and hash
        return f"{who}-p{self.page}-{self.old}->{self.new or '空'}"


CZJ = "sh-putuo_caizhengju_2024_bumen-juesuan.pdf"
SHGZB = "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf"
WLJD = "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf"
SFJ = "sh-putuo_sifaju_2026_danwei-yusuan.pdf"
FLY = "sh-putuo_fuliyuan_2024_danwei-yusuan.pdf"
ZFB = "sh-putuo_zhengfuban_2025_bumen-yusuan.pdf"
SWW = "sh-putuo_shangwuwei_2025_danwei-yusuan.pdf"

M = Mutation
MUTATIONS: list[Mutation] = [
    # ---- 决算: headline figures of the 情况说明 against the tables
    M(CZJ, 21, "本年收入合计2946.25", "2946.25", "2946.85", "text: 本年收入合计"),
    M(CZJ, 21, "本年支出合计2940.05", "2940.05", "2940.65", "text: 本年支出合计"),
    M(CZJ, 21, "收入支出总计2995.39万元。", "2995.39", "2995.31", "text: 收入支出总计"),
    M(CZJ, 21, "其中：基本支出2336.91", "2336.91", "2336.97", "text: 基本支出"),
    M(CZJ, 23, "基本支出2336.91万元。", "2336.91", "2336.97", "text: 一般公共预算财政拨款基本支出"),
    M(CZJ, 23, "人员经费2152.26", "2152.26", "2152.86", "text: 人员经费"),
    M(CZJ, 23, "公用经费184.65", "184.65", "184.15", "text: 公用经费"),
    M(CZJ, 23, "年初预算为0.95", "0.95", "0.35", "text: 三公 年初预算"),
    # ---- 决算: per-item explanations, comparison words
    M(CZJ, 22, "支出决算为1511.89", "1511.89", "1511.39", "item: 行政运行 决算"),
    M(CZJ, 22, "支出决算为135.25", "135.25", "135.85", "item: 信息化建设 决算"),
    M(CZJ, 22, "支出决算为449.52", "449.52", "449.59", "item: 财政委托业务支出 决算"),
    M(CZJ, 22, "支出决算为84.65", "84.65", "84.15", "item: 行政单位离退休 决算"),
    M(CZJ, 22, "支出决算为187.19", "187.19", "187.16", "item: 住房公积金 决算"),
    M(CZJ, 22, "1511.89万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "135.25万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "84.65万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "年初预算为10.00", "10.00", "19.00", "word: 基本持平 beyond its tolerance"),
    M(CZJ, 22, "年初预算为258.50", "258.50", "288.50", "word: 基本持平 beyond its tolerance"),
    # ---- 决算: table cells
    M(CZJ, 15, "行政运行1,511.89", "1,511.89", "1,511.99", "cell: 行政运行 合计"),
    M(CZJ, 15, "购房补贴258.50", "258.50", "258.90", "cell: 购房补贴 合计"),
    M(CZJ, 18, "决算数0.950.95", "0.95", "", "blank: 三公 预算数 合计"),
    M(CZJ, 24, "截至2024年12月31日", "2024", "2023", "year: 截至 date of a 2024 决算"),
    M(SHGZB, 17, "本年收入合计307.82", "307.82", "307.32", "text: 本年收入合计"),
    M(SHGZB, 20, "人员经费95.36", "95.36", "95.86", "text: 人员经费"),
    M(SHGZB, 18, "支出决算为51.32", "51.32", "51.82", "item: 行政运行 决算"),
    M(SHGZB, 19, "支出决算为6.18", "6.18", "6.13", "item: 基本养老保险缴费 决算"),
    M(SHGZB, 20, "支出决算为11.72", "11.72", "11.12", "item: 购房补贴 决算 (持平)"),
    # ---- 预算: 编制说明 against the tables, per-item figures and changes
    M(WLJD, 6, "收入预算15621.11", "15621.11", "15621.61", "text: 收入预算"),
    M(WLJD, 6, "一般公共预算拨款支出预算15621.11", "15621.11", "15621.19", "text: 一般公共预算拨款支出预算"),
    M(WLJD, 6, "”25.77", "25.77", "25.17", "item: 专项普查活动 金额"),
    M(WLJD, 6, "执行数减少57.14", "57.14", "51.14", "change: rate"),
    M(WLJD, 6, "执行数增加46.19", "46.19", "40.19", "change: rate"),
    M(WLJD, 6, "执行数减少2.98", "减少", "增加", "word: 减少 -> 增加"),
    M(WLJD, 7, "执行数增加100.00%。主要原因是：公共", "增加", "减少", "word: 增加 -> 减少"),
    M(WLJD, 8, "”142.22", "142.22", "142.92", "item: 行政单位医疗 金额"),
    M(WLJD, 29, "基本工资5,873,551", "5,873,551", "5,878,551", "cell: 基本工资"),
    M(SFJ, 6, "收入预算8695.94", "8695.94", "8695.04", "text: 收入预算"),
    M(SFJ, 6, "（04项）2170.39", "2170.39", "2170.89", "item: 基层司法业务 金额"),
    M(SFJ, 6, "执行数增加4.92", "4.92", "4.12", "change: rate"),
    M(SFJ, 14, "普法宣传1,242,900.00", "1,242,900.00", "1,242,600.00", "cell: 普法宣传"),
    M(FLY, 6, "收入预算1,212.12", "1,212.12", "1,212.82", "text: 收入预算"),
    M(FLY, 6, "”53.84", "53.84", "53.34", "item: 事业单位离退休 金额"),
    M(FLY, 16, "政府采购预算120.60", "120.60", "120.00", "text: 政府采购预算 against its items"),
    M(ZFB, 6, "收入预算9,101.68", "9,101.68", "9,101.08", "text: 收入预算"),
    M(ZFB, 21, "三公”经费预算数为867.50", "867.50", "867.30", "text: 三公 预算"),
    M(SWW, 22, "机关运行经费预算为171.01", "171.01", "171.31", "text: 机关运行经费预算"),
]

# the subset the test suite runs (the bench runs all): each kind of edit, four files
SUBSET = [0, 8, 13, 16, 20, 21, 27, 29, 35, 39]


# ---- ../shared/corpus/cn: 2026 budgets of other cities (other layouts: 元 or 万元, [code] or split
# 类/款/项 columns, unit rows of 汇总 tables, simple-font figures, pages drawn as form XObjects). Each
# edit is of a figure that a check reads and passes on the unedited file (a code-table cell, a 合计 or
# parent row, a figure of the 说明 that a table or another sentence repeats, a change rate), by more
# than rounding. Not used: chongqing_* (text across the grid rules: their table sums abstain by
# design), the three non-finance files and the 140-page 项目支出绩效目标表.
FZ_SWJ = "fuzhou_2026_bumen-yusuan_c884f9.pdf"  # 福州市商务局 部门预算, 万元
FZ_ZAZD = "fuzhou_2026_danwei-yusuan_2ba46b.pdf"  # 福州市公安局治安管理支队
FZ_KJJ = "fuzhou_2026_danwei-yusuan_666c74.pdf"  # 福州市科学技术局(本级)
GZ_XFJ = "guangzhou_2026_bumen-yusuan_58417d.pdf"  # 广州市信访局, [code] rows
GZ_CGJ = "guangzhou_2026_bumen-yusuan_967369.pdf"  # 广州市城市管理和综合执法局
HZ_GAJ = "hangzhou_2026_bumen-yusuan_be0459.pdf"  # 杭州市公安局, unit rows, simple-font figures
HZ_JTJ = "hangzhou_2026_bumen-yusuan_f6a1e1.pdf"  # 杭州市交通运输局
QZ_GAJ = "quanzhou_2026_bumen-yusuan_9c0366.pdf"  # 泉州市公安局
SH_HH = "shanghai_2026_danwei-yusuan_2f80c7.pdf"  # 上海市花卉良种试验场, 元, 类/款/项 columns
SH_SJJ = "shanghai_2026_danwei-yusuan_445dce.pdf"  # 上海市审计局
SH_SJU = "shanghai_2026_danwei-yusuan_c072ba.pdf"  # 上海市数据局
SZ_SFJ = "shenzhen_2026_bumen-yusuan_384278.pdf"  # 深圳市司法局, pages drawn as form XObjects
SZ_XCB = "shenzhen_2026_bumen-yusuan_746a2e.pdf"  # 中共深圳市委宣传部
SU_YJJ = "suzhou_2026_bumen-yusuan_8933f1.pdf"  # 苏州市应急管理局, simple-font figures
SU_ZRJ = "suzhou_2026_bumen-yusuan_fadd5a.pdf"  # 苏州市自然资源和规划局
SU_SWJ = "suzhou_2026_danwei-yusuan_590ce1.pdf"  # 苏州市水务局
WX_RSJ = "wuxi_2026_bumen-yusuan_8a53f1.pdf"  # 无锡市人力资源和社会保障局
WX_YJZF = "wuxi_2026_danwei-yusuan_6925d6.pdf"  # 无锡市应急管理综合行政执法监督局
WX_JYJ = "wuxi_2026_danwei-yusuan_6df438.pdf"  # 无锡市教育局(本级)
XA_XCB = "xian_2021_bumen-yusuan_ad4ecf.pdf"  # 中共西安市委宣传部 2021, 元
XA_STJ = "xian_2022_bumen-yusuan_65b3ed.pdf"  # 西安市生态环境局 2022, 元 without separators
XA_XFJ = "xian_2026_bumen-yusuan_cb0e35.pdf"  # 西安市信访局(汇总), 元
YT_XCB = "yantai_2026_bumen-yusuan_47b2d1.pdf"  # 中共烟台市委宣传部, UCS-2 fonts
YT_JYJ = "yantai_2026_bumen-yusuan_ab72d2.pdf"  # 烟台市教育局


def C(file: str, page: int, context: str, old: str, new: str, what: str) -> Mutation:
    return Mutation(file, page, context, old, new, what, folder=CN)


CN_MUTATIONS: list[Mutation] = [
    # ---- 福州 (万元; 功能分类 tables with 7-digit codes before the names)
    C(FZ_SWJ, 13, "合计24995.94", "24995.94", "24990.94", "total: 支出预算总表 合计"),
    C(FZ_SWJ, 26, "收入预算为24995.94", "24995.94", "24990.94", "text: 收入预算 against the 收入预算总表"),
    C(FZ_SWJ, 26, "3861.25万", "3861.25", "3866.25", "text: 基本支出 against p28's"),
    C(FZ_SWJ, 28, "1.61%", "1.61", "6.61", "change: rate of a 三公 item"),
    C(FZ_ZAZD, 10, "2040299其他公安支出142.03", "142.03", "147.03", "cell: 2040299 其他公安支出"),
    C(FZ_ZAZD, 19, "30199其他工资福利支出15.84", "15.84", "10.84", "cell: 30199 (经济分类)"),
    C(FZ_ZAZD, 23, "合计27.31", "27.31", "22.31", "total: 三公 预算 合计"),
    C(FZ_ZAZD, 26, "6.34%", "6.34", "1.34", "change: 一般公共预算拨款支出 rate"),
    C(FZ_KJJ, 43, "1.36%", "1.36", "6.36", "change: 机关运行经费 rate"),
    C(FZ_KJJ, 26, "1151.39万", "1151.39", "1156.39", "text: 基本支出 against p24's"),
    # ---- 广州 ([code] rows, 万元)
    C(GZ_XFJ, 8, "信访业务397.28", "397.28", "392.28", "cell: 信访业务 (本年支出总体情况表)"),
    C(GZ_XFJ, 11, "合计3,944.08", "3,944.08", "3,949.08", "total: 表5 合计"),
    C(GZ_XFJ, 13, "[30299]其他商品和服务支出22.52", "22.52", "27.52", "cell: [30299] under [302]"),
    C(GZ_CGJ, 10, "合计191,822.92", "191,822.92", "191,827.92", "total: 本年支出总体情况表 合计"),
    C(GZ_CGJ, 14, "[2120501]城乡社区环境卫生28,902.10", "28,902.10", "28,907.10", "cell: [2120501] under [21205]"),
    C(GZ_CGJ, 16, "[30239]其他交通费用356.81", "356.81", "351.81", "cell: [30239] under [302]"),
    C(GZ_CGJ, 37, "0.2万", "0.2", "5.2", "change: 公务接待费 减少 amount"),
    # ---- 杭州 (汇总 tables with a row per unit; figures in simple fonts)
    C(HZ_GAJ, 29, "杭州市公安局巡特警支队534.40531.40176.40", "176.40", "171.40", "cell: a unit's 公务用车购置费 (表7)"),
    C(HZ_GAJ, 32, "理支队）被监管人员生活保障及改造5,870.334,222.491,647.84", "1,647.84", "1,642.84",
      "cell: a project's 单位资金 (表10)"),
    C(HZ_GAJ, 32, "合计106,512.0077,027.387,600.0021,884.62", "21,884.62", "21,889.62", "total: 表10 单位资金 合计"),
    C(HZ_JTJ, 34, "合计873.20", "873.20", "878.20", "total: 表7 三公 合计"),
    C(HZ_JTJ, 37, "杭州市道路运输管理服务中心综合交通运输管理及服务14,600.56", "14,600.56", "14,605.56",
      "cell: a project's 总计 (表10)"),
    # ---- 泉州
    C(QZ_GAJ, 24, "16.32万", "16.32", "11.32", "change: last year's 三公 item"),
    # ---- 上海 市级 (元 in the tables, 万元 in the text; 类/款/项 in three columns)
    C(SH_HH, 6, "收入预算833", "833", "838", "text: 收入预算 (万元) against the tables (元)"),
    C(SH_HH, 9, "2080506机关事业单位职业年金缴费支出210,538", "210,538", "210,038", "cell: 2080506 under 20805"),
    C(SH_HH, 10, "收入总计8,332,285", "8,332,285", "8,332,785", "cross-table: 财政拨款收支总表 收入总计"),
    C(SH_HH, 14, "30107绩效工资1,536,390", "1,536,390", "1,536,890", "cell: 30107 under 301"),
    C(SH_SJJ, 8, "2010805审计管理1,750,000", "1,750,000", "1,750,500", "cell: 2010805 (收入预算总表)"),
    C(SH_SJJ, 11, "2101101行政单位医疗6,100,0006,100,000", "6,100,000", "6,150,000",
      "row: 行政单位医疗 合计 against 基本+项目"),
    C(SH_SJJ, 14, "2210201住房公积金13,500,000", "13,500,000", "13,500,500", "row: 住房公积金 (功能分类表)"),
    C(SH_SJJ, 20, "预算数为237.92", "237.92", "232.92", "text: 三公 预算 against the table"),
    C(SH_SJJ, 20, "预算为2,180.26", "2,180.26", "2,185.26", "text: 机关运行经费 against the table"),
    C(SH_SJJ, 20, "932.50万", "932.50", "937.50", "text: 政府采购服务 against 政府采购预算"),
    C(SH_SJU, 12, "2014199其他数据事务支出150,000,000", "150,000,000", "150,000,500", "row: 2014199 (支出预算总表)"),
    C(SH_SJU, 14, "收入总计471,452,100", "471,452,100", "471,452,600", "cross-table: 财政拨款收支总表 收入总计"),
    C(SH_SJU, 22, "因公出国（境）费109.14", "109.14", "104.14", "text: 因公出国（境）费 against the table"),
    C(SH_SJU, 22, "22.21万", "22.21", "27.21", "text: 政府采购货物 against 政府采购预算"),
    # ---- 深圳 (every page a form XObject)
    C(SZ_SFJ, 6, "21,796.12万", "21,796.12", "21,791.12", "text: 年初预算 against p7's"),
    C(SZ_SFJ, 11, "103.23万", "103.23", "108.23", "text: 三公 预算 against its items"),
    C(SZ_SFJ, 33, "204公共安全支出16,506.29", "16,506.29", "16,501.29", "total: 类 204 (表7)"),
    C(SZ_SFJ, 37, "30209物业管理费448.28", "448.28", "443.28", "cell: 30209 under 302 (表8)"),
    C(SZ_XCB, 9, "121.95万", "121.95", "126.95", "text: 三公 预算 against its items"),
    C(SZ_XCB, 36, "30212因公出国（境）费用108.60", "108.60", "103.60", "cell: 30212 under 302 (表8)"),
    C(SZ_XCB, 37, "312对企业补助137,425.55", "137,425.55", "137,420.55", "total: 类 312 (表8)"),
    # ---- 苏州 (公开NN表, figures in simple fonts)
    C(SU_YJJ, 12, "2210203购房补贴511.63", "511.63", "516.63", "cell: 2210203 under 22102"),
    C(SU_YJJ, 15, "合计7,062.804,069.62", "4,069.62", "4,064.62", "total: 公开05表 基本支出 合计"),
    C(SU_YJJ, 16, "30202印刷费5.00", "5.00", "0.00", "cell: 30202 under 302"),
    C(SU_ZRJ, 13, "2200102一般行政管理事务396.54", "396.54", "391.54", "cell: 2200102 under 22001"),
    C(SU_ZRJ, 13, "合计86,999.14", "86,999.14", "86,994.14", "total: 支出总表 合计"),
    C(SU_ZRJ, 42, "43.8万", "43.8", "48.8", "text: 三公 预算 against its items"),
    C(SU_SWJ, 20, "2210202提租补贴361.21", "361.21", "366.21", "cell: 2210202 under 22102"),
    C(SU_SWJ, 23, "21208国有土地使用权出让收入安排的支出31,003.26", "31,003.26", "31,008.26",
      "cell: 21208 (政府性基金预算支出表)"),
    # ---- 无锡
    C(WX_RSJ, 19, "01人力资源和社会保障管理事务16,781.179,391.807,389.37", "7,389.37", "7,384.37",
      "cell: 人力资源和社会保障管理事务 项目支出"),
    C(WX_RSJ, 24, "合计152,585.7626,790.33", "26,790.33", "26,795.33", "total: 公开05表 基本支出 合计"),
    C(WX_RSJ, 50, "18.6万", "18.6", "13.6", "text: 公务用车运行费 against 公务用车 预算"),
    C(WX_YJZF, 8, "2210202提租补贴68.96", "68.96", "63.96", "cell: 2210202 under 22102"),
    C(WX_YJZF, 14, "合计1,136.231,077.79", "1,077.79", "1,072.79", "total: 人员经费 合计"),
    C(WX_JYJ, 16, "合计131,349.602,531.48128,818.12", "128,818.12", "128,813.12", "total: 支出总表 项目支出 合计"),
    C(WX_JYJ, 23, "2050203初中教育74.20", "74.20", "79.20", "cell: 2050203 under 20502"),
    # ---- 西安 (元; 2021 and 2022 综合预算, 2026 汇总)
    C(XA_XCB, 30, "50101工资奖金津补贴5,906,034.91", "5,906,034.91", "5,906,039.91", "cell: 50101 (政府经济分类)"),
    C(XA_XCB, 41, "合计827,400.00", "827,400.00", "827,405.00", "total: 表13 三公 last year's 合计"),
    C(XA_STJ, 22, "13.31万", "13.31", "18.31", "text: 公务接待费 against 表13 (元)"),
    C(XA_STJ, 28, "合计520161240.01518161240.01", "518161240.01", "518161245.01", "total: 收入总表 一般公共预算 合计"),
    C(XA_STJ, 36, "30211差旅费50201办公经费1384700.00", "1384700.00", "1384705.00", "cell: 30211 under 302 (表6)"),
    C(XA_XFJ, 14, "80.16%", "80.16", "85.16", "change: 培训费 rate"),
    C(XA_XFJ, 14, "公务接待费1.00", "1.00", "6.00", "text: 公务接待费 (万元) against 表 (元)"),
    C(XA_XFJ, 24, "合计28,384,234.71", "28,384,234.71", "28,384,239.71", "total: 表6 合计"),
    # ---- 烟台 (UCS-2 fonts; the table sums are warnings: the page's rules disagree with the reading)
    C(YT_XCB, 26, "预算共27.22", "27.22", "22.22", "text: 三公 预算 against the table"),
    C(YT_XCB, 16, "301工资福利支出501机关工资福利支出779.65", "779.65", "774.65", "cell: 301 (warning: 结构存疑)"),
    C(YT_JYJ, 16, "231,286.22181,736.53180,300.84", "180,300.84", "180,305.84", "total: 人员支出 合计 (warning: 结构存疑)"),
    # once open (the check abstained on the edited table), found since the reading tells a page
    # break, a centred 合计 and wrapped labels apart from real doubts (pipeline/extract/structure.py)
    C(FZ_SWJ, 20, "310资本性支出7.60", "7.60", "2.60", "cell: 310 of 一般公共预算支出经济分类 (p20; p21 is its own table)"),
    C(FZ_SWJ, 21, "合计3861.25", "3861.25", "3866.25", "total: 基本支出经济分类 合计 (p21, under its own title)"),
    C(GZ_XFJ, 14, "合计739.30", "739.30", "734.30", "total: 表7 合计 (表6 ends on p13 with 注：无。)"),
    C(GZ_CGJ, 9, "合计191,822.92", "191,822.92", "191,827.92", "total: 收入总体情况表 合计 (units, wrapped labels)"),
    C(WX_JYJ, 15, "合计131,349.60", "131,349.60", "131,344.60", "total: 收入总表 合计 (one unit)"),
    # 合计 above the department's row restating it and its units indented under it (杭州 表2)
    C(HZ_GAJ, 21, "合计404,415.23400,391.78366,195.797,600.0018,536.88", "18,536.88", "18,531.88",
      "total: 表2 事业收入 合计"),
    C(HZ_JTJ, 24, "杭州市交通运输局665964.37648105.52414883.38221,493.009,680.972,048.1817,858.84",
      "17,858.84", "17,853.84", "cell: the department row of 表2 (上年结转结余)"),
]

# the subset of CN_MUTATIONS the test suite runs: small files, one of each kind, six cities
CN_SUBSET = [4, 11, 23, 28, 38, 45, 71, 73]

# Edits a correct auditor must find but the pipeline does not yet (reported, issue 22 item 7): the
# check that passes on the unedited table abstains (insufficient_data, no finding) once the figure is
# wrong, because it doubts the table's structure. Not counted by the bench's exit code; run them with
# `bench/bench_mutations.py --open` to see whether they are found now. None today: the last two (a
# 汇总 table's 合计 above its department's row and its indented units) are found since the parts'
# own indents are read (pipeline/check/tables.py _siblings).
CN_OPEN: list[Mutation] = []


# --------------------------------------------------------------------------------------- editing
def _cmap(font) -> dict[bytes, str]:
    """code -> text from a font's ToUnicode CMap (bfchar and bfrange)."""
    data = bytes(font.ToUnicode.read_bytes()).decode("latin-1")
    out: dict[bytes, str] = {}

    def txt(h: str) -> str:
        return bytes.fromhex(h).decode("utf-16-be", errors="replace")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(src)] = txt(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo, hi, n = int(a, 16), int(b, 16), len(a) // 2
            if rest.startswith("["):
                for k, h in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", rest)):
                    out[(lo + k).to_bytes(n, "big")] = txt(h)
            else:
                base = int(rest[1:-1], 16)
                width = len(rest[1:-1]) // 2
                for k in range(hi - lo + 1):
                    out[(lo + k).to_bytes(n, "big")] = (base + k).to_bytes(width, "big").decode("utf-16-be", "replace")
    return out


class _Codec:
    """How a font's string bytes read as text, and back. Three kinds occur in the corpora: composite
    fonts with 2-byte codes and a ToUnicode CMap (Identity-H), composite fonts on a predefined UCS-2
    CMap (UniGB-UCS2-H: the code is the UTF-16 of the character) and simple fonts (TrueType, Type1)
    with 1-byte codes in WinAnsiEncoding and no ToUnicode, which print the figures of many tables."""

    def __init__(self, font):
        subtype, enc = str(font.get("/Subtype")), font.get("/Encoding")
        self.width = 2 if subtype == "/Type0" else 1
        self.ucs2 = subtype == "/Type0" and "/ToUnicode" not in font and "UCS2" in str(enc)
        self.simple: tuple[int, list] | None = None
        if "/ToUnicode" in font:
            self.table = _cmap(font)
        elif subtype == "/Type0":
            self.table = {}  # a CMap we cannot read: its text is unknown and never edited
        else:
            self.table = {bytes([b]): chr(b) for b in range(0x20, 0x7F)}  # WinAnsi/Standard agree on ASCII
            if isinstance(enc, pikepdf.Dictionary):
                for x in enc.get("/Differences", []):
                    if isinstance(x, int):
                        code = int(x)
                    else:
                        self.table.pop(bytes([code]), None)
                        code += 1
            if "/FirstChar" in font and "/Widths" in font:
                self.simple = (int(font.FirstChar), [float(w) for w in font.Widths])
        self.reverse = {v: k for k, v in self.table.items()}

    def text(self, code: bytes) -> str:
        if self.ucs2:
            return code.decode("utf-16-be", "replace")
        return self.table.get(code, "\ufffd")

    def code(self, ch: str) -> bytes | None:
        """The code printing ``ch`` in this font, None when the font has no such glyph."""
        if self.ucs2:
            return ch.encode("utf-16-be") if len(ch.encode("utf-16-be")) == 2 else None
        code = self.reverse.get(ch)
        if code is not None and self.simple:  # a simple font draws only the codes it gives a width
            first, widths = self.simple
            k = code[0] - first
            if not (0 <= k < len(widths)) or widths[k] <= 0:
                return None
        return code


_SHOW = {"Tj": 0, "'": 0, '"': 2, "TJ": 0}  # text-showing operator -> index of its string operand


def _page_chars(pdf, page_no: int):
    """Every character the page shows, in drawing order, its form XObjects included:
    (stream key, op index, array index, byte offset, text, codec), and the parsed streams."""
    page = pdf.pages[page_no - 1]
    streams: dict[tuple, tuple] = {}
    chars: list[tuple] = []
    codecs: dict = {}

    def codec(font) -> _Codec:
        key = font.objgen if font.is_indirect else id(font)
        if key not in codecs:
            codecs[key] = _Codec(font)
        return codecs[key]

    def walk(key: tuple, holder, resources, depth: int) -> None:
        ops = list(pikepdf.parse_content_stream(holder))
        streams[key] = (holder, ops)
        fonts = resources.get("/Font", {}) if resources is not None else {}
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        font = None
        for i, (operands, op) in enumerate(ops):
            name = str(op)
            if name == "Tf":
                f = fonts.get(str(operands[0]))
                font = codec(f) if f is not None else None
            elif name == "Do" and depth < 4:
                x = xobjects.get(str(operands[0]))
                if x is not None and x.get("/Subtype") == "/Form":
                    walk(key + (i,), x, x.get("/Resources", resources), depth + 1)
            elif name in _SHOW and font is not None and font.table is not None:
                arg = operands[_SHOW[name]]
                strings = [(None, arg)] if name != "TJ" else \
                    [(k, s) for k, s in enumerate(arg) if isinstance(s, pikepdf.String)]
                for k, s in strings:
                    raw = bytes(s)
                    for off in range(0, len(raw) - font.width + 1, font.width):
                        chars.append((key, i, k, off, font.text(raw[off:off + font.width]), font))
    walk((), page, page.obj.get("/Resources"), 0)
    return chars, streams


def page_text(src: Path, page_no: int) -> str:
    """The page's text as ``mutate`` matches contexts on it: its shown characters joined in drawing
    order, without the spaces the layout adds."""
    return "".join(c[4] for c in _page_chars(pikepdf.open(src), page_no)[0])


def mutate(src: Path, m: Mutation, dst: Path) -> None:
    """Write ``src`` with ``m`` applied to ``dst``; raises ValueError when the context is not
    unique on the page or a glyph of the new text is not in the font."""
    pdf = pikepdf.open(src)
    chars, streams = _page_chars(pdf, m.page)
    text = "".join(c[4] for c in chars)
    # the page's text joins without the spaces the layout adds; contexts are written without them
    norm = m.context
    at = [x.start() for x in re.finditer(re.escape(norm), text)]
    if len(at) != 1:
        raise ValueError(f"{m.id}: context {m.context!r} found {len(at)} times on page {m.page}")
    start = at[0] + norm.index(m.old)
    targets = chars[start:start + len(m.old)]
    if not m.new:
        edits = {c[:4]: b"" for c in targets}
    else:
        if len(m.new) != len(m.old):
            raise ValueError(f"{m.id}: old and new must have the same length")
        edits = {}
        for c, ch in zip(targets, m.new):
            code = c[5].code(ch)
            if code is None:
                raise ValueError(f"{m.id}: glyph {ch!r} not in the font of {c[4]!r}")
            edits[c[:4]] = code
    for key, (holder, ops) in streams.items():
        if not any(e[0] == key for e in edits):
            continue
        rebuilt = []
        for i, (operands, op) in enumerate(ops):
            operands = list(operands)
            rebuilt.append((operands, op))
            if not any(e[0] == key and e[1] == i for e in edits):
                continue

            def rewrite(raw: bytes, idx) -> bytes:
                out = bytearray()
                w = next(c[5].width for c in chars if c[0] == key and c[1] == i)
                for off in range(0, len(raw), w):
                    out += edits.get((key, i, idx, off), raw[off:off + w])
                return bytes(out)
            at_ = _SHOW[str(op)]
            if str(op) != "TJ":
                operands[at_] = pikepdf.String(rewrite(bytes(operands[at_]), None))
            else:
                operands[0] = pikepdf.Array([pikepdf.String(rewrite(bytes(x), k)) if isinstance(x, pikepdf.String)
                                             else x for k, x in enumerate(operands[0])])
        data = pikepdf.unparse_content_stream(rebuilt)
        if key == ():
            holder.obj.Contents = pdf.make_stream(data)
        else:
            holder.write(data)
    pdf.save(dst)


# --------------------------------------------------------------------------------------- judging
@lru_cache(maxsize=None)
def _baseline(path: Path):
    from pipeline.api import audit
    return audit(path)


def _key(f) -> tuple:
    return (f.rule, f.severity, f.message)


def run(m: Mutation, workdir: Path) -> tuple[bool, list[str], list[str]]:
    """(found, new findings on the edited page, new errors elsewhere) for one mutation."""
    from pipeline.api import audit

    dst = workdir / f"{abs(hash(m)):x}.pdf"
    mutate(m.path, m, dst)
    before = {_key(f) for f in _baseline(m.path).findings}
    after = audit(dst)
    new = [f for f in after.findings if _key(f) not in before]
    on_page = [f for f in new if any(e.page == m.page for e in f.evidence) or (m.new and m.new in f.message)]
    unrelated = [f for f in new if f not in on_page and f.severity == "error"]
    return bool(on_page), [f"{f.severity} {f.rule}: {f.message}" for f in on_page], \
        [f"{f.rule}: {f.message}" for f in unrelated]


def _files_used(ms: list[Mutation]) -> set[str]:
    return {m.file for m in ms}


def test_the_mutation_set_is_broad():
    assert len(MUTATIONS) >= 40 and len(_files_used(MUTATIONS)) >= 4
    assert all(0 <= i < len(MUTATIONS) for i in SUBSET)
    # the cn set: >= 30 edits over >= 10 files of >= 6 cities, each kind of edit, no excluded file
    cn = CN_MUTATIONS
    assert len(cn) >= 30 and len(_files_used(cn)) >= 10 and len({m.file.split("_")[0] for m in cn}) >= 6
    assert all(m.folder == CN for m in cn) and all(m.folder == REAL for m in MUTATIONS)
    assert not any(m.file.startswith("chongqing_") or "_other-" in m.file or "xiangmu" in m.file for m in cn)
    kinds = {m.what.split(":")[0] for m in cn}
    assert {"cell", "total", "text", "change", "row", "cross-table"} <= kinds
    assert len({m.id for m in cn}) == len(cn)  # the bench's filter and the test ids name one edit each
    assert all(0 <= i < len(cn) for i in CN_SUBSET) and len(CN_SUBSET) <= 8  # the suite stays fast
    assert not {m.id for m in CN_OPEN} & {m.id for m in cn}


@pytest.mark.parametrize("m", [MUTATIONS[i] for i in SUBSET] + [CN_MUTATIONS[i] for i in CN_SUBSET],
                         ids=lambda m: m.id)
def test_mutation_is_found_without_unrelated_errors(m, tmp_path):
    if not m.path.exists():
        pytest.fail(f"test input missing: {m.path}")
    found, hits, unrelated = run(m, tmp_path)
    assert found, f"{m.what}: not found"
    assert not unrelated, unrelated


def test_mutating_keeps_the_rest_of_the_page(tmp_path):
    """The edit changes the chosen characters only: the page reads the same otherwise."""
    from pipeline.read.ingest import load

    m = MUTATIONS[0]
    dst = tmp_path / "m.pdf"
    mutate(m.path, m, dst)
    a = [p.text for p in load(m.path).paragraphs if p.page == m.page]
    b = [p.text for p in load(dst).paragraphs if p.page == m.page]
    assert len(a) == len(b)
    changed = [(x, y) for x, y in zip(a, b) if x != y]
    assert len(changed) == 1 and changed[0][0].replace(m.old, m.new) == changed[0][1]


def _cn(id_: str) -> Mutation:
    return next(m for m in CN_MUTATIONS if m.id == id_)


@pytest.mark.parametrize("m", [
    _cn("suzhou-8933f1-p15-4,069.62->4,064.62"),  # a figure in a simple (1-byte WinAnsi) TrueType font
    _cn("shenzhen-384278-p37-448.28->443.28"),  # the same, inside the form XObject that draws the page
    _cn("fuzhou-2ba46b-p10-142.03->147.03"),  # a 2-byte Identity-H font with a ToUnicode CMap
], ids=lambda m: m.id)
def test_mutating_other_fonts_keeps_the_rest_of_the_page(m, tmp_path):
    """The cn files print figures in simple fonts and inside form XObjects: the edit still reads
    (through pdfium, as the pipeline reads) as the one change asked for and nothing else."""
    import pypdfium2 as pdfium

    def text(path: Path) -> str:
        doc = pdfium.PdfDocument(str(path))
        try:
            return doc[m.page - 1].get_textpage().get_text_range()
        finally:
            doc.close()
    dst = tmp_path / "m.pdf"
    mutate(m.path, m, dst)
    a, b = text(m.path), text(dst)
    assert len(a) == len(b)
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    assert diff and diff[-1] - diff[0] < len(m.old)
    at = a.index(m.old, max(0, diff[-1] - len(m.old) + 1))
    assert a[:at] + m.new + a[at + len(m.old):] == b


def test_bad_context_is_refused(tmp_path):
    with pytest.raises(ValueError, match="found 0 times"):
        mutate(REAL / CZJ, Mutation(CZJ, 21, "不存在的文字", "不存", "存不", "x"), tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="found 2 times"):  # 合计 row and 人员经费 column of 公开06表
        m = _cn("suzhou-8933f1-p15-4,069.62->4,064.62")
        mutate(m.path, Mutation(m.file, m.page, "合计", "合计", "总计", "x", folder=CN), tmp_path / "y.pdf")


if __name__ == "__main__":  # pragma: no cover
    import sys
    with tempfile.TemporaryDirectory() as d:
        every = MUTATIONS + CN_MUTATIONS
        for m in every if len(sys.argv) < 2 else [x for x in every if sys.argv[1] in x.id]:
            print(m.id, run(m, Path(d)))
