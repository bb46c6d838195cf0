"""`speechdraft serve` driven in headless Chromium (Playwright with Debian's chromium package).

The real server (waitress) runs in a thread on 127.0.0.1; every request the page
makes is intercepted, and one that would leave 127.0.0.1 fails the test. Skipped
when chromium or playwright is missing, unless SPEECHDRAFT_REQUIRE_CHROMIUM is set
(CI installs chromium with .ci/install-chromium.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.web.app import create_app
from generator.web.state import Workspace

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRED = bool(os.environ.get("SPEECHDRAFT_REQUIRE_CHROMIUM"))

if not REQUIRED:
    pytest.importorskip("playwright.sync_api", reason="playwright (a test extra) drives the browser")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(library, tmp_path_factory) -> Iterator[str]:
    import waitress

    port = free_port()
    workspace = Workspace(library, tmp_path_factory.mktemp("data") / "web")
    app = create_app(workspace, host="127.0.0.1", port=port)
    srv = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    srv.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN", accept_downloads=True, viewport={"width": 1366, "height": 768}
    )
    outside: list[str] = []
    dialogs: list[str] = []

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    pg = context.new_page()
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(server)
    yield pg
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert dialogs == [], f"the page ran a script from the brief: {dialogs}"


def fill_brief(page: Page, **fields: str) -> None:
    values = {"会议名称": "基层党建工作推进会", "地名": "青山县", "日期": "2026-04-16", "种子": "7", **fields}
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    with page.expect_response(lambda r: r.url.endswith("/brief") and r.request.method == "POST"):
        page.get_by_role("button", name="生成讲话稿", exact=True).click()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def download(page: Page, trigger: Any, folder: Path, name: str) -> Path:
    with page.expect_download() as info:
        trigger.click()
    target = folder / name
    info.value.save_as(target)
    return target


def test_brief_to_picked_word_file_and_back_through_the_cli(page, tmp_path):
    fill_brief(page)
    expect(page.locator("#draft")).to_contain_text("同志们：")
    expect(page.locator("#count-seed")).to_have_text("7")
    expect(page.locator("#checks")).to_contain_text("检查：")

    part = page.locator(".paper .k-body [data-path]").first
    path = part.get_attribute("data-path")
    before = part.inner_text()
    part.click()
    options = page.locator("#panel [data-variant]")
    expect(options.first).to_be_visible()
    expect(page.locator('#panel [data-variant][aria-current="true"]')).to_have_count(1)
    other = page.locator('#panel [data-variant]:not([aria-current="true"])').first
    variant = other.get_attribute("data-variant")
    other.click()
    chosen = page.locator(f'#panel [data-variant="{variant}"]')
    expect(chosen).to_have_attribute("aria-current", "true")
    part = page.locator(f'.paper [data-path="{path}"]')
    after = part.inner_text()
    assert after != before and squash(after) in squash(chosen.inner_text())

    page.reload()
    expect(page.locator(f'.paper [data-path="{path}"]')).to_have_text(after)

    docx_path = download(page, page.get_by_role("button", name="下载 Word", exact=True), tmp_path, "稿.docx")
    import docx

    words = squash("".join(p.text for p in docx.Document(str(docx_path)).paragraphs))
    assert squash(after) in words

    txt = download(page, page.get_by_role("link", name="下载 .txt"), tmp_path, "稿.txt")
    download(page, page.get_by_role("link", name="保存简报").last, tmp_path, "会议.yaml")
    download(page, page.get_by_role("link", name="下载挑选结果"), tmp_path, "会议.answers.yaml")
    out = tmp_path / "复现.txt"
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "会议.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == txt.read_text("utf-8")
    assert squash(after) in squash(out.read_text("utf-8"))


def test_invalid_date_shows_the_chinese_error_next_to_the_field(page):
    fill_brief(page, 日期="2026-02-30")
    field = page.locator(".field", has=page.get_by_label("日期", exact=True))
    expect(field.locator(".field-error")).to_contain_text("日期不存在：2026-02-30")
    expect(page.get_by_label("日期", exact=True)).to_have_attribute("aria-invalid", "true")


def test_a_script_in_the_place_name_shows_as_text(page):
    evil = "<img src=x onerror=alert(1)>"
    fill_brief(page, 地名=evil, 会议名称="基层党建工作推进会")
    expect(page.locator("#draft")).to_contain_text("同志们：")
    expect(page.get_by_label("地名", exact=True)).to_have_value(evil)
    assert page.locator("#work img").count() == 0


def test_lock_reroll_new_draft_and_undo_from_the_page(page):
    fill_brief(page)
    expect(page.locator("#draft")).to_contain_text("同志们：")
    heading = page.locator('.paper [data-path="point1.heading"]')
    locked_text = heading.inner_text()
    heading.click()
    page.locator("#panel").get_by_role("button", name="锁定", exact=True).click()
    expect(page.locator('.paper [data-path="point1.heading"]')).to_have_class(re.compile(r"\blocked\b"))
    seed = page.locator("#count-seed").inner_text()
    page.get_by_role("button", name="换一稿", exact=True).click()
    expect(page.locator("#count-seed")).not_to_have_text(seed)
    expect(page.locator('.paper [data-path="point1.heading"]')).to_have_text(locked_text)
    page.get_by_role("button", name="撤销", exact=True).click()
    expect(page.locator("#count-seed")).to_have_text(seed)
