"""`speechdraft lint`: each planted fault is found, and nothing else is flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import SHARED

from generator.cli import main
from generator.lint import cn_to_int, lint_paragraphs, load_terms

CLEAN = """在全镇农村党建工作座谈会上的讲话
同志们：
今天召开这次座谈会，目的是听一听基层的声音，把下一步工作谋划得更实一些。下面，我讲三点意见。
一、把准方向，切实增强抓好农村党建的自觉
抓农村党建，关键在于把村党组织建强。当前的短板主要集中在两个方面：一是有的村班子年龄结构偏大，二是集体经济增收门路偏窄。
二、突出重点，扎实推进各项任务落地
（一）建强带头人队伍。要把政治过硬、能力突出的年轻人选进村班子，让村里的事有人管、有人干。
（二）壮大集体经济。要盘活闲置资源，探索合作经营，让村级组织有钱办事。
三、压实责任，确保工作取得实效
各村党组织书记要亲自抓、带头干。一要建立工作台账，逐项明确时限；二要加强督促检查，对推进缓慢的及时提醒。
同志们，农村党建任务艰巨，希望大家拿出干劲，把各项工作抓出成效！"""


def _lint(text: str, year: int = 2026, **kw):
    return lint_paragraphs([p for p in text.splitlines() if p.strip()], year=year, **kw)


def _problems(report):
    return [(f.code, f.paragraph) for f in report.findings if f.level != "info"]


def test_clean_speech_has_no_findings():
    report = _lint(CLEAN)
    assert _problems(report) == []
    assert report.characters > 200
    assert [f.code for f in report.findings if f.code != "anchor"] == ["length"]


@pytest.mark.parametrize(
    ("old", "new", "code", "paragraph"),
    [
        ("今天召开", "今天在XX镇召开", "placeholder", 3),
        ("今天召开", "今天（此处补充会议地点）召开", "placeholder", 3),
        ("要盘活闲置资源", "要盘活×处闲置资源", "placeholder", 8),
        ("下面，我讲三点意见", "下面，我讲四点意见", "count", 3),
        ("两个方面：一是有的村班子年龄结构偏大，", "三个方面：一是有的村班子年龄结构偏大，", "count", 5),
        ("三、压实责任", "四、压实责任", "numbering", 9),
        ("（二）壮大集体经济", "（三）壮大集体经济", "numbering", 8),
        ("二要加强督促检查", "三要加强督促检查", "numbering", 10),
        ("二要加强督促检查", "二是加强督促检查", "numbering-style", 10),
        ("三、压实责任", "第三，压实责任", "numbering-style", 9),
        ("要盘活闲置资源，探索合作经营", "要抓好党的十九大精神的学习，探索合作经营", "outdated-term", 8),
        (
            "让村级组织有钱办事。",
            "让村级组织有钱办事。要把政治过硬、能力突出的年轻人选进村班子，让村里的事有人管、有人干。",
            "repeat",
            8,
        ),
        (
            "让村级组织有钱办事。",
            "让村级组织有钱办事。要把政治过硬、能力突出的年轻人选进村班子，让村里的事有人管、有人抓。",
            "near-repeat",
            8,
        ),
    ],
)
def test_each_planted_fault_is_found_and_nothing_else(old, new, code, paragraph):
    assert old in CLEAN
    report = _lint(CLEAN.replace(old, new, 1))
    problems = _problems(report)
    assert problems, f"{code} not found"
    assert {c for c, _ in problems} == {code}, problems
    assert paragraph in {p for _, p in problems}


def test_outdated_terms_depend_on_the_year():
    text = CLEAN.replace("要盘活闲置资源", "要围绕决战脱贫攻坚盘活闲置资源")
    assert [c for c, _ in _problems(_lint(text, 2026))] == ["outdated-term"]
    assert _problems(_lint(text, 2020)) == []
    historical = CLEAN.replace("要盘活闲置资源", "党的十九大以来，要盘活闲置资源")
    assert _problems(_lint(historical, 2026)) == []


def test_length_against_a_target():
    report = _lint(CLEAN, target=5000)
    assert ("length", 0) in _problems(report)
    assert _problems(_lint(CLEAN, target=report.characters)) == []


def test_cn_numbers():
    assert [cn_to_int(x) for x in ("一", "十", "十二", "二十", "二十三", "两", "几")] == [
        1,
        10,
        12,
        20,
        23,
        2,
        None,
    ]


def test_user_terms_extend_the_list(tmp_path):
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        "terms:\n  - term: 村两委\n    current: [2000, 2018]\n    replace: 村“两委”\nhistorical: []\n",
        "utf-8",
    )
    text = CLEAN.replace("选进村班子", "选进村两委")
    assert _problems(_lint(text, terms=load_terms((str(terms),)))) == [("outdated-term", 7)]
    path = tmp_path / "s.txt"
    path.write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["lint", str(path), "--terms", str(terms), "--year", "2026"])
    assert result.exit_code == 1 and "村两委" in result.output


def test_cli_text_json_exit_status_and_formats(tmp_path, library, example_briefs):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, "utf-8")
    ok = CliRunner().invoke(main, ["lint", str(clean), "--year", "2026"])
    assert ok.exit_code == 0, ok.output
    assert "错误 0 处" in ok.output
    bad = tmp_path / "bad.md"
    bad.write_text("# 标题\n\n" + CLEAN.replace("今天召开", "今天在XX镇召开"), "utf-8")
    res = CliRunner().invoke(main, ["lint", str(bad), "--format", "json", "--year", "2026"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["errors"] == 1 and data["findings"][0]["code"] == "placeholder"
    assert data["rate_characters_per_minute"] == 170


def test_lint_reads_docx_and_gb18030(tmp_path):
    import docx

    d = docx.Document()
    for line in CLEAN.replace("今天召开", "今天在XX镇召开").splitlines():
        d.add_paragraph(line)
    path = tmp_path / "s.docx"
    d.save(str(path))
    res = CliRunner().invoke(main, ["lint", str(path), "--year", "2026"])
    assert res.exit_code == 1 and "XX" in res.output
    gb = tmp_path / "gb.txt"
    gb.write_bytes(CLEAN.encode("gb18030"))
    assert CliRunner().invoke(main, ["lint", str(gb), "--year", "2026"]).exit_code == 0


def test_lint_bad_input_is_one_line(tmp_path):
    res = CliRunner().invoke(main, ["lint", str(tmp_path / "none.txt")])
    assert res.exit_code == 1 and "找不到文件" in res.output and "Traceback" not in res.output
    odd = tmp_path / "x.pdf"
    odd.write_bytes(b"%PDF")
    res = CliRunner().invoke(main, ["lint", str(odd)])
    assert res.exit_code == 1 and "不支持" in res.output


SEEDS = SHARED / "seeds"
SEED_EXPECT = {
    "000": {"placeholders": {"×"}, "terms": {"主题教育"}},
    "001": {"placeholders": {"X", "XX"}, "terms": {"十九大", "疫情防控", "主题教育", "脱贫攻坚"}},
    "003": {"placeholders": {"*"}, "terms": {"疫情防控"}},
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed speeches not beside this checkout")
@pytest.mark.parametrize("prefix", sorted(SEED_EXPECT))
def test_seed_speeches_placeholders_and_outdated_terms(prefix):
    from generator.reading import read_paragraphs

    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    paragraphs = read_paragraphs(path)
    report = lint_paragraphs(paragraphs, year=2026)
    found = {f.message.split("“")[1].split("”")[0] for f in report.findings if f.code == "placeholder"}
    assert SEED_EXPECT[prefix]["placeholders"] <= found
    terms = " ".join(f.message for f in report.findings if f.code == "outdated-term")
    for term in SEED_EXPECT[prefix]["terms"]:
        assert term in terms, (prefix, term)
    # Read as of its own time, the same speech has no outdated term.
    assert not [f for f in lint_paragraphs(paragraphs, year=2020).findings if f.code == "outdated-term"]


def test_generate_prints_the_check_summary(tmp_path):
    from conftest import EXAMPLES

    out = tmp_path / "d.txt"
    res = CliRunner().invoke(main, ["generate", str(EXAMPLES[0]), "-o", str(out), "--seed", "1"])
    assert res.exit_code == 0, res.output
    assert "检查：" in res.output
    assert out.read_text("utf-8").startswith("在")


CORPUS = Path(__file__).with_name("corpus")


@pytest.mark.parametrize("name", sorted(p.stem for p in CORPUS.glob("*.txt")))
def test_corpus_lint_finds_what_was_planted_and_nothing_else(name):
    from generator.reading import read_speech

    want = yaml.safe_load((CORPUS / f"{name}.yaml").read_text("utf-8"))["lint"]
    speech = read_speech(CORPUS / f"{name}.txt")
    report = lint_paragraphs(speech.paragraphs, year=want["year"], lines=speech.lines)
    found = [f for f in report.findings if f.level != "info"]
    planted = want["problems"]
    for f in found:
        assert any(p["code"] == f.code and p["text"] in f.excerpt for p in planted), (
            f"false positive: {f.format()}"
        )
    for p in planted:
        assert any(p["code"] == f.code and p["text"] in f.excerpt for f in found), f"missed: {p}"


def test_lint_reads_as_analyze_does_and_names_source_lines(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(CLEAN.replace("要盘活闲置资源", "要抓好党的十\n九大精神的学习，盘活闲置资源"), "utf-8")
    res = CliRunner().invoke(main, ["lint", str(path), "--year", "2026", "--format", "json"])
    data = json.loads(res.output)
    terms = [f for f in data["findings"] if f["code"] == "outdated-term"]
    assert len(terms) == 1 and terms[0]["paragraph"] == 8 and terms[0]["line"] == 8
    later = CLEAN.replace("政治过硬、能力突出", "政治过硬、\n能力突出").replace("（二）壮大", "（二）壮大XX")
    path.write_text(later, "utf-8")
    res = CliRunner().invoke(main, ["lint", str(path), "--year", "2026"])
    assert "第 8 段（原文第 9 行）" in res.output, res.output


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("我县脱贫攻坚已取得全面胜利，全面建成小康社会的目标也如期实现。", False),
        ("“十四五”的各项目标顺利完成，“十五五”开了好头。", False),
        ("回顾党的十九大以来的五年，我们办成了许多大事。", False),
        ("新冠疫情期间，党员冲在一线。", False),
        ("召开2021年度述职会，全面贯彻党的十九大精神。", True),
        ("要坚决打赢脱贫攻坚战。", True),
        ("深入学习十九届二中、三中、四中、五中全会精神。", True),
        ("全面贯徹黨的十九大精神。", True),
    ],
)
def test_outdated_terms_by_how_the_sentence_uses_them(sentence, flagged):
    text = CLEAN.replace("抓农村党建，关键在于把村党组织建强。", sentence)
    codes = [c for c, _ in _problems(_lint(text, 2026))]
    assert codes == (["outdated-term"] if flagged else []), codes


@pytest.mark.parametrize("mark", ["xx", "xxx", "x", "201x", "20xx", "ＸＸ"])
def test_lowercase_and_year_placeholders(mark):
    report = _lint(CLEAN.replace("今天召开", f"今天在{mark}县召开"))
    assert [c for c, _ in _problems(report)] == ["placeholder"]


def test_sub_numbering_under_a_point_is_not_a_second_top_level():
    text = CLEAN.replace("（一）建强", "第一，建强").replace("（二）壮大", "第二，壮大")
    assert _problems(_lint(text)) == []
    wrong = text.replace("第二，壮大", "第三，壮大")
    assert _problems(_lint(wrong)) == [("numbering", 8)]


def _brute_near(keys, threshold=0.8):
    from generator.overlap import bigrams as _bigrams
    from generator.overlap import dice

    sets = [_bigrams(k) for k in keys]
    out, reported = [], set()
    for j in range(len(keys)):
        for i in range(j):
            if i in reported or keys[i] == keys[j]:
                continue
            if min(len(keys[i]), len(keys[j])) / max(len(keys[i]), len(keys[j])) < 0.7:
                continue
            d = dice(sets[i], sets[j])
            if d >= threshold:
                out.append((i, j, d))
                reported.add(j)
                break
    return out


def test_indexed_near_duplicates_equal_the_pairwise_measure():
    import random

    from generator.lint import near_duplicates

    rng = random.Random(7)
    alphabet = "党建工作要抓实抓细推动落实责任基层组织群众服务机制考核"
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(16, 40))) for _ in range(60)]
    keys = []
    for k in range(400):
        s = list(rng.choice(base))
        for _ in range(rng.randint(0, 6)):
            s[rng.randrange(len(s))] = rng.choice(alphabet)
        keys.append("".join(s) + ("" if k % 3 else "在此"))
    assert near_duplicates(keys) == _brute_near(keys)
    assert near_duplicates(keys), "the sample has near duplicates"


def test_the_built_in_term_frames_are_valid_regular_expressions():
    """load_terms skips compiling the built-in file's frames at run time (speed); they are checked here."""
    import re

    terms = load_terms()
    frames = [f for t in terms.terms for f in (*t.current_forms, *t.retrospective_forms)]
    assert frames
    for frame in frames:
        before, after = frame.split("…")
        re.compile(before)
        re.compile(after)
