"""`speechdraft serve`: every route through Flask's test client, the guards, uploads and the command.

The app drives a real `PickSession` over the real library; state goes to a
temporary data folder (SPEECHDRAFT_DATA_DIR), as a restarted server would find it.
"""

from __future__ import annotations

import io
import re
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from markupsafe import escape

from generator.brief import Brief
from generator.cli import main
from generator.web import view
from generator.web.app import create_app
from generator.web.state import Workspace, state_folder

BASE = "http://127.0.0.1:8765"
HX = {"HX-Request": "true"}

FORM: dict[str, Any] = {
    "meeting.name": "基层党建工作推进会",
    "meeting.kind": "推进会",
    "scope": "县",
    "place": "青山县",
    "speaker": "县委常委、组织部部长 XXX",
    "date": "2026-04-16",
    "points": "3",
    "domains": ["农村", "社区"],
    "previous_speakers.who": ["县委副书记XXX同志", ""],
    "previous_speakers.did": ["通报了一季度全县基层党建工作情况", ""],
    "previous_speakers.rank": ["", ""],
    "previous_speakers.kind": ["", ""],
    "facts.achievements": ["全县村级党组织书记全部完成轮训", ""],
    "facts.problems": [""],
    "facts.tasks": [""],
    "facts.events": [""],
    "facts.programme": "“红色领航”工程",
    "length.unit": "characters",
    "length.value": "",
    "skeleton": "auto",
    "seed": "7",
}


class Page:
    """A test client that talks to 127.0.0.1:8765 and carries the page's CSRF token."""

    def __init__(self, workspace: Workspace, host: str = "127.0.0.1", port: int = 8765) -> None:
        self.workspace = workspace
        self.app = create_app(workspace, host=host, port=port)
        self.client = self.app.test_client()
        self.token = workspace.secret()

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, base_url=kw.pop("base_url", BASE), **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if csrf:
            headers["X-CSRF-Token"] = self.token
        return self.client.post(
            url, data=data or {}, headers=headers, base_url=kw.pop("base_url", BASE), **kw
        )

    def generate(self, **changes: Any) -> Any:
        return self.post("/brief", {**FORM, **changes}, headers=HX)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SPEECHDRAFT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def page(library, data_dir) -> Page:
    return Page(Workspace(library, state_folder()))


@pytest.fixture
def drafted(page) -> Page:
    response = page.generate()
    assert response.status_code == 200, response.text
    return page


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    """The words of a page, without tags (placeholders are wrapped in <mark>)."""
    return re.sub(r"<[^>]+>", "", html)


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]*)</p>', html))


def brief_field_names(model: type = Brief, prefix: str = "") -> list[str]:
    """Every leaf field of the brief model, dotted (meeting.name, previous_speakers.who, …)."""
    names = []
    for name, info in model.model_fields.items():
        inner = getattr(info.annotation, "__args__", (info.annotation,))
        sub = next((a for a in inner if isinstance(a, type) and hasattr(a, "model_fields")), None)
        if sub is None and inner and hasattr(inner[0], "__args__"):  # list[Model]
            sub = next((a for a in inner[0].__args__ if hasattr(a, "model_fields")), None)
        names += brief_field_names(sub, f"{prefix}{name}.") if sub else [prefix + name]
    return names


# The page and the form --------------------------------------------------------------


def test_page_has_every_brief_field_with_its_label(page):
    html = text(page.get("/"))
    for label in ("会议名称", "会议类型", "范围", "地名", "党委名称", "讲话人", "日期", "年份", "讲几点意见"):
        assert f">{label}</" in html, label
    for label in (
        "重点领域",
        "前面讲话的同志",
        "成绩",
        "问题",
        "任务",
        "品牌工程",
        "篇幅",
        "骨架",
        "种子",
        "自定标题",
    ):
        assert f">{label}</" in html, label
    assert ">生成讲话稿</button>" in html
    form_names = set(re.findall(r'name="([^"]+)"', html))
    for field in brief_field_names():
        wanted = {"length.characters": "length.value", "length.minutes": "length.unit"}.get(field, field)
        assert wanted in form_names, f"brief field {field} has no form field"


