"""The brief as a web form: form fields to brief data and back, errors placed next to their field.

Validation is the CLI's own (`validation.validate` over the `Brief` model), so the
page shows the very messages `generate` prints; only their placement is new.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..brief import Brief
from ..errors import UserError, UserErrors
from ..loaders import brief_from_doc
from ..yamlio import YamlDoc, decode, parse_yaml

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

FORM_SOURCE = "简报表单"
LIST_FACTS = ("achievements", "problems", "tasks", "events")
SPEAKER_COLUMNS = ("who", "did", "rank", "kind")


@dataclass
class BriefForm:
    """Values to show in the form (strings and lists of strings) and the errors per field."""

    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def empty_values() -> dict[str, Any]:
    return {
        "meeting.name": "",
        "meeting.kind": "推进会",
        "scope": "县",
        "place": "",
        "committee": "",
        "speaker": "",
        "speaker_role": "",
        "date": "",
        "year": "",
        "title": "",
        "points": "3",
        "domains": [],
        "previous_speakers": [],
        "facts.achievements": [],
        "facts.problems": [],
        "facts.tasks": [],
        "facts.events": [],
        "facts.programme": "",
        "length.unit": "",
        "length.value": "",
        "skeleton": "auto",
        "seed": "",
        "avoid": [],
    }


def values_from_brief(brief: Brief) -> dict[str, Any]:
    """The form as it shows a valid brief."""
    values = empty_values()
    values.update(
        {
            "meeting.name": brief.meeting.name,
            "meeting.kind": brief.meeting.kind,
            "scope": brief.scope,
            "place": brief.place or "",
            "committee": brief.committee or "",
            "speaker": brief.speaker or "",
            "speaker_role": brief.speaker_role or "",
            "date": brief.date.isoformat() if brief.date else "",
            "year": "" if brief.year is None else str(brief.year),
            "title": brief.title or "",
            "points": str(brief.points),
            "domains": list(brief.domains),
            "previous_speakers": [
                (p.who, p.did, p.rank or "", p.kind or "") for p in brief.previous_speakers
            ],
            "facts.programme": brief.facts.programme or "",
            "skeleton": brief.skeleton,
            "seed": "" if brief.seed is None else str(brief.seed),
            "avoid": list(brief.avoid),
        }
    )
    for name in LIST_FACTS:
        values[f"facts.{name}"] = list(getattr(brief.facts, name))
    if brief.length is not None:
        if brief.length.characters is not None:
            values["length.unit"], values["length.value"] = "characters", str(brief.length.characters)
        elif brief.length.minutes is not None:
            values["length.unit"], values["length.value"] = "minutes", f"{brief.length.minutes:g}"
    return values


def values_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The submitted fields, trimmed, in the shape the template shows."""
    values = empty_values()
    for key, default in values.items():
        if isinstance(default, str):
            values[key] = str(form.get(key, "") or "").strip()
    values["domains"] = [d.strip() for d in form.getlist("domains") if d.strip()]
    columns = [form.getlist(f"previous_speakers.{c}") for c in SPEAKER_COLUMNS]
    height = max(len(c) for c in columns)
    rows = [tuple(c[i].strip() if i < len(c) else "" for c in columns) for i in range(height)]
    values["previous_speakers"] = [r for r in rows if r[0] or r[1]]
    for name in (*(f"facts.{n}" for n in LIST_FACTS), "avoid"):
        values[name] = [s.strip() for s in form.getlist(name) if s.strip()]
    return values


def _number(text: str) -> Any:
    """Digits become numbers (as YAML would read them); anything else goes to the model as typed."""
    if re.fullmatch(r"\d{1,9}", text):
        return int(text)
    if re.fullmatch(r"\d{1,6}\.\d{1,3}", text):
        return float(text)
    return text


def data_from_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Brief data, as a brief YAML file would hold it: empty fields are left out."""
    data: dict[str, Any] = {"meeting": {"name": values["meeting.name"]}}
    if values["meeting.kind"]:
        data["meeting"]["kind"] = values["meeting.kind"]
    for key in ("scope", "place", "committee", "speaker", "speaker_role", "date", "title", "skeleton"):
        if values[key]:
            data[key] = values[key]
    for key in ("year", "points", "seed"):
        if values[key]:
            data[key] = _number(values[key])
    for key in ("domains", "avoid"):
        if values[key]:
            data[key] = list(values[key])
    if values["previous_speakers"]:
        data["previous_speakers"] = [
            {k: v for k, v in zip(SPEAKER_COLUMNS, row, strict=True) if v or k == "who"}
            for row in values["previous_speakers"]
        ]
    facts: dict[str, Any] = {n: list(values[f"facts.{n}"]) for n in LIST_FACTS if values[f"facts.{n}"]}
    if values["facts.programme"]:
        facts["programme"] = values["facts.programme"]
    if facts:
        data["facts"] = facts
    if values["length.value"]:
        unit = values["length.unit"] or "characters"
        data["length"] = {unit: _number(values["length.value"])}
    return data


def field_of(key: str | None, message: str) -> str | None:
    """The form field an error belongs to: `previous_speakers[1].who` -> `previous_speakers`."""
    if not key:
        return "year" if message.startswith("year") else None
    plain = re.sub(r"\[\d+\]", "", key)
    if plain.startswith(("previous_speakers", "length")):
        return plain.split(".", 1)[0]
    if plain in ("meeting", "facts"):
        return None
    return plain


def _row(key: str | None) -> str:
    m = re.search(r"\[(\d+)\]", key or "")
    return f"第 {int(m.group(1)) + 1} 行：" if m else ""


def place_errors(errors: Sequence[UserError], form: BriefForm, known: set[str]) -> None:
    for err in errors:
        name = field_of(err.key, err.message)
        if name in known:
            form.errors.setdefault(name, []).append(_row(err.key) + err.message)
        else:
            form.general.append(err.format())


def check_form(values: dict[str, Any]) -> tuple[BriefForm, Brief | None]:
    """Validate the form with the CLI's rules; a valid brief, or the errors by field."""
    form = BriefForm(values=values)
    try:
        brief = brief_from_doc(YamlDoc(data=data_from_values(values), source=FORM_SOURCE))
    except UserErrors as exc:
        place_errors(exc.errors, form, {*values, "length"})
        return form, None
    except UserError as exc:
        place_errors([exc], form, {*values, "length"})
        return form, None
    return form, brief


def brief_from_upload(raw: bytes, filename: str) -> Brief:
    """An uploaded brief file, read by the CLI's own safe loaders (size, encoding, YAML, model)."""
    source = safe_name(filename) or "上传的简报"
    return brief_from_doc(parse_yaml(decode(raw, source, "简报文件"), source, "简报文件"))


def safe_name(filename: str) -> str:
    """A file name fit to show and to offer for download: no folders, no odd characters."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return re.sub(r"[^\w\u4e00-\u9fff.\-（）()]", "", base)[:80]


def brief_yaml(brief: Brief) -> str:
    """The brief as a YAML file `speechdraft generate` reads: only what the clerk set."""
    data = data_from_values(values_from_brief(brief))
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return "# speechdraft 简报（由网页界面保存，speechdraft generate 可直接读取）\n" + body
