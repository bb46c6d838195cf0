"""`speechdraft analyze`: an existing speech -> outline, draft skeleton, phrase candidates."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("speech", metavar="SPEECH", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写出骨架草稿 YAML（项目自己的格式）")
@click.option("--bank", "bank_out", type=click.Path(path_type=Path), help="另写出按槽位整理的候选句 YAML")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件（旧文件保留为 .bak）")
@click.option("--cleaned", is_flag=True, help="同时打印清理后的全文")
def analyze(speech: Path, output: Path | None, bank_out: Path | None, force: bool, cleaned: bool) -> None:
    """读取往年讲话（.txt/.docx），清理噪声，列出提纲，并可生成骨架草稿和候选句。"""
    from ..analyze import bank_data, dump_yaml, format_outline, outline, skeleton_data
    from ..errors import UserError
    from ..output import check_writable, write_text_atomic
    from ..reading import read_speech

    for target in (output, bank_out):
        if target is not None:
            check_writable(target)
            if target.exists() and not force:
                raise UserError(
                    "输出文件已存在；如需覆盖请加 --force（旧文件会保留为 .bak）", file=str(target)
                )
    result = read_speech(speech)
    tree = outline(result.paragraphs)
    if result.removed:
        click.echo(
            f"已清理：{len(result.removed)} 处噪声（广告、水印、页码、网页标记），合并断行 {result.joined} 处"
        )
        for line, why in result.removed:
            click.echo(f"  删除（{why}）：{line[:40]}")
    if result.split:
        click.echo(f"恢复分段：从行内拆出 {result.split} 段（整篇粘贴成一行时常见）")
    for line, why in result.kept:
        click.echo(f"  保留（{why}）：{line[:40]}")
    click.echo(format_outline(tree))
    if cleaned:
        click.echo("\n".join(result.paragraphs))
    header = f"# 由 speechdraft analyze 从 {speech.name} 生成的草稿，供人工审阅后再使用。\n"
    if output is not None:
        if len(tree.points) not in (3, 4):
            click.echo(f"注意：找到 {len(tree.points)} 个要点，骨架需 3 或 4 点，请在文件中调整", err=True)
        write_text_atomic(
            output, dump_yaml(skeleton_data(tree, speech.stem, speech.name), header), force=force
        )
        click.echo(f"已写入骨架草稿 {output}")
    if bank_out is not None:
        write_text_atomic(bank_out, dump_yaml(bank_data(tree, speech.stem), header), force=force)
        click.echo(f"已写入候选句 {bank_out}")