def test_the_form_and_the_saved_yaml_round_trip_every_brief_field():
    from generator.loaders import parse_brief
    from generator.web.forms import brief_yaml, check_form, values_from_brief

    data = {
        "meeting": {"name": "全市组织工作会议", "kind": "工作会"},
        "scope": "市",
        "place": "青山市",
        "committee": "市委",
        "speaker": "市委常委、组织部部长 XXX",
        "speaker_role": "组织部长",
        "date": "2026-03-02",
        "year": 2026,
        "points": 4,
        "domains": ["农村", "学校"],
        "previous_speakers": [
            {"who": "市委副书记XXX同志", "did": "作了讲话", "rank": "上级", "kind": "讲话"}
        ],
        "facts": {
            "achievements": ["甲"],
            "problems": ["乙"],
            "programme": "“丙”工程",
            "tasks": ["丁"],
            "events": ["戊"],
        },
        "length": {"minutes": 30},
        "seed": 42,
        "skeleton": "sidian-yijian",
        "title": "在全市组织工作会议上的讲话",
        "avoid": ["往年/2025.docx"],
    }
    brief = Brief.model_validate(data)
    given: set[str] = set()

    def walk(d: dict[str, Any], prefix: str = "") -> None:
        for k, v in d.items():
            if isinstance(v, dict) or k == "previous_speakers":
                walk(v if isinstance(v, dict) else v[0], f"{prefix}{k}.")
            else:
                given.add(prefix + k)

    walk(data)
    assert set(brief_field_names()) - given == {"length.characters"}  # minutes stands for the pair
    form, again = check_form(values_from_brief(brief))
    assert form.ok and again == brief
    assert parse_brief(brief_yaml(brief)) == brief


def test_generate_shows_the_draft_with_counts_and_saves_state(drafted, data_dir):
    html = text(drafted.get("/"))
    assert "同志们：" in html
    counts = view.counts(drafted.workspace.session)
    assert f'id="count-characters">{counts.characters}<' in html
    assert f"约 {counts.minutes} 分钟" in html
    assert f'id="count-holes">{counts.holes} 处<' in html
    assert 'id="count-seed">7<' in html
    checks = text(drafted.get("/checks", headers=HX))
    assert checks == f'<span id="checks">{view.checks(drafted.workspace.session)}</span>'
    assert checks.startswith('<span id="checks">检查：')
    paths = re.findall(r'data-path="([^"]+)"', html)
    assert set(paths) == {s.path for s in drafted.workspace.session.steps}
    saved = yaml.safe_load((data_dir / "web" / "brief.yaml").read_text("utf-8"))
    assert saved["place"] == "青山县" and saved["facts"]["achievements"] == ["全县村级党组织书记全部完成轮训"]
    assert (data_dir / "web" / "brief.answers.yaml").is_file()


def test_placeholders_are_highlighted(drafted):
    html = text(drafted.get("/"))
    holes = re.findall(r'<mark class="hole">([^<]+)</mark>', html)
    assert holes and all(re.search(r"X|此处|某", h) for h in holes)


def test_invalid_date_shows_the_cli_message_next_to_the_field(page):
    html = text(page.generate(date="2026-02-30"))
    assert field_errors(html)["date"].startswith("日期不存在：2026-02-30")
    html = text(page.generate(date="下周三"))
    assert field_errors(html)["date"].startswith("日期格式应为 YYYY-MM-DD")
    assert 'id="f-date" name="date" value="下周三"' in html  # what the clerk typed stays
    assert page.workspace.session is None


def test_errors_land_on_their_fields(page):
    html = text(page.generate(**{"meeting.name": "", "seed": "abc", "length.value": "100"}))
    errors = field_errors(html)
    assert "至少 2 个字" in errors["meeting-name"]
    assert "应为整数" in errors["seed"]
    assert "≥ 800" in errors["length"]
    html = text(page.generate(year="2025"))
    assert "year 2025 与 date 的年份 2026 不一致" in field_errors(html)["year"]
    html = text(page.generate(**{"previous_speakers.who": ["", ""], "previous_speakers.did": ["讲了话", ""]}))
    assert field_errors(html)["previous_speakers"].startswith("第 1 行：不能为空")


