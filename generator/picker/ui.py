"""The terminal picker: a prompt_toolkit screen over a `PickSession`.

All terminal code lives here; every move is a call on the session. Chinese text
is wrapped by display width (CJK = 2 columns, via prompt_toolkit's wcwidth), and
no line starts with closing punctuation. Tests drive it with
`create_pipe_input()` and `DummyOutput()` passed as `input` / `output`.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.filters import Condition
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
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

HELP_DONE = "回车 保存并生成 · ←/b 返回修改 · [ 回到上一部分 · u 撤销 · p 预览全文 · q 退出 · ? 帮助"
HELP_PREVIEW = "↑↓ 翻一行 · PgUp/PgDn/空格 翻一页 · p/q/回车 返回挑选"
HELP_TEXT = """\
挑选讲话稿的说法：每一处列出几种合适的说法，● 是稿中现用的，▶ 是光标。
每挑一处都会立即自动保存；随时按 Ctrl-C 退出，下次运行 pick 会从没挑的地方继续。

1-4          选用对应的说法，并跳到下一处还没挑的地方
↑↓ 或 j/k    移动光标；回车 选用光标处的说法
o            换一批说法（同一处有更多合适的说法时）
r            重抽本部分：没挑过、没锁定的各处换成新的说法
g            换一稿：全稿没挑过、没锁定的各处都换成新的说法
l            锁定/解锁这一处（重抽时保持不变）
u            撤销上一步（挑选、锁定、重抽都可撤销）
←/b  →/n     上一处 / 下一处
[  ]         上一部分 / 下一部分
p            预览全文
m            查看全部提示
a            其余各处照旧，保存并生成
q q          退出（已挑选的都已保存）
?            显示本帮助

