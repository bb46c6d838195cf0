"""`speechdraft serve`: the brief form, picking and downloads as a page in the clerk's own browser.

Flask and waitress load only here, when the command runs. The server binds
127.0.0.1 unless told otherwise; the work is kept in the per-user data folder.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from ..errors import UserError
from .options import user_folders


@click.command()
@click.argument("brief_path", metavar="[BRIEF.yaml]", required=False, type=click.Path(path_type=Path))
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="监听地址；0.0.0.0 表示向局域网开放（同一网络中的任何人都能使用）",
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器")
@user_folders
def serve(
    brief_path: Path | None,
    port: int,
    host: str,
    no_browser: bool,
    skeleton_dirs: tuple[Path, ...],
    bank_dirs: tuple[Path, ...],
) -> None:
    """在本机浏览器中填写简报、挑选说法、下载 Word（本地网页，不联网）。"""
    try:
        import waitress
    except ImportError:  # pragma: no cover - a broken install
        raise UserError("缺少 waitress/flask：请重新安装 speechdraft（pip install speechdraft）") from None

    from ..answers import load_answers
    from ..api import Library
    from ..loaders import load_brief
    from ..picker.store import find_answers
    from ..web.app import create_app, hosts_for_display
    from ..web.state import Workspace, state_folder

    workspace = Workspace(Library.load(skeleton_dirs, bank_dirs), state_folder())
    if brief_path is not None:
        warnings: list[str] = []
        brief = load_brief(brief_path, warnings)
        for warning in warnings:
            click.echo(f"警告：{warning}", err=True)
        apath = find_answers(brief_path)
        answers = load_answers(apath) if apath is not None else None
        if brief.avoid:  # the page keeps its own copy of the brief: keep where `avoid:` points
            folder = brief_path.resolve().parent
            brief = brief.model_copy(update={"avoid": [str(folder / p) for p in brief.avoid]})
        workspace.open(brief, answers)
        workspace.save()
        click.echo(f"已打开简报 {brief_path}" + (f"和挑选结果 {apath}" if answers else ""))
    else:
        workspace.restore()
    app = create_app(workspace, host=host, port=port)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=4, ident="speechdraft")
    except OSError as exc:
        raise UserError(
            f"无法在 {host}:{port} 启动服务（{exc.strerror}）；端口可能已被占用，可用 --port 换一个端口"
        ) from None
    urls = list(hosts_for_display(host, port))
    if host in ("0.0.0.0", "::"):
        click.echo("警告：已向局域网开放，同一网络中的任何人都能打开并修改这份讲话稿", err=True)
    click.echo(f"speechdraft 网页界面：{urls[0]}" + (f"（局域网：{urls[1]}）" if len(urls) > 1 else ""))
    click.echo(f"工作保存在 {workspace.folder}")
    click.echo("按 Ctrl-C 退出")
    sys.stdout.flush()
    if not no_browser:
        import webbrowser

        threading.Timer(0.3, webbrowser.open, args=(urls[0],)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("已退出")
    finally:
        server.close()