def test_a_skeleton_that_does_not_fit_is_reported_at_the_skeleton(drafted):
    before = drafted.workspace.session.draft.full_text()
    html = text(drafted.generate(skeleton="sidian-yijian"))
    assert "不适合这份简报" in field_errors(html)["skeleton"]
    assert drafted.workspace.session.draft.full_text() == before
    assert drafted.workspace.brief is not None and drafted.workspace.brief.skeleton == "auto"


def test_plain_form_post_redirects_or_shows_errors(page):
    response = page.post("/brief", FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/#draft")
    response = page.post("/brief", {**FORM, "date": "2026-13-01"})
    assert response.status_code == 400 and "日期不存在" in text(response)


def test_place_name_is_escaped_everywhere(page):
    evil = "<img src=x onerror=alert(1)>"
    html = text(page.generate(place=evil, title=f"标题{evil}"))
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_changing_the_brief_keeps_picks_that_still_fit(drafted):
    session = drafted.workspace.session
    path = session.steps[0].path
    other = session.candidates(path)[1].id
    drafted.post("/choose", {"path": path, "variant": other}, headers=HX)
    drafted.generate(speaker="县委书记 XXX")
    assert drafted.workspace.session.choices[path] == other


# Picking ------------------------------------------------------------------------------


def test_slot_lists_alternatives_with_the_current_one_marked(drafted):
    session = drafted.workspace.session
    path = session.steps[0].path
    html = text(drafted.get(f"/slot?path={path}", headers=HX))
    variants = re.findall(r'data-variant="([^"]+)"', html)
    current = re.findall(r'data-variant="([^"]+)" aria-current="true"', html)
    assert len(variants) >= 2 and current == [session.choices[path]]
    assert session.label(path) in html
    assert "锁定" in html and "重抽本部分" in html


def test_slot_shows_the_current_paragraph_as_the_draft_has_it(drafted):
    """The current wording comes with the further sentences that follow it in the draft; the others
    say that some of their own will come with them."""
    session = drafted.workspace.session
    path, further = next(
        (s.path, o.further) for s in session.steps if (o := session.options(s.path)[0]).further
    )
    html = text(drafted.get(f"/slot?path={path}", headers=HX))
    assert f'<span class="further">{escape(further)}</span>' in html
    assert "换入后另附本条的几句补充" in html


def test_unknown_slot_is_refused_in_chinese(drafted):
    response = drafted.get("/slot?path=point9.heading", headers=HX)
    assert response.status_code == 400 and "没有这一处" in text(response)


def test_more_pages_through_the_candidates(drafted):
    session = drafted.workspace.session
    path = next(s.path for s in session.steps if session.page_info(s.path)[1] > 1)
    first = re.findall(r'data-variant="([^"]+)"', text(drafted.get(f"/slot?path={path}", headers=HX)))
    second = re.findall(
        r'data-variant="([^"]+)"', text(drafted.post("/slot/more", {"path": path}, headers=HX))
    )
    assert first[0] == second[0] and first[1:] != second[1:]


def test_choose_swaps_the_words_at_once_and_is_saved(drafted, data_dir):
    session = drafted.workspace.session
    path = session.steps[1].path
    option = session.options(path)[1]
    response = drafted.post("/choose", {"path": path, "variant": option.candidate.id}, headers=HX)
    html = text(response)
    assert response.status_code == 200
    assert option.text in plain(html)
    assert re.search(rf'data-variant="{re.escape(option.candidate.id)}" aria-current="true"', html)
    saved = yaml.safe_load((data_dir / "web" / "brief.answers.yaml").read_text("utf-8"))
    assert saved["choices"][path] == option.candidate.id
    assert path in saved.get("picked", [path])


def test_choose_refuses_a_variant_that_does_not_fit(drafted):
    path = drafted.workspace.session.steps[0].path
    response = drafted.post("/choose", {"path": path, "variant": "nope/nope"}, headers=HX)
    assert response.status_code == 400 and "不能用在这里" in text(response)


def test_lock_reroll_new_draft_and_undo(drafted, data_dir):
    session = drafted.workspace.session
    section = "point1"
    steps = [s.path for s in session.steps if s.section == section]
    kept = steps[0]
    before = dict(session.choices)
    drafted.post("/lock", {"path": kept}, headers=HX)
    assert kept in yaml.safe_load((data_dir / "web" / "brief.answers.yaml").read_text("utf-8"))["locked"]
    response = drafted.post("/reroll", {"section": section}, headers=HX)
    assert response.status_code == 200
    after = drafted.workspace.session.choices
    assert after[kept] == before[kept]
    assert any(after.get(p) != before[p] for p in steps[1:])
    assert all(after[p] == before[p] for p in before if not p.startswith(section))
    assert drafted.post("/undo", headers=HX).status_code == 200
    assert drafted.workspace.session.choices == before
    seed = drafted.workspace.session.seed
    response = drafted.post("/new", headers=HX)
    assert response.status_code == 200 and drafted.workspace.session.seed != seed
    assert drafted.workspace.session.choices[kept] == before[kept]
    assert f'id="count-seed">{drafted.workspace.session.seed}<' in text(response)


def test_reroll_of_an_unknown_section_and_undo_with_nothing_to_undo(drafted):
    response = drafted.post("/reroll", {"section": "point9"}, headers=HX)
    assert response.status_code == 400 and "没有这一部分" in text(response)
    response = drafted.post("/undo", headers=HX)
    assert response.status_code == 400 and "没有可以撤销的操作" in text(response)


def test_draft_moves_without_a_draft_say_so(page):
    for url in ("/new", "/undo", "/lock", "/choose"):
        response = page.post(url, {"path": "opening.0"}, headers=HX)
        assert response.status_code == 400 and "还没有讲话稿" in text(response), url
    assert "还没有讲话稿" in text(page.get("/download/draft.txt"))
    assert "还没有讲话稿" in text(page.get("/checks", headers=HX))


def test_plain_posts_redirect_back_to_the_page(drafted):
    response = drafted.post("/lock", {"path": drafted.workspace.session.steps[0].path})
    assert response.status_code == 303


# State on disk -------------------------------------------------------------------------


def test_a_restarted_server_brings_back_brief_picks_and_locks(drafted, library):
    session = drafted.workspace.session
    path = session.steps[2].path
    option = session.options(path)[1].candidate.id
    drafted.post("/choose", {"path": path, "variant": option}, headers=HX)
    drafted.post("/lock", {"path": session.steps[0].path}, headers=HX)
    before = drafted.workspace.session.draft.full_text()
    again = Workspace(library, state_folder())
    again.restore()
    assert again.session is not None
    assert again.session.draft.full_text() == before
    assert again.session.choices[path] == option
    assert session.steps[0].path in again.session.locked
    assert 'value="青山县"' in text(Page(again).get("/"))


def test_damaged_saved_state_is_reported_not_fatal(library, data_dir):
    (data_dir / "web").mkdir(parents=True)
    (data_dir / "web" / "brief.yaml").write_text("meeting: [unclosed\n", "utf-8")
    workspace = Workspace(library, state_folder())
    workspace.restore()
    assert workspace.session is None
    assert "上次保存的工作无法读取" in text(Page(workspace).get("/"))


# Downloads -------------------------------------------------------------------------------


def test_text_markdown_and_word_downloads(drafted):
    txt = drafted.get("/download/draft.txt")
    assert txt.status_code == 200 and "同志们：" in text(txt)
    assert "attachment" in txt.headers["Content-Disposition"]
    md = drafted.get("/download/draft.md")
    assert md.status_code == 200 and "同志们：" in text(md)
    for response in (drafted.get("/download/draft.docx"), drafted.post("/download/draft.docx")):
        assert response.status_code == 200
        body = zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml").decode("utf-8")
        assert "同志们：" in body


def test_word_download_with_a_reference_template(drafted):
    template = drafted.get("/download/draft.docx").data
    response = drafted.post("/download/draft.docx", {"reference": (io.BytesIO(template), "本单位.docx")})
    assert response.status_code == 200 and zipfile.is_zipfile(io.BytesIO(response.data))
    response = drafted.post("/download/draft.docx", {"reference": (io.BytesIO(b"not a docx"), "坏.docx")})
    assert response.status_code == 400 and "不是有效的 .docx" in text(response)
    assert "Traceback" not in text(response)


def test_answers_and_brief_reproduce_the_draft_through_the_cli(drafted, tmp_path):
    session = drafted.workspace.session
    path = session.steps[3].path
    drafted.post("/choose", {"path": path, "variant": session.options(path)[1].candidate.id}, headers=HX)
    brief = drafted.get("/download/brief.yaml")
    answers = drafted.get("/download/answers.yaml")
    assert quote("基层党建工作推进会.answers.yaml") in answers.headers["Content-Disposition"]
    (tmp_path / "会议.yaml").write_bytes(brief.data)
    (tmp_path / "会议.answers.yaml").write_bytes(answers.data)
    out = tmp_path / "稿.txt"
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "会议.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == text(drafted.get("/download/draft.txt"))
    assert view.checks(drafted.workspace.session) in result.output  # the same check line as generate


# Uploads ------------------------------------------------------------------------------------


def upload(page: Page, raw: bytes, name: str) -> Any:
    return page.post("/brief/open", {"file": (io.BytesIO(raw), name)}, content_type="multipart/form-data")


def test_open_a_brief_file(page):
    response = upload(page, (ROOT / "examples" / "county-push.yaml").read_bytes(), "county-push.yaml")
    assert response.status_code == 303
    html = text(page.get("/"))
    assert "已打开简报 county-push.yaml" in html and "同志们：" in html


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"meeting: {name: [broken\n", "坏.yaml", "YAML 语法错误"),
        (b"meeting:\n  name: x\nplaec: 1\n", "错键.yaml", "未知的键"),
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01\x00\x00",
            "文档.yaml",
            "不是 UTF-8",
        ),
        (b"", "空.yaml", "简报文件是空的"),
    ],
)
def test_bad_brief_uploads_get_one_chinese_line(page, raw, name, message):
    response = upload(page, raw, name)
    assert response.status_code == 400
    assert message in text(response) and "Traceback" not in text(response)


