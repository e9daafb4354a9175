"""Issuer (province, city, district, department), year and report type of every file we hold
(issue 22): the 32 cn files of ../shared/corpus/cn (twelve cities), the 11 Putuo files of
../shared/corpus/real, the two samples and our own performance reports (tests/data/reports).

Each expected row was written from the document's own first pages (cover, title, running header,
"预算单位：" fields; for the letter, its signature), not from the code's output. Rules the rows follow:
- a municipality is its own province and city (上海市, 上海市); a city's province comes from the city;
- the department is the name after the city or district, without a bracketed qualifier
  (司法局（本级） -> 司法局, 信访局（汇总） -> 信访局) and without 人民政府 before a 街道办事处;
  a party committee's department keeps the committee's level (中共深圳市委宣传部 -> 市委宣传部);
- a file that is no finance report is report_type unknown, with a note saying what it is;
- the Putuo template prints "上海市XX局": no district and no department (a placeholder is no name).

The PDFs are read only as far as metadata needs (the first ~8,000 characters, no OCR, no second
table reading): detect() reads the cover, the title and the first 40 paragraphs, and on a letter
its last paragraphs (the letter is 4 pages, read whole).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REAL, ROOT, SAMPLES

CN = REAL.parent / "cn"
REPORTS = ROOT / "tests" / "data" / "reports"

SH = ("上海市", "上海市")
PT = ("上海市", "上海市", "普陀区")
GD_SZ, GD_GZ = ("广东省", "深圳市", None), ("广东省", "广州市", None)
BJ, CQ = ("北京市", "北京市", None), ("重庆市", "重庆市", None)
FZ, QZ = ("福建省", "福州市", None), ("福建省", "泉州市", None)
HZ, SZ, WX = ("浙江省", "杭州市", None), ("江苏省", "苏州市", None), ("江苏省", "无锡市", None)
XA, YT = ("陕西省", "西安市", None), ("山东省", "烟台市", None)
B, F, P, T, U = "budget", "final_accounts", "performance_self_evaluation", "performance_targets", "unknown"

# file: (province, city, district), department, year, report_type
CN_FILES = {
    "beijing_2026_bumen-yusuan_0712b1.pdf": (BJ, "信访办公室", 2026, B),
    "beijing_2026_bumen-yusuan_116f55.pdf": (BJ, "水务局", 2026, B),
    "chongqing_2026_bumen-yusuan_129d77.pdf": (CQ, "科学技术局", 2026, B),
    "chongqing_2026_bumen-yusuan_ba3f62.pdf": (CQ, "经济和信息化委员会", 2026, B),
    "fuzhou_2026_bumen-yusuan_c884f9.pdf": (FZ, "商务局", 2026, B),
    "fuzhou_2026_danwei-yusuan_2ba46b.pdf": (FZ, "公安局治安管理支队", 2026, B),
    "fuzhou_2026_danwei-yusuan_666c74.pdf": (FZ, "科学技术局", 2026, B),
    "guangzhou_2026_bumen-yusuan_58417d.pdf": (GD_GZ, "信访局", 2026, B),
    "guangzhou_2026_bumen-yusuan_967369.pdf": (GD_GZ, "城市管理和综合执法局", 2026, B),
    "guangzhou_2026_xiangmu-jixiao-mubiao_716802.pdf": (GD_GZ, "生态环境局", 2026, T),
    "hangzhou_2025_other-wenjian_c2ceba.pdf": (HZ, "人民政府办公厅", 2025, U),
    "hangzhou_2026_bumen-yusuan_be0459.pdf": (HZ, "公安局", 2026, B),
    "hangzhou_2026_bumen-yusuan_f6a1e1.pdf": (HZ, "交通运输局", 2026, B),
    "quanzhou_2024_other-han_292cfc.pdf": (QZ, "气象局", 2024, U),  # signed 福建省泉州市气象局
    "quanzhou_2026_bumen-yusuan_9c0366.pdf": (QZ, "公安局", 2026, B),
    "quanzhou_2026_other-tongji_46c4e6.pdf": (QZ, None, 2026, U),  # the city's figures, no publisher
    "shanghai_2026_danwei-yusuan_2f80c7.pdf": (SH + (None,), "花卉良种试验场", 2026, B),
    "shanghai_2026_danwei-yusuan_445dce.pdf": (SH + (None,), "审计局", 2026, B),
    "shanghai_2026_danwei-yusuan_c072ba.pdf": (SH + (None,), "数据局", 2026, B),
    "shenzhen_2026_bumen-yusuan_384278.pdf": (GD_SZ, "司法局", 2026, B),
    "shenzhen_2026_bumen-yusuan_746a2e.pdf": (GD_SZ, "市委宣传部", 2026, B),
    "suzhou_2026_bumen-yusuan_8933f1.pdf": (SZ, "应急管理局", 2026, B),
    "suzhou_2026_bumen-yusuan_fadd5a.pdf": (SZ, "自然资源和规划局", 2026, B),
    "suzhou_2026_danwei-yusuan_590ce1.pdf": (SZ, "水务局", 2026, B),
    "wuxi_2026_bumen-yusuan_8a53f1.pdf": (WX, "人力资源和社会保障局", 2026, B),
    "wuxi_2026_danwei-yusuan_6925d6.pdf": (WX, "应急管理综合行政执法监督局", 2026, B),
    "wuxi_2026_danwei-yusuan_6df438.pdf": (WX, "教育局", 2026, B),
    "xian_2021_bumen-yusuan_ad4ecf.pdf": (XA, "市委宣传部", 2021, B),
    "xian_2022_bumen-yusuan_65b3ed.pdf": (XA, "生态环境局", 2022, B),
    "xian_2026_bumen-yusuan_cb0e35.pdf": (XA, "信访局", 2026, B),
    "yantai_2026_bumen-yusuan_47b2d1.pdf": (YT, "市委宣传部", 2026, B),
    "yantai_2026_bumen-yusuan_ab72d2.pdf": (YT, "教育局", 2026, B),
}

REAL_FILES = {
    "sh-putuo_caizhengju_2024_bumen-juesuan.pdf": (PT, "财政局", 2024, F),
    "sh-putuo_fuliyuan_2024_danwei-yusuan.pdf": (PT, "社会福利院", 2024, B),
    "sh-putuo_shangwuwei_2025_bumen-yusuan.pdf": (PT, "商务委员会", 2025, B),
    "sh-putuo_shangwuwei_2025_danwei-yusuan.pdf": (PT, "商务委员会", 2025, B),
    "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf": (PT, "区委社会工作部", 2024, F),
    "sh-putuo_sifaju_2026_danwei-yusuan.pdf": (PT, "司法局", 2026, B),
    "sh-putuo_template_bumen-juesuan.pdf": (SH + (None,), None, 2024, F),  # "上海市XX局"
    "sh-putuo_wanlijiedao_2023_bumen-yusuan.pdf": (PT, "万里街道办事处", 2023, B),
    "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf": (PT, "万里街道办事处", 2024, B),
    "sh-putuo_zhengfuban_2025_bumen-yusuan.pdf": (PT, "人民政府办公室", 2025, B),
    "sh-putuo_zhengfuban_2025_danwei-yusuan.pdf": (PT, "人民政府办公室", 2025, B),
}

# our own reports: fictional districts that no city list holds (province and city none)
OWN = {
    "biquan_2022": ("璧泉区", "档案馆", 2022), "lanjiang_2023": ("岚江区", "城市管理数字化指挥中心", 2023),
    "lichuan_2023": ("澧川县", "机构编制委员会办公室", 2023), "maowan_2021": ("茂湾区", "发展和改革局", 2021),
    "mengxi_2024": ("蒙溪县", "数据发展中心", 2024), "renxi_2023": ("仁溪县", "退役军人事务局", 2023),
    "wunan_2022": ("梧南县", "政协办公室", 2022), "yuanbei_2022": ("沅北县", "财政局", 2022),
}
OWN_FILES = {f"{stem}.{route}.pdf": ((None, None, district), dept, year, P)
             for stem, (district, dept, year) in OWN.items() for route in ("a4", "html")}
OWN_FILES["variants/renxiq_2023.a4.pdf"] = ((None, None, "仁溪县"), "退役军人事务局", 2023, P)

SAMPLE_FILES = {
    "yantian_2023.pdf": (("广东省", "深圳市", "盐田区"), "政务服务数据管理局", 2023, P),
    "longhua_2019.pdf": (("广东省", "深圳市", "龙华区"), "政务服务数据管理局", 2019, P),
}

NOTES = {
    "hangzhou_2025_other-wenjian_c2ceba.pdf": "不是财政报告：政府文件（杭政办函〔2025〕30号）",
    "quanzhou_2024_other-han_292cfc.pdf": "不是财政报告：函（泉气函〔2024〕31号）",
    "quanzhou_2026_other-tongji_46c4e6.pdf": "不是财政报告：统计表（2026年1—2月泉州市国民经济主要指标）",
}

CASES = ([(CN, name, exp) for name, exp in CN_FILES.items()] + [(REAL, name, exp) for name, exp in REAL_FILES.items()]
         + [(SAMPLES, name, exp) for name, exp in SAMPLE_FILES.items()]
         + [(REPORTS, name, exp) for name, exp in OWN_FILES.items()])


@lru_cache(maxsize=None)
def _metadata(path: str):
    from pipeline import limits
    from pipeline.extract.metadata import detect
    from pipeline.read.ingest import load

    saved = limits._current
    limits._current = limits.Limits(doc_chars=8_000)  # this process only (no environment change)
    try:
        doc = load(path, cross_check=False, ocr="never")
    finally:
        limits._current = saved
    return detect(doc)


def _folder(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"corpus folder missing: {folder}")
    return folder


@pytest.mark.parametrize("folder, name, expected", CASES, ids=[c[1] for c in CASES])
def test_issuer_year_and_type(folder, name, expected):
    (province, city, district), department, year, rtype = expected
    meta = _metadata(str(_folder(folder) / name))
    i = meta.issuer
    assert (i.province, i.city, i.district, i.department, meta.year, meta.report_type) == \
        (province, city, district, department, year, rtype), meta.title[:120]
    assert meta.note == NOTES.get(name)


def test_every_corpus_file_is_listed():
    for folder, listed in ((CN, CN_FILES), (REAL, REAL_FILES)):
        assert sorted(p.name for p in _folder(folder).glob("*.pdf")) == sorted(listed)


def test_the_note_reaches_the_report():
    from pipeline.api import build_report
    from pipeline.read.ingest import load

    name = "quanzhou_2026_other-tongji_46c4e6.pdf"  # one page
    report = build_report(load(_folder(CN) / name, cross_check=False, ocr="never"))
    assert report.report_type == "unknown" and NOTES[name] in report.notes


@pytest.mark.parametrize("text, expected", [
    ("2026年深圳市财政局部门预算", ("广东省", "深圳市", None, "财政局")),
    ("国家信访局2026年部门预算", (None, None, None, "国家信访局")),  # a central unit: no place
    ("苏州市应急管理局2026年度部门预算公开苏州市应急管理局2026年度部门预算公开-1-", ("江苏省", "苏州市", None, "应急管理局")),
    ("2026年中共深圳市委宣传部（本级）部门预算", ("广东省", "深圳市", None, "市委宣传部")),
    ("中共上海市普陀区委社会工作部2024年度部门决算", ("上海市", "上海市", "普陀区", "区委社会工作部")),
    ("中共广东省委宣传部2026年部门预算", ("广东省", None, None, "省委宣传部")),
    ("浙江省杭州市西湖区教育局2025年部门决算", ("浙江省", "杭州市", "西湖区", "教育局")),
    ("舟山市普陀区财政局2023年度部门决算", ("浙江省", "舟山市", "普陀区", "财政局")),  # not Shanghai's 普陀区
    ("青岚市城东区财政局2023年度部门决算", (None, "青岚市", "城东区", "财政局")),  # a city no list holds
    ("深圳市市场监督管理局2026年部门预算", ("广东省", "深圳市", None, "市场监督管理局")),
    ("广州市城市管理和综合执法局部门预算", ("广东省", "广州市", None, "城市管理和综合执法局")),
    ("负责全市行政区划内的城市管理", (None, None, None, None)),  # a sentence names no issuer
])
def test_names(text, expected):
    from pipeline.extract.metadata import issuer_of

    i = issuer_of(text)
    assert (i.province, i.city, i.district, i.department) == expected
