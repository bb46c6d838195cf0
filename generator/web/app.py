"""The Flask app: routes that turn requests into `Workspace`/`PickSession` moves and render the page.

Guards, in order, on every request: the Host header must name this server (DNS
rebinding), and a state-changing request must be POST with the page's CSRF token.
No route takes a path on disk from the request; uploads are read in memory with
the CLI's loaders. Every error is a short Chinese message, never a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import socket
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

from flask import Flask, Response, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from ..answers import dump_answers, section_label
from ..brief import DOMAINS, MEETING_KINDS, SCOPES, DidKind, Relation, Role
from ..draft import Draft
from ..errors import UserError
from . import view
from .forms import brief_from_upload, brief_yaml, check_form, place_errors, safe_name, values_from_form
from .state import Workspace

# A Word template with a logo fits; briefs are held to 2 MB by the CLI's loader.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LOG = logging.getLogger("speechdraft.web")

HTTP_MESSAGES = {
    400: "请求无效",
    403: "页面已过期或来源不明，请刷新页面后再试",
    404: "没有这个页面",
    405: "不支持这种请求方式",
    413: f"上传的文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）",
}


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host headers this server answers to; for 0.0.0.0 any IP literal or this machine's names."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    elif host in ("0.0.0.0", "::"):
        names |= {"127.0.0.1", "localhost", "[::1]", socket.gethostname().lower(), socket.getfqdn().lower()}
    return {f"{n}:{port}" for n in names} | ({*names} if port == 80 else set())


def _is_ip_literal(hostport: str) -> bool:
    host = hostport[1 : hostport.find("]")] if hostport.startswith("[") else hostport.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def create_app(workspace: Workspace, *, host: str = "127.0.0.1", port: int = 8765) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.autoescape = True
    hosts = allowed_hosts(host, port)
    any_ip = host in ("0.0.0.0", "::")
    token = workspace.secret()

    @app.before_request
    def guard() -> Any:
        got = (request.host or "").lower()
        if got not in hosts and not (any_ip and _is_ip_literal(got)):
            return _error(400, "请求的地址与服务地址不符，已拒绝（请用启动时显示的地址打开）")
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
            if not hmac.compare_digest(sent.encode(), token.encode()):
                return _error(403, HTTP_MESSAGES[403])
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Rendering helpers ----------------------------------------------------------

    def htmx() -> bool:
        return request.headers.get("HX-Request") == "true"

    def context(panel: str | None = None, **extra: Any) -> dict[str, Any]:
        ws = workspace
        session = ws.session
        panel_data = None
        if session is not None and panel is not None:
            panel_data = _panel(session, panel)
        return {
            "csrf": token,
            "form": ws.form,
            "kinds": MEETING_KINDS,
            "scopes": SCOPES,
            "domains": DOMAINS,
            "roles": get_args(Role),
            "relations": get_args(Relation),
            "did_kinds": get_args(DidKind),
            "skeletons": sorted(ws.library.skeletons.values(), key=lambda s: s.id),
            "session": session,
            "paragraphs": view.paragraphs(session) if session else [],
            "counts": view.counts(session) if session else None,
            "marked": view.marked,
            "panel": panel_data,
            "notes": ws.notes,
            "host_warning": any_ip,
            **extra,
        }

    def _error(code: int, message: str) -> Response:
        if htmx():
            return Response(message, status=code, mimetype="text/plain")
        page = render_template("error.html", message=message, code=code)
        return Response(page, status=code, mimetype="text/html")

    def draft_part(panel: str | None = None) -> Any:
        if not htmx():
            return redirect("/#draft", code=303)
        return render_template("_draft.html", **context(panel))

    def need_session() -> Any:
        if workspace.session is None:
            raise UserError("还没有讲话稿：请先填写简报，再点“生成讲话稿”")
        return workspace.session

    def step_path(value: str | None) -> str:
        session = need_session()
        try:
            session.step(value or "")
        except KeyError:
            raise UserError("稿子里没有这一处（稿子可能已经变了，请刷新页面）") from None
        return value or ""

    # Pages ---------------------------------------------------------------------

    @app.get("/")
    def index() -> Any:
        with workspace.lock:
            page = render_template("index.html", **context())
            workspace.notes = []
            return page

    @app.post("/brief")
    def submit_brief() -> Any:
        with workspace.lock:
            form, brief = check_form(values_from_form(request.form))
            if brief is not None:
                try:
                    workspace.update(brief)
                except UserError as exc:  # e.g. a skeleton that does not fit this brief
                    place_errors([exc], form, set(form.values))
                    brief = None
            if brief is None:
                workspace.form = form
                code = 200 if htmx() else 400
                return render_template("_work.html" if htmx() else "index.html", **context()), code
            workspace.save()
            if not htmx():
                return redirect("/#draft", code=303)
            return render_template("_work.html", **context())

    @app.post("/brief/open")
    def open_brief() -> Any:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise UserError("请选择一个简报文件（.yaml）")
        brief = brief_from_upload(upload.read(MAX_UPLOAD_BYTES + 1), upload.filename)
        with workspace.lock:
            workspace.open(brief)
            workspace.save()
            workspace.notes.append(f"已打开简报 {safe_name(upload.filename)}")
        return redirect("/", code=303)

    @app.get("/download/brief.yaml")
    def download_brief() -> Any:
        with workspace.lock:
            if workspace.brief is None:
                raise UserError("还没有简报：请先填写并点“生成讲话稿”")
            text = brief_yaml(workspace.brief)
            return _attachment(text.encode("utf-8"), f"{_stem(workspace)}.yaml", "application/x-yaml")

    # Picking -------------------------------------------------------------------

    @app.get("/slot")
    def slot() -> Any:
        with workspace.lock:
            path = step_path(request.args.get("path"))
            return render_template("_panel.html", **context(path))

    @app.get("/checks")
    def checks() -> Any:
        with workspace.lock:
            line = view.checks(need_session())
        return render_template("_checks.html", line=line)

    @app.post("/slot/more")
    def more() -> Any:
        with workspace.lock:
            path = step_path(request.form.get("path"))
            need_session().other_candidates(path)
            return render_template("_panel.html", **context(path))

    @app.post("/choose")
    def choose() -> Any:
        with workspace.lock:
            path = step_path(request.form.get("path"))
            try:
                need_session().choose(path, request.form.get("variant", ""))
            except ValueError:
                raise UserError("这个说法不能用在这里（稿子可能已经变了，请刷新页面）") from None
            workspace.save()
            return draft_part(path)

    @app.post("/lock")
    def lock() -> Any:
        with workspace.lock:
            path = step_path(request.form.get("path"))
            need_session().lock(path)
            workspace.save()
            return draft_part(path)

    @app.post("/reroll")
    def reroll() -> Any:
        with workspace.lock:
            session = need_session()
            section = request.form.get("section", "")
            if section not in session.draft.sections():
                raise UserError("稿子里没有这一部分")
            session.reroll_section(section)
            workspace.save()
            panel = request.form.get("path")
            return draft_part(panel if panel and _has(session, panel) else None)

    @app.post("/new")
    def new_draft() -> Any:
        with workspace.lock:
            need_session().new_draft()
            workspace.save()
            return draft_part()

    @app.post("/undo")
    def undo() -> Any:
        with workspace.lock:
            if not need_session().undo():
                raise UserError("没有可以撤销的操作")
            workspace.save()
            return draft_part()

    # Downloads -----------------------------------------------------------------

    @app.get("/download/draft.txt")
    def download_txt() -> Any:
        from ..render.txt import render_txt

        with workspace.lock:
            data = render_txt(need_session().draft).encode("utf-8")
            return _attachment(data, f"{_stem(workspace)}.txt", "text/plain; charset=utf-8")

    @app.get("/download/draft.md")
    def download_md() -> Any:
        from ..render.md import render_md

        with workspace.lock:
            data = render_md(need_session().draft).encode("utf-8")
            return _attachment(data, f"{_stem(workspace)}.md", "text/markdown; charset=utf-8")

    @app.get("/download/answers.yaml")
    def download_answers() -> Any:
        with workspace.lock:
            stem = _stem(workspace)
            text = dump_answers(need_session().to_answers(), f"{stem}.yaml")
            return _attachment(text.encode("utf-8"), f"{stem}.answers.yaml", "application/x-yaml")

    @app.route("/download/draft.docx", methods=["GET", "POST"])
    def download_docx() -> Any:
        upload = request.files.get("reference") if request.method == "POST" else None
        template = upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None and upload.filename else None
        with workspace.lock:
            draft = need_session().draft
            stem = _stem(workspace)
        data = _docx(draft, template, safe_name(upload.filename or "") if upload else "")
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return _attachment(data, f"{stem}.docx", mime)

    # Errors ----------------------------------------------------------------------

    @app.errorhandler(UserError)
    def user_error(exc: UserError) -> Response:
        return _error(400, exc.format())

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        return _error(code, HTTP_MESSAGES.get(code, f"请求无法完成（{code}）"))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        LOG.exception("speechdraft serve: unexpected error")
        return _error(
            500, f"出现了意外错误（{type(exc).__name__}），请刷新页面后再试；若反复出现请报告此问题"
        )

    return app


def _has(session: Any, path: str) -> bool:
    return any(s.path == path for s in session.steps)


def _panel(session: Any, path: str) -> dict[str, Any]:
    """The alternatives for one place in the draft, as the terminal picker offers them."""
    step = session.step(path)
    page, pages, total = session.page_info(path)
    return {
        "path": path,
        "label": session.label(path),
        "section": step.section,
        "section_label": section_label(step.section),
        "options": session.options(path),
        "page": page,
        "pages": pages,
        "total": total,
        "locked": path in session.locked,
        "picked": path in session.picked,
    }


def _stem(workspace: Workspace) -> str:
    name = workspace.brief.meeting.name if workspace.brief is not None else ""
    return safe_name(name) or "讲话稿"


def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    from urllib.parse import quote

    response = Response(data, mimetype=mimetype)
    ascii_name = "speechdraft" + (
        ".answers.yaml" if filename.endswith(".answers.yaml") else Path(filename).suffix
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _docx(draft: Draft, template: bytes | None, template_name: str) -> bytes:
    """Word output, with the clerk's uploaded template when given (checked like --reference-docx)."""
    from ..render.docx import render_docx

    if template is None:
        return render_docx(draft)
    if len(template) > MAX_UPLOAD_BYTES:
        raise UserError(HTTP_MESSAGES[413])
    fd, name = tempfile.mkstemp(suffix=".docx")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(template)
        return render_docx(draft, reference=Path(name))
    except UserError as exc:
        raise UserError(exc.message, file=template_name or "上传的 Word 模板") from None
    finally:
        os.unlink(name)


def hosts_for_display(host: str, port: int) -> Iterable[str]:
    """Addresses to print at start: the one to open first."""
    if host in ("0.0.0.0", "::"):
        return [f"http://127.0.0.1:{port}/", f"http://{socket.gethostname()}:{port}/"]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]
