"""`speechdraft lint`: quality checks for any speech (.txt, .md, .docx)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .options import paths_option

MAX_MINUTES = 600


@click.command()
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), help="讲话年份（判断提法是否过时），缺省为今年")
@click.option("--target", "target_chars", type=click.IntRange(min=100), help="目标字数（允许 ±15%）")
@click.option("--minutes", type=float, help="目标讲话分钟数（1–600，按每分钟 170 字折算）")
@paths_option(
    "--terms", "term_files", "自有过时用语表（YAML，格式同内置 generator/data/terms.yaml），可多次给出"
)
@paths_option("--against", "against", "查重：与这些讲话稿（文件或目录）比对相同和近似的句子，可多次给出")
@click.option("--max-overlap", help="查重上限，如 10%：与任一比对文件重复的句子超过此比例即为错误")
@click.option("--place", help="本稿的地名（如 青山县）：出现其他同级地名或不符的“全市”等即为错误")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(
    file: Path,
    year: int | None,
    target_chars: int | None,
    minutes: float | None,
    term_files: tuple[Path, ...],
    fmt: str,
    against: tuple[Path, ...] = (),
    max_overlap: str | None = None,
    place: str | None = None,
) -> None:
    """检查讲话稿：占位、宣布数目、编号、重复句子、过时提法、篇幅。有错误级问题时退出码为 1。"""
    from ..errors import UserError, printable
    from ..lint import RATE, lint_paragraphs, load_terms
    from ..reading import read_speech

    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:  # also refuses nan and inf
        raise UserError(f"--minutes 应在 1–{MAX_MINUTES} 之间（实际为 {minutes}）")
    speech = read_speech(file)
    if not speech.paragraphs:
        raise UserError("文件中没有文字，无法检查", file=str(file))
    year = year or dt.date.today().year
    target = target_chars or (round(minutes * RATE) if minutes else None)
    terms = load_terms(tuple(str(p) for p in term_files))
    limit = _percent(max_overlap) if max_overlap is not None else None
    from ..overlap import scope_of_place

    scope = scope_of_place(place) if place else None
    paragraphs = speech.paragraphs
    report = lint_paragraphs(
        paragraphs, year=year, target=target, terms=terms, scope=scope, place=place, lines=speech.lines
    )
    if against:
        from ..overlap import compare_files

        overlaps = compare_files(paragraphs, against)
    else:
        overlaps = []
    too_much = [o for o in overlaps if o.over(limit)]
    if fmt == "json":
        data = {"file": str(file), **report.as_json()}
        if against:
            data["overlap"] = [o.as_json(limit) for o in overlaps]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(printable(finding.format()))  # quotes from the file must not drive the terminal
        for o in overlaps:
            for line in o.lines(limit):
                click.echo(printable(line))
        n_err = len(report.errors) + len(too_much)
        n_warn = sum(1 for f in report.findings if f.level == "warning")
        click.echo(f"{file}：错误 {n_err} 处，警告 {n_warn} 处（按 {year} 年检查）")
    if report.errors or too_much:
        sys.exit(1)


def _percent(text: str) -> float:
    from ..errors import UserError

    raw = text.strip().rstrip("%％")
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"--max-overlap 应为百分比，如 10%（实际为 {text!r}）", key="max-overlap") from None
    if not 0 <= value <= 100:
        raise UserError("--max-overlap 应在 0% 到 100% 之间", key="max-overlap")
    return value / 100
