"""The terminal picker: a prompt_toolkit screen over a `PickSession`.

All terminal code lives here; every move is a call on the session. Chinese text
is wrapped by display width (CJK = 2 columns, via prompt_toolkit's wcwidth), and
no line starts with closing punctuation. Tests drive it with
`create_pipe_input()` and `DummyOutput()` passed as `input` / `output`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.filters import Condition
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style
from prompt_toolkit.utils import get_cwidth

from ..answers import section_label
from ..api import speaking_minutes
from ..errors import UserError
from .session import PickSession

NO_LINE_START = frozenset("，。、；：？！）》」』”’】…—·,.;:?!)%")
NO_LINE_END = frozenset("（《「『“‘【(")

STYLE = Style.from_dict(
    {
        "title": "reverse bold",
        "cursor": "reverse",
        "current": "bold",
        "dim": "#888888",
        "lock": "bold ansired",
        "msg": "ansiyellow",
        "here": "reverse",
        "help": "#888888",
    }
)

HELP_PICK = (
    "1-4 或 ↑↓+回车 选用 · o 换一批 · r 重抽本部分 · l 锁定 · ←/b 上一处 · →/n 下一处 · "
    "[ ] 上/下一部分 · p 预览全文 · a 其余照旧并完成 · q 放弃"
)
HELP_DONE = "回车 保存并生成 · ←/b 返回修改 · [ 回到上一部分 · p 预览全文 · q 放弃"
HELP_PREVIEW = "↑↓ 翻一行 · PgUp/PgDn/空格 翻一页 · p/q/回车 返回挑选"

Line = list[tuple[str, str]]


def display_width(text: str) -> int:
    return sum(get_cwidth(ch) for ch in text)


def wrap(text: str, width: int, first: str = "", indent: str = "") -> list[str]:
    """Break `text` into lines of at most `width` display columns.

    `first` prefixes the first line and `indent` the others. Closing punctuation
    never starts a line and opening punctuation never ends one: the characters
    around the break move down together instead.
    """
    lines: list[str] = []
    prefix = first
    avail = max(8, width - display_width(prefix))
    line: list[str] = []
    used = 0
    for ch in text:
        if ch == "\n":
            lines.append(prefix + "".join(line))
            prefix, line, used = indent, [], 0
            avail = max(8, width - display_width(prefix))
            continue
        cw = get_cwidth(ch)
        if used + cw > avail and line:
            carry: list[str] = []
            if ch in NO_LINE_START:
                carry.insert(0, line.pop())
                while carry[0] in NO_LINE_START and len(line) > 1:
                    carry.insert(0, line.pop())
            while line and line[-1] in NO_LINE_END and len(line) > 1:
                carry.insert(0, line.pop())
            lines.append(prefix + "".join(line))
            prefix, line = indent, carry
            used = display_width("".join(carry))
            avail = max(8, width - display_width(prefix))
        line.append(ch)
        used += cw
    lines.append(prefix + "".join(line))
    return lines


class PickerApp:
    """The screen: pick view, preview view and the closing summary."""

    def __init__(self, session: PickSession, *, input: Input | None = None, output: Output | None = None):
        self.session = session
        self.cursor = 0
        self.mode = "pick"
        self.scroll: int | None = None
        self.status = ""
        self.quit_armed = False
        self._exited = False
        self.app: Application[bool] = Application(
            layout=Layout(
                Window(FormattedTextControl(self._render), wrap_lines=False, always_hide_cursor=True)
            ),
            key_bindings=self._bindings(),
            full_screen=True,
            style=STYLE,
            input=input,
            output=output,
        )

    def run(self) -> bool:
        """True when the clerk finished (save and write), False when cancelled."""
        try:
            return bool(self.app.run())
        except (EOFError, KeyboardInterrupt):
            return False

    # Keys --------------------------------------------------------------------

    def _bindings(self) -> KeyBindings:
        kb = KeyBindings()

        def on(*keys: str, mode: str = "pick") -> Callable[[Callable[[], None]], None]:
            def register(action: Callable[[], None]) -> None:
                def handler(event: KeyPressEvent) -> None:
                    if self._exited:
                        return
                    if action != self._quit:
                        self.quit_armed = False
                    self.status = ""
                    try:
                        action()
                    except UserError as exc:
                        self.status = exc.format()
                    except (ValueError, IndexError, KeyError) as exc:
                        self.status = str(exc)

                active = Condition(lambda: self.mode == mode)
                for key in keys:
                    kb.add(key, filter=active)(handler)

            return register

        for n in range(1, 5):
            on(str(n))(functools.partial(self._choose, n))
        on("up", "k")(lambda: self._move(-1))
        on("down", "j")(lambda: self._move(1))
        on("enter")(self._enter)
        on("o")(self._others)
        on("r")(self._reroll)
        on("l")(self._lock)
        on("left", "b")(lambda: self._nav(self.session.back))
        on("right", "n")(lambda: self._nav(self.session.forward))
        on("[", "pageup")(lambda: self._nav(self.session.previous_section))
        on("]", "pagedown")(lambda: self._nav(self.session.next_section))
        on("p")(self._preview)
        on("a")(self._accept_rest)
        on("q")(self._quit)
        on("up", "k", mode="preview")(lambda: self._scroll(-1))
        on("down", "j", mode="preview")(lambda: self._scroll(1))
        on("pageup", mode="preview")(lambda: self._scroll(-self._page()))
        on("pagedown", " ", mode="preview")(lambda: self._scroll(self._page()))
        on("p", "q", "enter", mode="preview")(self._close_preview)

        @kb.add("c-c")
        def _cancel(event: KeyPressEvent) -> None:
            self._exit(False)

        return kb

    def _exit(self, result: bool) -> None:
        if not self._exited:
            self._exited = True
            self.app.exit(result=result)

    def _choose(self, number: int) -> None:
        if self.session.current is None:
            return
        if number > len(self.session.options()):
            self.status = f"这一处只有 {len(self.session.options())} 项可选"
            return
        self.session.choose_option(number)
        self.cursor = 0

    def _move(self, delta: int) -> None:
        if self.session.current is not None:
            self.cursor = (self.cursor + delta) % len(self.session.options())

    def _enter(self) -> None:
        if self.session.current is None:
            self._exit(True)
        else:
            self._choose(self.cursor + 1)

    def _others(self) -> None:
        if self.session.current is None:
            return
        _, pages, n = self.session.page_info()
        if pages == 1:
            self.status = "这一处没有更多合适的说法了" if n > 1 else "这一处只有这一种合适的说法"
            return
        self.session.other_candidates()
        self.cursor = 0

    def _reroll(self) -> None:
        step = self.session.current
        if step is None:
            return
        self.session.reroll_section()
        self.cursor = 0
        self.status = f"已重抽{section_label(step.section)}（挑选过和锁定的各处不变）"

    def _lock(self) -> None:
        if self.session.current is None:
            return
        locked = self.session.lock()
        self.status = "已锁定：重抽时保持不变" if locked else "已解除锁定"

    def _nav(self, move: Callable[[], None]) -> None:
        move()
        self.cursor = 0

    def _preview(self) -> None:
        self.mode = "preview"
        self.scroll = None

    def _close_preview(self) -> None:
        self.mode = "pick"

    def _accept_rest(self) -> None:
        self.session.accept_rest()
        self._exit(True)

    def _quit(self) -> None:
        if self.quit_armed:
            self._exit(False)
        else:
            self.quit_armed = True
            self.status = "再按一次 q 放弃本次挑选（不保存）"

    def _scroll(self, delta: int) -> None:
        self.scroll = max(0, (self.scroll or 0) + delta)

    def _page(self) -> int:
        return max(1, self._size()[1] - 4)

    # Drawing -------------------------------------------------------------------

    def _size(self) -> tuple[int, int]:
        size = self.app.output.get_size()
        return max(20, size.columns - 1), max(8, size.rows)

    def _render(self) -> Any:
        width, rows = self._size()
        if self.mode == "preview":
            top, body, focus, bottom = self._preview_lines(width)
            if self.scroll is None:
                self.scroll = max(0, focus - 2)
        elif self.session.current is None:
            top, body, focus, bottom = self._done_lines(width)
        else:
            top, body, focus, bottom = self._pick_lines(width)
        room = max(1, rows - len(top) - len(bottom))
        if self.mode == "preview":
            self.scroll = min(self.scroll or 0, max(0, len(body) - room))
            start = self.scroll
        else:
            start = min(max(0, focus - 1), max(0, len(body) - room))
        lines = top + body[start : start + room] + [[]] * max(0, room - len(body[start:])) + bottom
        out: list[tuple[str, str]] = []
        for i, line in enumerate(lines):
            if i:
                out.append(("", "\n"))
            out.extend(line)
        return out

    def _messages(self, width: int) -> list[Line]:
        notes = ([self.status] if self.status else []) + self.session.messages[-3:]
        return [[("class:msg", s)] for note in notes for s in wrap(note, width, "  ", "  ")]

    def _help(self, text: str, width: int) -> list[Line]:
        """Key help, broken between items (" · ") rather than inside one."""
        lines: list[str] = []
        for item in text.split(" · "):
            if lines and display_width(lines[-1] + " · " + item) <= width:
                lines[-1] += " · " + item
            else:
                lines.extend(wrap(item, width, " ", " "))
        return [[("class:help", s)] for s in lines]

    def _outline_bar(self) -> Line:
        here = self.session.current.section if self.session.current else None
        bar: Line = [("", " ")]
        for sec in self.session.outline():
            short = sec.label.removeprefix("第").removesuffix("部分")
            bar.append(("class:here" if sec.section == here else "class:dim", f" {short} "))
        return bar

    def _pick_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        s = self.session
        step = s.current
        assert step is not None
        options = s.options()
        self.cursor = min(self.cursor, len(options) - 1)
        title: Line = [
            ("class:title", " speechdraft 挑选 "),
            ("", f" {step.label}"),
            ("class:dim", f"（{s.index + 1}/{len(s.steps)}）"),
        ]
        if step.path in s.locked:
            title.append(("class:lock", " [已锁定]"))
        top: list[Line] = [title, self._outline_bar()]
        heading = next(
            (p.text for p in s.draft.paragraphs if p.section == step.section and p.kind == "heading1"), ""
        )
        if heading and step.path != f"{step.section}.heading":
            top.append([("class:dim", wrap(heading, width, "  ")[0])])
        top.append([])
        body: list[Line] = []
        focus = 0
        for i, opt in enumerate(options):
            pointer = "▶" if i == self.cursor else " "
            mark = "●" if opt.current else " "
            text = (f"【{opt.head}】" if opt.head else "") + opt.text
            style = "class:cursor" if i == self.cursor else ("class:current" if opt.current else "")
            if i == self.cursor:
                focus = len(body)
            first = f"{pointer}{mark}{opt.number}. "
            for line in wrap(text, width, first, " " * display_width(first)):
                body.append([(style, line)])
            body.append([])
        page, pages, n = s.page_info()
        if n == 1:
            info = "  这一处只有这一种合适的说法（● 为稿中现用）"
        else:
            info = f"  共 {n} 种合适的说法，第 {page}/{pages} 页（● 为稿中现用）"
        bottom: list[Line] = [[("class:dim", info)], *self._messages(width), *self._help(HELP_PICK, width)]
        return top, body, focus, bottom

    def _done_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        s = self.session
        top: list[Line] = [[("class:title", " speechdraft 挑选 "), ("", " 已看完全部选择点")], []]
        draft = s.draft
        text = (
            f"已看完全部 {len(s.steps)} 处选择（锁定 {len(s.locked)} 处）。全稿 {draft.characters} 字，"
            f"约 {speaking_minutes(draft.characters):.0f} 分钟，待补充占位 {len(draft.placeholders())} 处。"
        )
        body = [[("", line)] for line in wrap(text, width, "  ", "  ")]
        body += [[], [("class:current", "  回车：保存挑选结果并生成讲话稿")]]
        bottom = [*self._messages(width), *self._help(HELP_DONE, width)]
        return top, body, 0, bottom

    def _preview_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        s = self.session
        draft = s.draft
        here = s.paragraph_of() if s.current is not None else None
        top: list[Line] = [
            [
                ("class:title", " 预览全文 "),
                ("", f" {draft.characters} 字，约 {speaking_minutes(draft.characters):.0f} 分钟"),
            ],
            [],
        ]
        body: list[Line] = []
        focus = 0
        for i, para in enumerate(draft.paragraphs):
            marker = "▶ " if i == here else "  "
            style = "class:current" if i == here or para.kind in ("title", "heading1") else ""
            if i == here:
                focus = len(body)
            for line in wrap(para.text, width, marker, "  "):
                body.append([(style, line)])
        return top, body, focus, self._help(HELP_PREVIEW, width)


def run_picker(session: PickSession, *, input: Input | None = None, output: Output | None = None) -> bool:
    """Run the picker on `session`; True when the clerk finished, False when cancelled."""
    return PickerApp(session, input=input, output=output).run()
