"""Small commands: list skeletons, write a starter brief, print the brief schema, check data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .options import SKELETONS_DIR, user_folders

STARTER = """\
# yaml-language-server: $schema=brief.schema.json
# speechdraft 讲话稿简报。带 # 的行是说明，可删除。未填写的事实会在稿中留下醒目的占位（如 XX县、（此处补充……）），
# 不会编造数字。生成：speechdraft generate {name} -o 讲话稿.docx

meeting:
  name: 基层党建工作推进会     # 会议名称（标题为“在全县基层党建工作推进会上的讲话”）
  kind: 推进会                 # 推进会/调度会/部署会/培训会/座谈会/动员会/现场会/总结会/述职评议会/工作会
scope: 县                      # 县/市/区/乡镇/单位，决定“全县/县委”等称谓
place: 青山县                  # 地名或单位名；删去则为 XX县
speaker: 县委常委、组织部部长 XXX
date: {date}             # 讲话日期；年份决定用语是否过时
points: 3                      # 讲几点意见：3 或 4
domains:                       # 重点领域：农村 社区 机关 两新组织 国有企业 学校 医院
  - 农村
  - 社区
  - 机关
previous_speakers:             # 刚才讲话或发言的同志（可删）
  - who: 县委副书记XXX同志
    did: 通报了全县基层党建工作情况
facts:                         # 你们自己的事实，原话照录；可留空
  achievements: []             # 如：- 全县新建村级党群服务中心12个
  problems: []                 # 如：- 部分党支部“三会一课”记录不规范
  programme:                   # 如：“红色领航”工程
# length:
#   characters: 5000           # 或 minutes: 30
# seed: 42                     # 固定种子可复现同一稿
skeleton: auto                 # 或 speechdraft skeletons 列出的名称
"""


@click.command()
@SKELETONS_DIR
def skeletons(skeleton_dirs: tuple[Path, ...]) -> None:
    """列出可用的讲话骨架。"""
    from ..loaders import load_skeletons

    for skel in sorted(load_skeletons(skeleton_dirs).values(), key=lambda s: s.id):
        counts = "/".join(map(str, skel.point_counts))
        kinds = "、".join(skel.kinds) if skel.kinds else "各类会议"
        click.echo(f"{skel.id:<14} {skel.name}（{counts} 点；{kinds}）：{skel.description}")


@click.command()
@click.argument("path", metavar="BRIEF.yaml", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已存在的文件（旧文件保留为 .bak）")
def new(path: Path, force: bool) -> None:
    """写一份带注释的简报模板。"""
    import datetime as dt

    from ..output import write_text_atomic

    text = STARTER.format(name=path.name, date=dt.date.today().isoformat())
    backup = write_text_atomic(path, text, force=force)
    schema_path = path.parent / "brief.schema.json"
    if not schema_path.exists():
        write_text_atomic(schema_path, _schema_text())
    click.echo(f"已写入 {path}（编辑器可用 {schema_path.name} 补全和检查键名）")
    if backup:
        click.echo(f"原文件已备份为 {backup}")


def _schema_text() -> str:
    from ..brief import Brief

    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "speechdraft brief"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


@click.command()
def schema() -> None:
    """输出简报的 JSON Schema（speechdraft schema > brief.schema.json）。"""
    click.echo(_schema_text(), nl=False)


@click.command()
@user_folders
def check(skeleton_dirs: tuple[Path, ...], bank_dirs: tuple[Path, ...]) -> None:
    """检查骨架和短语库（含自有目录）能否加载、槽位是否齐全、每个模板能否渲染。"""
    import sys

    from ..loaders import check_rendering, check_skeleton_slots, load_bank, load_skeletons
    from ..redpen import bank_findings

    # Loaded without stopping at the first template that fails: check_rendering lists them all.
    skels = load_skeletons(skeleton_dirs, verify=False)
    bank = load_bank(bank_dirs, verify=False)
    problems = check_skeleton_slots(skels.values(), bank) + bank_findings(bank)
    # Every template once, in a context with every name at its longest: a template that
    # fails, loops too long or grows too large is found here rather than in generate.
    problems += [e.format() for e in check_rendering(skeleton_dirs, bank_dirs)]
    for p in problems:
        click.echo(f"错误：{p}", err=True)
    n_variants = sum(1 for _ in bank.all_candidates())
    click.echo(f"骨架 {len(skels)} 个，短语条目 {len(bank.entries)} 条、变体 {n_variants} 个")
    if problems:
        sys.exit(1)
