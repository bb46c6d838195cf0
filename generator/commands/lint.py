"""`speechdraft lint`: quality checks for any speech (.txt, .md, .docx)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

MAX_MINUTES = 600


@click.command()
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), help="讲话年份（判断提法是否过时），缺省为今年")
@click.option("--target", "target_chars", type=click.IntRange(min=100), help="目标字数（允许 ±15%）")
@click.option("--minutes", type=float, help="目标讲话分钟数（1–600，按每分钟 170 字折算）")
@click.option(
    "--terms",
    "term_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="自有过时用语表（YAML，格式同内置 generator/data/terms.yaml），可多次给出",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(
    file: Path,
    year: int | None,
    target_chars: int | None,
    minutes: float | None,
    term_files: tuple[Path, ...],
    fmt: str,
) -> None:
    """检查讲话稿：占位、宣布数目、编号、重复句子、过时提法、篇幅。有错误级问题时退出码为 1。"""
    from ..errors import UserError, printable
    from ..lint import RATE, lint_paragraphs, load_terms
    from ..reading import read_paragraphs

    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:  # also refuses nan and inf
        raise UserError(f"--minutes 应在 1–{MAX_MINUTES} 之间（实际为 {minutes}）")
    paragraphs = read_paragraphs(file)
    if not paragraphs:
        raise UserError("文件中没有文字，无法检查", file=str(file))
    year = year or dt.date.today().year
    target = target_chars or (round(minutes * RATE) if minutes else None)
    terms = load_terms(tuple(str(p) for p in term_files))
    report = lint_paragraphs(paragraphs, year=year, target=target, terms=terms)
    if fmt == "json":
        click.echo(json.dumps({"file": str(file), **report.as_json()}, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(printable(finding.format()))  # quotes from the file must not drive the terminal
        n_err = len(report.errors)
        n_warn = sum(1 for f in report.findings if f.level == "warning")
        click.echo(f"{file}：错误 {n_err} 处，警告 {n_warn} 处（按 {year} 年检查）")
    if report.errors:
        sys.exit(1)