用中文输入法或大写锁定时按键同样有效（１２３、】【 等会自动换算）。
任意键返回。"""

# What a key typed under a Chinese input method, with Caps Lock or as a full-width form stands for.
IME_KEYS = {"】": "]", "【": "[", "「": "[", "」": "]", "？": "?", "，": ",", "。": "."}

Line = list[tuple[str, str]]


def normalize_key(data: str) -> str:
    """`Ｑ`, `Q`, `１`, `】` -> `q`, `q`, `1`, `]`: the key a clerk meant, whatever the keyboard mode."""
    if len(data) != 1:
        return data
    key = IME_KEYS.get(data) or unicodedata.normalize("NFKC", data)
    key = IME_KEYS.get(key, key)
    return key.lower() if len(key) == 1 else data


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
        """Letters and digits go through one table (after `normalize_key`); named keys bind directly."""
        kb = KeyBindings()
        pick: dict[str, Callable[[], None]] = {
            **{str(n): functools.partial(self._choose, n) for n in range(1, 10)},
            "k": lambda: self._move(-1),
            "j": lambda: self._move(1),
            "o": self._others,
            "r": self._reroll,
            "g": self._new_draft,
            "l": self._lock,
            "u": self._undo,
            "b": lambda: self._nav(self.session.back),
            "n": lambda: self._nav(self.session.forward),
            "[": lambda: self._nav(self.session.previous_section),
            "]": lambda: self._nav(self.session.next_section),
            "p": self._preview,
            "m": self._show_messages,
            "a": self._accept_rest,
            "q": self._quit,
            "?": self._help_screen,
        }
        scroll: dict[str, Callable[[], None]] = {
            "k": lambda: self._scroll(-1),
            "j": lambda: self._scroll(1),
            " ": lambda: self._scroll(self._page()),
            "p": self._close_preview,
            "q": self._close_preview,
            "m": self._close_preview,
        }
        tables = {"pick": pick, "preview": scroll, "messages": scroll}

        def run(action: Callable[[], None]) -> None:
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

        @kb.add(Keys.Any)
        def _typed(event: KeyPressEvent) -> None:
            if self.mode == "help":
                run(self._close_preview)
                return
            key = normalize_key(event.data)
            action = tables[self.mode].get(key)
            if action is not None:
                run(action)
            elif key.isprintable() and key.strip():
                self.status = f"没有“{event.data}”这个按键，按 ? 查看全部按键"
                self.quit_armed = False

        def on(*keys: str, modes: tuple[str, ...] = ("pick",)) -> Callable[[Callable[[], None]], None]:
            def register(action: Callable[[], None]) -> None:
                active = Condition(lambda: self.mode in modes)
                for key in keys:
                    kb.add(key, filter=active)(lambda event: run(action))

            return register

        views = ("preview", "messages")
        on("up")(lambda: self._move(-1))
        on("down")(lambda: self._move(1))
        on("enter", "c-j")(self._enter)
        on("left")(lambda: self._nav(self.session.back))
        on("right")(lambda: self._nav(self.session.forward))
        on("pageup")(lambda: self._nav(self.session.previous_section))
        on("pagedown")(lambda: self._nav(self.session.next_section))
        on("up", modes=views)(lambda: self._scroll(-1))
        on("down", modes=views)(lambda: self._scroll(1))
        on("pageup", modes=views)(lambda: self._scroll(-self._page()))
        on("pagedown", modes=views)(lambda: self._scroll(self._page()))
        on("enter", "c-j", "escape", modes=views)(self._close_preview)

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
        n = len(self.session.options())
        if number > n:
            self.status = "这一处只有这一种说法，按回车保留" if n == 1 else f"这一处只有 {n} 项可选"
            return
        self.session.choose_option(number)
        self.cursor = 0
        if self.session.current is None and self.session.first_undecided() < len(self.session.steps):
            left = len(self.session.steps) - len(self.session.decided)
            self.status = f"后面各处都已挑定；前面还有 {left} 处没挑（按 [ 或 b 返回），也可以直接回车生成"

    def _undo(self) -> None:
        if self.session.undo():
            self.cursor = 0
            self.status = "已撤销上一步"
        else:
            self.status = "没有可撤销的操作"

    def _show_messages(self) -> None:
        if not self.session.messages and not self.session.summary:
            self.status = "没有提示"
            return
        self.mode = "messages"
        self.scroll = 0

    def _help_screen(self) -> None:
        self.mode = "help"

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

    def _new_draft(self) -> None:
        self.session.new_draft()
        self.cursor = 0
        self.status = "已换一稿（挑选过和锁定的各处不变，按 u 可撤销）"

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
        self.scroll = 0

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
            self.status = "再按一次 q 退出：已挑选的都已保存，这次不生成讲话稿"

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
        self._option_rows: list[int] = []
        if self.mode == "preview":
            top, body, focus, bottom = self._preview_lines(width)
        elif self.mode == "messages":
            top, body, focus, bottom = self._message_lines(width)
        elif self.mode == "help":
            top, body, focus, bottom = self._help_lines(width)
        elif self.session.current is None:
            top, body, focus, bottom = self._done_lines(width)
        else:
            top, body, focus, bottom = self._pick_lines(width)
        room = max(1, rows - len(top) - len(bottom))
        if self.mode in ("preview", "messages", "help"):
            self.scroll = min(self.scroll or 0, max(0, len(body) - room))
            start = self.scroll
        else:
            start = min(max(0, focus - 1), max(0, len(body) - room))
        shown = body[start : start + room]
        below = sum(1 for last in self._option_rows if last >= start + room - 1)
        if below and shown:
            shown[-1] = [("class:msg", f"  ↓ 还有 {below} 项（按 ↓ 查看）")]
        elif self.mode in ("preview", "messages", "help") and start + room < len(body) and shown:
            shown[-1] = [("class:msg", "  ↓ 下面还有（按 ↓ 或空格翻页）")]
        lines = top + shown + [[]] * max(0, room - len(shown)) + bottom
        out: list[tuple[str, str]] = []
        for i, line in enumerate(lines):
            if i:
                out.append(("", "\n"))
            out.extend(line)
        return out

    def _messages(self, width: int) -> list[Line]:
        """The status line, the summary, and the latest note; `m` shows them all."""
        s = self.session
        notes = [self.status] if self.status else []
        if s.summary:
            notes.append(s.summary)
        if s.messages:
            notes.append(s.messages[-1])
            if len(s.messages) > 1:
                notes.append(f"共 {len(s.messages)} 条提示，按 m 查看全部")
        return [[("class:msg", line)] for note in notes for line in wrap(note, width, "  ", "  ")]

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
        elif step.path in s.picked:
            title.append(("class:dim", " [已挑选]"))
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
            text = (f"【{opt.head}】" if opt.head else "") + opt.text + opt.further
            style = "class:cursor" if i == self.cursor else ("class:current" if opt.current else "")
            if i == self.cursor:
                focus = len(body)
            first = f"{pointer}{mark}{opt.number}. "
            for line in wrap(text, width, first, " " * display_width(first)):
                body.append([(style, line)])
            self._option_rows.append(len(body) - 1)  # an option counts as shown once its last line is
            body.append([])
        page, pages, n = s.page_info()
        if n == 1:
            info = "  这一处只有这一种合适的说法（● 为稿中现用）"
        else:
            info = f"  共 {n} 种合适的说法，第 {page}/{pages} 页（● 为稿中现用）"
        bottom: list[Line] = [
            [("class:dim", info)],
            *self._messages(width),
            *self._help(self._pick_help(len(options), pages), width),
        ]
        return top, body, focus, bottom

    def _pick_help(self, shown: int, pages: int) -> str:
        """Only the keys that do something here: no 1-4 with one option, no 换一批 with one page."""
        keys = [f"1-{shown} 或 ↑↓+回车 选用" if shown > 1 else "回车 保留"]
        if pages > 1:
            keys.append("o 换一批")
        keys += ["r 重抽本部分", "l 锁定", "u 撤销", "←→ 上/下一处", "[ ] 上/下一部分", "p 预览"]
        keys += ["a 完成", "q 退出", "? 帮助"]
        return " · ".join(keys)

    def _done_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        s = self.session
        top: list[Line] = [[("class:title", " speechdraft 挑选 "), ("", " 已看完全部各处")], []]
        draft = s.draft
        left = len(s.steps) - len(s.decided)
        text = (
            f"共 {len(s.steps)} 处：亲自挑定 {len(s.picked)} 处，锁定 {len(s.locked)} 处"
            + (f"，其余 {left} 处保留现在的说法" if left else "")
            + f"。全稿 {draft.characters} 字，约 {speaking_minutes(draft.characters):.0f} 分钟，"
            f"待补充占位 {len(draft.placeholders())} 处。"
        )
        body = [[("", line)] for line in wrap(text, width, "  ", "  ")]
        body += [[], [("class:current", "  回车：保存挑选结果并生成讲话稿")]]
        bottom = [*self._messages(width), *self._help(HELP_DONE, width)]
        return top, body, 0, bottom

    def _preview_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        """The whole draft from its title down, a blank line between paragraphs; ▶ marks where picking is."""
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
        for i, para in enumerate(draft.paragraphs):
            if body:
                body.append([])
            marker = "▶ " if i == here else "  "
            style = "class:current" if i == here or para.kind in ("title", "heading1") else ""
            for line in wrap(para.text, width, marker, "  "):
                body.append([(style, line)])
        return top, body, 0, self._help(HELP_PREVIEW, width)

    def _message_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        s = self.session
        top: list[Line] = [[("class:title", " 全部提示 "), ("", f" 共 {len(s.messages)} 条")], []]
        body: list[Line] = []
        for note in ([s.summary] if s.summary else []) + s.messages:
            body += [[("", line)] for line in wrap(note, width, "• ", "  ")]
        return top, body, 0, self._help(HELP_PREVIEW, width)

    def _help_lines(self, width: int) -> tuple[list[Line], list[Line], int, list[Line]]:
        top: list[Line] = [[("class:title", " 按键帮助 ")], []]
        body = [[("", line)] for text in HELP_TEXT.splitlines() for line in wrap(text, width, " ", "   ")]
        return top, body, 0, []


def run_picker(session: PickSession, *, input: Input | None = None, output: Output | None = None) -> bool:
    """Run the picker on `session`; True when the clerk finished, False when cancelled."""
    return PickerApp(session, input=input, output=output).run()
