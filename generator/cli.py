"""The `speechdraft` command line.

Subcommands are imported only when used, so `speechdraft --help` and the
start of `generate` stay light (python-docx and the picker load on demand).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from . import __version__
from .errors import UserError

# speechdraft uses no pydantic plugins; looking them up scans every installed package's metadata,
# a fifth of a cold start. Set the variable to an empty value to have them loaded after all.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# name -> "module:attribute", imported on first use.
COMMANDS: dict[str, str] = {
    "generate": "generator.commands.generate:generate",
    "skeletons": "generator.commands.info:skeletons",
    "new": "generator.commands.info:new",
    "schema": "generator.commands.info:schema",
    "check": "generator.commands.info:check",
    "lint": "generator.commands.lint:lint",
    "analyze": "generator.commands.analyze:analyze",
    "pick": "generator.commands.pick:pick",
    "reroll": "generator.commands.pick:reroll",
    "serve": "generator.commands.serve:serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not self._available(cmd_name):
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"错误：{exc.format()}", err=True)
            sys.exit(1)


def _readable_streams() -> None:
    """A console that cannot show Chinese (LANG=C, an old code page) gets escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                "讲话".encode(stream.encoding or "ascii")
            except (UnicodeEncodeError, LookupError):
                reconfigure(errors="backslashreplace")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="speechdraft")
def main() -> None:
    """speechdraft：根据 YAML 简报生成党建工作会议讲话稿（.docx/.txt/.md）。"""
    _readable_streams()


def run() -> None:
    """The `speechdraft` command: `main`, then a quick exit.

    Tearing down the interpreter (freeing the bank, the templates, every module) takes a tenth of
    a short run and serves nothing: files are closed and replaced atomically before this point.
    What Python would run at exit (atexit handlers, temp folder clean-up) still runs, and a run
    that left threads behind (the web server) exits the usual way.
    """
    import threading

    try:
        main()
        code: str | int | None = 0
    except SystemExit as exc:
        code = exc.code
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
