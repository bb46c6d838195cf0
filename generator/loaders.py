"""Reading briefs, skeletons and the phrase bank from YAML files.

Built-in skeletons and bank ship inside the package; a user's own folders are
merged over them (an entry or skeleton with the same id replaces the built-in
one), like mimesis' data files or jinja2's ChoiceLoader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from .bank import BankFile, PhraseBank
from .brief import Brief
from .cache import cached
from .draft import XML_INVALID
from .errors import UserError, UserErrors
from .skeleton import Skeleton, iter_slots
from .templating import undeclared_names
from .validation import validate
from .yamlio import YamlDoc, format_path, load_yaml, parse_yaml

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The shipped `skeletons/` or `phrasebank/` folder, in a wheel or in the source tree."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise UserError(f"找不到内置的 {name} 目录，安装可能不完整")


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
    )


# Brief -------------------------------------------------------------------


def load_brief(path: Path, warnings: list[str] | None = None) -> Brief:
    """Load and validate a brief; control characters are dropped and reported in `warnings`."""
    return brief_from_doc(load_yaml(path, "简报文件"), warnings)


def parse_brief(text: str, source: str = "<brief>", warnings: list[str] | None = None) -> Brief:
    return brief_from_doc(parse_yaml(text, source, "简报文件"), warnings)


def _drop_controls(data: object, doc: YamlDoc, path: tuple[str | int, ...], warnings: list[str]) -> object:
    """Remove characters Word and XML cannot hold, saying where they were."""
    if isinstance(data, str):
        cleaned, n = XML_INVALID.subn("", data)
        if n:
            line, _ = doc.where(path)
            where = f"{doc.source}:{line}" if line else doc.source
            warnings.append(f"{where}，键 {format_path(path)}：删除了 {n} 个无法写入 Word 的控制字符")
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
                errors.append(doc.error(f"模板语法错误（{exc.message}）", path))
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


def load_skeleton_file(path: Path) -> Skeleton:
    doc = load_yaml(path, "骨架文件", fast=True)
    if not isinstance(doc.data, dict):
        raise doc.error("骨架文件的顶层应为键值映射")
    errors = _check_templates(doc, doc.data)
    if errors:
        raise UserErrors(errors[:10])
    return validate(Skeleton, doc, "骨架")


def load_skeletons(extra_dirs: Sequence[Path] = ()) -> dict[str, Skeleton]:
    """Built-in skeletons, then each extra folder over them (same id replaces)."""
    paths = [path for folder in (builtin_dir("skeletons"), *extra_dirs) for path in _yaml_files(folder)]

    def build() -> dict[str, Skeleton]:
        found: dict[str, Skeleton] = {}
        for path in paths:
            skel = load_skeleton_file(path)
            found[skel.id] = skel
        return found

    return cached("skeletons", paths, build)


# Bank ------------------------------------------------------------------------


def load_bank_file(path: Path) -> BankFile:
    doc = load_yaml(path, "短语库文件", fast=True)
    if not isinstance(doc.data, dict):
        raise doc.error("短语库文件的顶层应为键值映射（theme:、entries:）")
    errors = _check_templates(doc, doc.data)
    if errors:
        raise UserErrors(errors[:10])
    bank_file = validate(BankFile, doc, "短语库")
    seen: dict[str, int] = {}
    for i, entry in enumerate(bank_file.entries):
        if entry.id in seen:
            raise doc.error(
                f"条目 id {entry.id} 在本文件中重复（另见第 {seen[entry.id] + 1} 条）", ("entries", i, "id")
            )
        seen[entry.id] = i
    return bank_file


def load_bank(extra_dirs: Sequence[Path] = ()) -> PhraseBank:
    return _load_bank_cached(tuple(str(p) for p in extra_dirs))


@lru_cache(maxsize=8)
def _load_bank_cached(extra_dirs: tuple[str, ...]) -> PhraseBank:
    paths = [
        path for folder in (builtin_dir("phrasebank"), *map(Path, extra_dirs)) for path in _yaml_files(folder)
    ]
    return cached("bank", paths, lambda: PhraseBank.from_files([(str(p), load_bank_file(p)) for p in paths]))


def check_skeleton_slots(skeletons: Iterable[Skeleton], bank: PhraseBank) -> list[str]:
    """Slots a skeleton names that the bank has no entry for (one message each)."""
    missing = []
    for skel in skeletons:
        for slot, _role in iter_slots(skel):
            if not bank.slot(slot):
                missing.append(f"骨架 {skel.id} 使用的槽位 {slot} 在短语库中没有条目")
    return missing