def test_a_real_docx_renamed_yaml_is_refused(drafted):
    docx = drafted.get("/download/draft.docx").data
    response = upload(drafted, docx, "简报.yaml")
    assert response.status_code == 400 and "简报文件" in text(response)


def test_a_10_mb_upload_is_refused(page):
    response = upload(page, b"a: b\n" * (2 * 1024 * 1024), "大.yaml")
    assert response.status_code == 413 and "上传的文件过大" in text(response)


def test_upload_without_a_file(page):
    response = page.post("/brief/open", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择一个简报文件" in text(response)


# Guards ---------------------------------------------------------------------------------------


def test_wrong_host_header_is_refused(page):
    for base in ("http://evil.example:8765", "http://127.0.0.1:9999", "http://attacker.test"):
        response = page.get("/", base_url=base)
        assert response.status_code == 400 and "地址与服务地址不符" in text(response)
    assert page.get("/", base_url="http://localhost:8765").status_code == 200


def test_shared_server_answers_to_ip_addresses_not_to_other_names(library, data_dir):
    page = Page(Workspace(library, state_folder()), host="0.0.0.0", port=8765)
    assert page.get("/", base_url="http://192.168.1.20:8765").status_code == 200
    assert page.get("/", base_url="http://rebind.example:8765").status_code == 400


def test_state_changes_need_the_csrf_token(drafted):
    path = drafted.workspace.session.steps[0].path
    for token in (None, "forged"):
        headers = {**HX, **({"X-CSRF-Token": token} if token else {})}
        response = drafted.post("/lock", {"path": path}, csrf=False, headers=headers)
        assert response.status_code == 403 and "页面已过期" in text(response)
    assert path not in drafted.workspace.session.locked
    response = drafted.post("/lock", {"path": path, "csrf_token": drafted.token}, csrf=False)
    assert response.status_code == 303 and path in drafted.workspace.session.locked


def test_state_changes_refuse_get(page):
    for url in ("/brief", "/choose", "/lock", "/reroll", "/new", "/undo", "/brief/open"):
        response = page.get(url)
        assert response.status_code == 405 and "不支持这种请求方式" in text(response), url


def test_security_headers_and_no_outside_assets(page):
    response = page.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = text(response)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    for asset in ("/static/htmx.min.js", "/static/app.js", "/static/style.css"):
        assert page.get(asset).status_code == 200, asset
    css = text(page.get("/static/style.css"))
    assert re.search(r'--official: "仿宋_GB2312", "仿宋", FangSong', css)
    assert "htmx.min.js" in html and "unpkg" not in html


def test_unknown_page_and_unexpected_errors_are_chinese(drafted, monkeypatch):
    response = drafted.get("/nothing-here")
    assert response.status_code == 404 and "没有这个页面" in text(response)

    def boom(*_: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(view, "counts", boom)
    response = drafted.get("/")
    assert response.status_code == 500
    assert "出现了意外错误" in text(response)
    assert "secret internals" not in text(response) and "Traceback" not in text(response)


# The command -----------------------------------------------------------------------------------


class FakeServer:
    def __init__(self, app: Any, **kw: Any) -> None:
        self.app, self.kw = app, kw

    def run(self) -> None:
        FakeServer.last = self
        raise KeyboardInterrupt

    def close(self) -> None:
        pass


def test_serve_prints_the_address_and_how_to_quit(monkeypatch, data_dir):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", "8799"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8799/" in result.output and "按 Ctrl-C 退出" in result.output
    assert FakeServer.last.kw == {"host": "127.0.0.1", "port": 8799, "threads": 4, "ident": "speechdraft"}
    assert "局域网" not in result.output


def test_serve_on_all_addresses_warns(monkeypatch, data_dir):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    result = CliRunner().invoke(main, ["serve", "--no-browser", "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert "警告：已向局域网开放" in result.output


def test_serve_with_a_brief_opens_it_and_its_answers(monkeypatch, data_dir, tmp_path, library):
    import waitress

    from generator.answers import save_answers
    from generator.api import complete_brief
    from generator.loaders import load_brief
    from generator.picker.session import PickSession

    brief_path = tmp_path / "county.yaml"
    brief_path.write_bytes((ROOT / "examples" / "county-push.yaml").read_bytes())
    session = PickSession(complete_brief(load_brief(brief_path)), library, 11)
    path = session.steps[0].path
    session.choose(path, session.candidates(path)[1].id)
    save_answers(tmp_path / "county.answers.yaml", session.to_answers(), "county.yaml")
    monkeypatch.setattr(waitress, "create_server", FakeServer)
    result = CliRunner().invoke(main, ["serve", str(brief_path), "--no-browser"])
    assert result.exit_code == 0, result.output
    assert "已打开简报" in result.output and "挑选结果" in result.output
    restored = Workspace(library, state_folder())
    restored.restore()
    assert restored.session is not None
    assert restored.session.draft.full_text() == session.draft.full_text()


def test_serve_reports_a_busy_port(data_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 1
    assert "无法在 127.0.0.1" in result.output and "--port" in result.output


def test_serve_with_a_bad_brief_is_one_line(data_dir, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meeting: {name: x}\ndate: 2026-02-30\n", "utf-8")
    result = CliRunner().invoke(main, ["serve", str(bad), "--no-browser"])
    assert result.exit_code == 1 and "日期不存在" in result.output and "Traceback" not in result.output


def test_other_commands_do_not_load_the_web_stack():
    code = (
        "import sys; from click.testing import CliRunner; from generator.cli import main;"
        "r = CliRunner().invoke(main, ['skeletons']); assert r.exit_code == 0, r.output;"
        "bad = [m for m in ('flask', 'waitress', 'werkzeug') if m in sys.modules]; assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_every_sentence_of_the_draft_belongs_to_a_choice(library, example_briefs):
    """A paragraph's further sentences (an entry's `more`) belong to the choice they follow, so a
    click on any sentence of the body lists its alternatives."""
    from generator.compose import sentences
    from generator.picker.session import PickSession

    for seed in range(3):
        session = PickSession(example_briefs["county-push"], library, seed)
        for para in view.paragraphs(session):
            if not para.paragraph.paths:
                continue
            loose = "".join(piece.text for piece in para.pieces if piece.path is None)
            facts = (*session.brief.facts.achievements, *session.brief.facts.problems)
            stray = [s for s in sentences(loose) if len(s) > 8 and not any(f in s for f in facts)]
            assert not stray, (seed, stray)  # the clerk's own facts are no choice: they stay loose
