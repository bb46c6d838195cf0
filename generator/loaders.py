"""Reading briefs, skeletons and the phrase bank from YAML files.

Built-in skeletons and bank ship inside the package; a user's own folders are
merged over them (an entry or skeleton with the same id replaces the built-in
one), like mimesis' data files or jinja2's ChoiceLoader.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .bank import PhraseBank
from .brief import Brief
from .cache import cached
from .draft import XML_INVALID
from .errors import UserError, UserErrors
from .skeleton import Skeleton, iter_slots
from .templating import TemplateFailure, render, syntax_message, undeclared_names
from .validation import validate
from .yamlio import MAX_INPUT_BYTES, YamlDoc, format_path, load_yaml, parse_yaml

if TYPE_CHECKING:
    from .bank_schema import BankFile

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The shipped `skeletons/` or `phrasebank/` folder, in a wheel or in the source tree."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise UserError(f"找不到内置的 {name} 目录，安装可能不完整")


def _yaml_files(folder: Path) -> list[Path]:
    """The data files in `folder`: regular files within the size limit, or an error naming the one that is not.

    Checked here, before anything reads them (the start-up cache hashes their bytes).
    """
    found = []
    for p in folder.rglob("*"):
        if p.suffix not in (".yaml", ".yml") or p.name.startswith(".") or p.is_dir():
            continue
        try:
            info = p.stat()
        except OSError as exc:
            raise UserError(f"无法读取数据文件（{exc.strerror}）", file=str(p)) from None
        if not stat.S_ISREG(info.st_mode):
            raise UserError("这不是普通文件（是管道或设备），无法作为数据文件读取", file=str(p))
        if info.st_size > MAX_INPUT_BYTES:
            raise UserError(f"数据文件过大（{info.st_size} 字节，上限 {MAX_INPUT_BYTES} 字节）", file=str(p))
        found.append(p)
    return sorted(found)


def _user_folder(folder: Path, what: str) -> Path:
    """A folder the user named: missing or not a folder is an error, never silently skipped."""
    if not folder.exists():
        raise UserError(f"找不到{what}目录", file=str(folder))
    if not folder.is_dir():
        raise UserError(f"{what}目录应为一个文件夹，这里是一个文件", file=str(folder))
    return folder


# Brief -------------------------------------------------------------------


def load_brief(path: Path, warnings: list[str] | None = None) -> Brief:
    """Load and validate a brief; control characters are dropped and reported in `warnings`."""
    return brief_from_doc(load_yaml(path, "简报文件"), warnings)


def parse_brief(text: str, source: str = "<brief>", warnings: list[str] | None = None) -> Brief:
    return brief_from_doc(parse_yaml(text, source, "简报文件"), warnings)


# Invisible characters that change how text reads without being seen: C1 controls, bidi
# embeddings/overrides/isolates and marks, zero-width spaces and joiners, word joiner, BOM.
INVISIBLE = re.compile("[\x80-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _drop_controls(data: object, doc: YamlDoc, path: tuple[str | int, ...], warnings: list[str]) -> object:
    """Remove characters Word and XML cannot hold, and invisible or direction-changing ones, saying where."""
    if isinstance(data, str):
        cleaned, n = XML_INVALID.subn("", data)
        cleaned, hidden = INVISIBLE.subn("", cleaned)
        if n or hidden:
            line, _ = doc.where(path)
            where = f"{doc.source}:{line}" if line else doc.source
            what = "、".join(
                part
                for part in (
                    f"{n} 个无法写入 Word 的控制字符" if n else "",
                    f"{hidden} 个不可见或改变文字方向的字符" if hidden else "",
                )
                if part
            )
            warnings.append(f"{where}，键 {format_path(path)}：删除了 {what}")
        return cleaned
    if isinstance(data, dict):
        return {k: _drop_controls(v, doc, (*path, str(k)), warnings) for k, v in data.items()}
    if isinstance(data, list):
        return [_drop_controls(v, doc, (*path, i), warnings) for i, v in enumerate(data)]
    return data


def brief_from_doc(doc: YamlDoc, warnings: list[str] | None = None) -> Brief:
    if not isinstance(doc.data, dict):
        raise doc.error("简报文件的顶层应为键值映射（如 meeting: …）")
    found: list[str] = []
    data = _drop_controls(doc.data, doc, (), found)
    if warnings is not None:
        warnings.extend(found)
    return validate(Brief, doc, "简报", data=data)


# Skeletons -----------------------------------------------------------------


def _check_templates(doc: YamlDoc, data: object, path: tuple[str | int, ...] = ()) -> list[UserError]:
    """Compile every string as a template; report syntax errors and unknown names with their line."""
    errors: list[UserError] = []
    if isinstance(data, str):
        if "{" in data:
            try:
                unknown = undeclared_names(data)
            except jinja2.TemplateSyntaxError as exc:
                errors.append(doc.error(syntax_message(exc), path))
            else:
                if unknown:
                    errors.append(doc.error(f"模板使用了未知的变量 {', '.join(sorted(unknown))}", path))
    elif isinstance(data, dict):
        for k, v in data.items():
            errors += _check_templates(doc, v, (*path, str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            errors += _check_templates(doc, v, (*path, i))
    return errors


def load_skeleton_file(path: Path, *, verify: bool = False) -> Skeleton:
    """One skeleton file; `verify` also renders every template in the worst-case context."""
    doc = load_yaml(path, "骨架文件", fast=True, aliases=True)
    if not isinstance(doc.data, dict):
        raise doc.error("骨架文件的顶层应为键值映射")
    errors = _check_templates(doc, doc.data)
    if errors:
        raise UserErrors(errors[:10])
    skeleton = validate(Skeleton, doc, "骨架")
    _verify(doc, verify)
    return skeleton


def load_skeletons(extra_dirs: Sequence[Path] = (), *, verify: bool = True) -> dict[str, Skeleton]:
    """Built-in skeletons, then each extra folder over them (same id replaces).

    A user's folder is `verify`-ed: its templates are rendered once in the worst-case
    context, so a broken one stops here with file, line and key instead of mid-draft.
    """
    builtin = _yaml_files(builtin_dir("skeletons"))
    own = [path for folder in extra_dirs for path in _yaml_files(_user_folder(folder, "骨架"))]

    def build() -> dict[str, Skeleton]:
        found: dict[str, Skeleton] = {}
        for path in builtin:
            skel = load_skeleton_file(path)
            found[skel.id] = skel
        for path in own:
            skel = load_skeleton_file(path, verify=verify)
            found[skel.id] = skel
        return found

    return cached("skeletons-verified" if verify and own else "skeletons", [*builtin, *own], build)


def _verify(doc: YamlDoc, verify: bool) -> None:
    if verify:
        errors = _render_all(doc, doc.data, (), worst_case_context())
        if errors:
            raise UserErrors(errors[:10])


# Bank ------------------------------------------------------------------------


def load_bank_file(path: Path, *, verify: bool = False) -> BankFile:
    """One bank file; `verify` also renders every template in the worst-case context."""
    doc = load_yaml(path, "短语库文件", fast=True, aliases=True)
    if not isinstance(doc.data, dict):
        raise doc.error("短语库文件的顶层应为键值映射（theme:、entries:）")
    errors = _check_templates(doc, doc.data)
    if errors:
        raise UserErrors(errors[:10])
    from .bank_schema import BankFile

    bank_file = validate(BankFile, doc, "短语库")
    seen: dict[str, int] = {}
    for i, entry in enumerate(bank_file.entries):
        if entry.id in seen:
            raise doc.error(
                f"条目 id {entry.id} 在本文件中重复（另见第 {seen[entry.id] + 1} 条）", ("entries", i, "id")
            )
        seen[entry.id] = i
    _verify(doc, verify)
    return bank_file


def load_bank(extra_dirs: Sequence[Path] = (), *, verify: bool = True) -> PhraseBank:
    """The built-in bank with each user folder over it; user folders are `verify`-ed (see load_skeletons)."""
    return _load_bank_cached(tuple(str(p) for p in extra_dirs), verify)


@lru_cache(maxsize=8)
def _load_bank_cached(extra_dirs: tuple[str, ...], verify: bool) -> PhraseBank:
    builtin = _yaml_files(builtin_dir("phrasebank"))
    own = [path for folder in extra_dirs for path in _yaml_files(_user_folder(Path(folder), "短语库"))]

    def build() -> PhraseBank:
        files = [(str(p), load_bank_file(p)) for p in builtin]
        files += [(str(p), load_bank_file(p, verify=verify)) for p in own]
        return PhraseBank.from_files(files)

    # A result built without the render check must not serve a later run that wants it.
    return cached("bank-verified" if verify and own else "bank", [*builtin, *own], build)


def check_skeleton_slots(skeletons: Iterable[Skeleton], bank: PhraseBank) -> list[str]:
    """Slots a skeleton names that the bank has no entry for (one message each)."""
    missing = []
    for skel in skeletons:
        for slot, _role in iter_slots(skel):
            if not bank.slot(slot):
                missing.append(f"骨架 {skel.id} 使用的槽位 {slot} 在短语库中没有条目")
    return missing


# Rendering check ---------------------------------------------------------------


def worst_case_context() -> dict[str, Any]:
    """Every template name at the longest value a valid brief can give it.

    `check` renders each template once in this context: the operation budget and the
    size limits are reached here first, so what passes `check` does not fail in `generate`.
    """
    from .brief import DOMAINS, SCOPE_WORDS, Brief
    from .compose import DOMAIN_LABELS, base_context
    from .numbering import cn_count

    def longest(field: str, model: Any = Brief) -> int:
        for meta in model.model_fields[field].metadata:
            if getattr(meta, "max_length", None):
                return int(meta.max_length)
        return 60

    from .brief import Facts, Meeting, PreviousSpeaker

    speakers = longest("previous_speakers")
    brief = Brief.model_validate(
        {
            "meeting": {"name": "会" * longest("name", Meeting)},
            "place": "地" * longest("place"),
            "year": 2050,
            "points": 4,
            "previous_speakers": [
                {"who": "人" * longest("who", PreviousSpeaker), "did": "事" * longest("did", PreviousSpeaker)}
            ]
            * speakers,
            "facts": {"programme": "程" * longest("programme", Facts)},
        }
    )
    context = base_context(brief, 4, 2050)
    for scope_words in SCOPE_WORDS.values():
        for name, word in scope_words.items():
            if len(word) > len(str(context.get(name, ""))):
                context[name] = word
    context["committee"] = "委" * max(longest("committee"), len(context["committee"]))
    most = longest("achievements", Facts)
    domain = max(DOMAINS, key=lambda d: len(DOMAIN_LABELS[d]))
    context |= {
        "kind": "述职评议会",
        "domain": domain,
        "domain_label": DOMAIN_LABELS[domain],
        "count": str(most),
        "count_cn": cn_count(most),
    }
    return context


def check_rendering(skeleton_dirs: Sequence[Path] = (), bank_dirs: Sequence[Path] = ()) -> list[UserError]:
    """Render every template string of every skeleton and bank file once, naming file, line and key."""
    context = worst_case_context()
    errors: list[UserError] = []
    folders = [
        *(
            ("骨架文件", f)
            for f in (builtin_dir("skeletons"), *(_user_folder(d, "骨架") for d in skeleton_dirs))
        ),
        *(
            ("短语库文件", f)
            for f in (builtin_dir("phrasebank"), *(_user_folder(d, "短语库") for d in bank_dirs))
        ),
    ]
    for what, folder in folders:
        for path in _yaml_files(folder):
            doc = load_yaml(path, what, fast=True, aliases=True)
            errors += _render_all(doc, doc.data, (), context)
    return errors


def _render_all(
    doc: YamlDoc, data: object, path: tuple[str | int, ...], context: dict[str, Any]
) -> list[UserError]:
    if isinstance(data, str):
        try:
            render(data, context)
        except TemplateFailure as exc:
            return [doc.error(f"模板无法渲染（{exc.message}）", path)]
        return []
    errors: list[UserError] = []
    if isinstance(data, dict):
        for k, v in data.items():
            errors += _render_all(doc, v, (*path, str(k)), context)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            errors += _render_all(doc, v, (*path, i), context)
    return errors
