"""Speed and variety of speechdraft, measured: `python benchmarks/run.py [--quick]`.

Prints a table and writes benchmarks/results/latest.json. Targets are checked
here, not in timed tests: compose under 20 ms median; .docx render within 3x a
floor (python-docx writing the same paragraphs with no styling); cold start of
`speechdraft generate` to .docx under 1 s; a pick in the picker, with its autosave,
under 250 ms; mean identical-sentence share between two drafts of one brief at most
25%; on the web page (`speechdraft serve`), one swap or reroll answered under 100 ms
on the server and the first page under 1 s after the server is up. `--web-only`
runs just the web part. `speechdraft lint` and `speechdraft
analyze` on a 1 MB speech (as lines, as one copied line, and broken into short
lines with no punctuation) under 5 s each. `--readers` runs only that last part.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.api import Library, complete_brief  # noqa: E402
from generator.compose import compose  # noqa: E402
from generator.loaders import load_brief  # noqa: E402
from generator.metrics import draft_sentences, duplicate_sentences, pairwise_shares  # noqa: E402
from generator.render.docx import render_docx  # noqa: E402
from generator.render.txt import render_txt  # noqa: E402
from generator.select import fits  # noqa: E402

TARGETS = {
    "compose_ms": 20.0,
    "docx_vs_floor": 3.0,
    "cold_start_s": 1.0,
    "mean_share": 0.25,
    "web_move_ms": 100.0,
    "web_first_page_s": 1.0,
    "within_brief": 0.10,
    "cross_mean": 0.08,
    "cross_max": 0.15,
    "lint_1mb_s": 5.0,
    "vs_floor": 2.0,
    "bank_warm_ms": 20.0,
    "pick_ms": 250.0,
    "reader_1mb_s": 5.0,
}
READER_BYTES = 1_000_000
# A lint run that takes longer than this is stopped and reported as missed.
LINT_TIMEOUT_S = 60


def _cross_brief(library: Library, briefs: dict, n_seeds: int) -> list[dict]:
    """Identical-sentence share between drafts of two different briefs on one skeleton (two offices)."""
    from itertools import combinations

    from generator.metrics import identical_share

    rows = []
    for sk in library.skeletons.values():
        fitting = [(n, b) for n, b in briefs.items() if fits(b, sk)]
        for (na, a), (nb, b) in combinations(fitting, 2):
            da = [draft_sentences(compose(a, library.bank, sk, random.Random(s)), a) for s in range(n_seeds)]
            db = [
                draft_sentences(compose(b, library.bank, sk, random.Random(s + 1000)), b)
                for s in range(n_seeds)
            ]
            shares = sorted(identical_share(x, y) for x in da for y in db)
            rows.append(
                {
                    "skeleton": sk.id,
                    "briefs": f"{na} / {nb}",
                    "pairs": len(shares),
                    "mean_share": round(statistics.mean(shares), 3),
                    "p95_share": round(shares[int(0.95 * (len(shares) - 1))], 3),
                    "max_share": round(shares[-1], 3),
                }
            )
    return rows


def _picker(library: Library, brief_path: Path, n: int) -> dict[str, float]:
    """One key press in the picker: a pick (the whole draft recomposed) plus its autosave, and an undo."""
    from generator.picker.session import PickSession
    from generator.picker.store import Autosaver

    brief = complete_brief(load_brief(brief_path))
    with tempfile.TemporaryDirectory() as tmp:
        session = PickSession(brief, library, 1)
        session.on_change = Autosaver(brief_path, Path(tmp) / "b.answers.yaml").save
        picks, undos = [], []
        for _ in range(n):
            if session.current is None:
                session.goto(session.steps[0].path)
            t = time.perf_counter()
            session.choose_option(min(2, len(session.options())))
            picks.append((time.perf_counter() - t) * 1000)
        for _ in range(n):
            t = time.perf_counter()
            session.undo()
            undos.append((time.perf_counter() - t) * 1000)
    return {
        "pick_and_save_ms": round(statistics.median(picks), 1),
        "undo_ms": round(statistics.median(undos), 2),
    }


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _floor_docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# An installed package has its bytecode compiled (pip does it at install): measure starts that way,
# not with PYTHONDONTWRITEBYTECODE (which CI sets), or every run would compile the sources again.
_INSTALLED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cold_start(brief: Path, runs: int) -> tuple[float, float]:
    """Median wall time of a whole `speechdraft generate` to .docx, and its peak RSS in MB."""
    exe = [sys.executable, "-m", "generator.cli"]
    times, rss = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):  # the first run writes the bytecode and the start-up cache: not counted
            out = Path(tmp) / f"d{i}.docx"
            code = (
                # The command leaves by os._exit after the atexit handlers: report the peak from one.
                "import atexit,resource,runpy,sys;"
                "atexit.register(lambda: print('RSS',resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
                "file=sys.stderr));"
                f"sys.argv=['speechdraft','generate',{str(brief)!r},'-o',{str(out)!r},'--seed','1'];"
                "\ntry:\n runpy.run_module('generator.cli',run_name='__main__')\nexcept SystemExit:\n pass\n"
            )
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=_INSTALLED_ENV
            )
            times.append(time.perf_counter() - t)
            m = re.search(r"RSS (\d+)", proc.stderr)
            if proc.returncode != 0 or not out.exists():
                raise SystemExit(f"generate failed: {proc.stderr[-500:]}")
            if m:
                rss.append(int(m.group(1)) / 1024)
    del exe
    return statistics.median(times[1:]), max(rss) if rss else float("nan")


def _import_floor(runs: int) -> float:
    """Median wall time of importing the four libraries any run needs: the floor for a cold start."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import docx, jinja2, pydantic, yaml"], check=True, env=_INSTALLED_ENV
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _bank_load_ms(runs: int) -> tuple[float, float]:
    """Loading the built-in bank and skeletons in a fresh process: without and with a warm cache."""
    code = (
        "import time;from generator.loaders import load_bank,load_skeletons;"
        "t=time.perf_counter();load_bank();load_skeletons();print((time.perf_counter()-t)*1000)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in (("cold", {"SPEECHDRAFT_NO_CACHE": "1"}), ("warm", {})):
            env = {**os.environ, "SPEECHDRAFT_CACHE_DIR": tmp, **extra}
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True)
            times = []
            for _ in range(runs):
                proc = subprocess.run(
                    [sys.executable, "-c", code],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                times.append(float(proc.stdout.strip()))
            out[label] = statistics.median(times)
    return out["cold"], out["warm"]


def _importtime(brief: Path, top: int = 8) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "generator.cli",
                "generate",
                str(brief),
                "-o",
                str(Path(tmp) / "d.docx"),
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m and len(m.group(3)) <= 2:  # top-level imports only
            rows.append((m.group(4), int(m.group(2)) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:top]


def web_timings(brief_path: Path, reps: int) -> dict[str, float]:
    """Server time of each page move (median ms, Flask test client), and the first real page load."""
    from generator.web.app import create_app
    from generator.web.state import Workspace
    from generator.web.view import _checks as view_checks

    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(Library.load(), Path(tmp) / "web")
        workspace.open(load_brief(brief_path))
        app = create_app(workspace)
        client = app.test_client()
        base, hx = "http://127.0.0.1:8765", {"HX-Request": "true", "X-CSRF-Token": workspace.secret()}
        session = workspace.session
        assert session is not None
        paths = [s.path for s in session.steps]
        sections = session.draft.sections()
        counter = iter(range(10**6))

        def swap() -> None:
            path = paths[next(counter) % len(paths)]
            variant = workspace.session.candidates(path)[-1].id  # type: ignore[union-attr]
            r = client.post("/choose", data={"path": path, "variant": variant}, headers=hx, base_url=base)
            assert r.status_code == 200, r.text

        def move(url: str, data: dict[str, str] | None = None) -> None:
            r = client.post(url, data=data or {}, headers=hx, base_url=base)
            assert r.status_code == 200, r.text

        out = {
            "swap_ms": _median_ms(swap, reps),
            "slot_ms": _median_ms(
                lambda: client.get(f"/slot?path={paths[3]}", headers=hx, base_url=base), reps
            ),
            "reroll_ms": _median_ms(lambda: move("/reroll", {"section": sections[next(counter) % 3]}), reps),
            "lock_ms": _median_ms(lambda: move("/lock", {"path": paths[1]}), reps),
            "new_draft_ms": _median_ms(lambda: move("/new"), reps),
            "undo_ms": _median_ms(lambda: move("/undo"), reps),
            "page_ms": _median_ms(lambda: client.get("/", base_url=base), reps),
            "checks_ms": _median_ms(
                lambda: (view_checks.cache_clear(), client.get("/checks", headers=hx, base_url=base)), reps
            ),
        }
    out["first_page_s"] = _first_page(brief_path)
    return {k: round(v, 3 if k.endswith("_s") else 1) for k, v in out.items()}


def _first_page(brief_path: Path) -> float:
    """Start `speechdraft serve BRIEF`, wait until it accepts connections, then time the first GET /."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPEECHDRAFT_DATA_DIR": tmp}
        cmd = [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            str(brief_path),
            "--no-browser",
            "--port",
            str(port),
        ]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.02)
            t = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                r.read()
            return time.perf_counter() - t
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _print_web(web: dict[str, float]) -> None:
    print("\n| web page (server side) | median ms |\n|---|---:|")
    for key, label in (
        ("swap_ms", "swap a wording (POST /choose)"),
        ("slot_ms", "show alternatives (GET /slot)"),
        ("reroll_ms", "重抽本部分 (POST /reroll)"),
        ("lock_ms", "锁定 (POST /lock)"),
        ("new_draft_ms", "换一稿 (POST /new)"),
        ("undo_ms", "撤销 (POST /undo)"),
        ("page_ms", "whole page (GET /)"),
        ("checks_ms", "check line, fetched after each change (GET /checks)"),
    ):
        print(f"| {label} | {web[key]} |")
    print(f"first page after `speechdraft serve` is up: {web['first_page_s']} s")


def _megabyte_speeches(library: Library, briefs: dict) -> dict[str, str]:
    """1 MB of speech text in three shapes: many drafts one after another (near repeats galore),
    the same on a single line (a copied page), and short broken lines with no punctuation at all."""
    parts, size, seed = [], 0, 0
    briefs_list = list(briefs.values())
    while size < READER_BYTES:
        brief = briefs_list[seed % len(briefs_list)]
        skeletons = [s for s in library.skeletons.values() if fits(brief, s)]
        text = render_txt(compose(brief, library.bank, skeletons[seed % len(skeletons)], random.Random(seed)))
        parts.append(text)
        size += len(text.encode("utf-8"))
        seed += 1
    lines = "\n".join(parts)
    bare = re.sub(r"[^\u4e00-\u9fff]", "", lines)
    return {
        "lines": lines,
        "one line": lines.replace("\n", ""),
        "broken, no punctuation": "\n".join(bare[i : i + 12] for i in range(0, len(bare), 12)),
    }


def _readers(library: Library, briefs: dict) -> list[dict[str, object]]:
    """Wall time of `speechdraft lint` and `speechdraft analyze` (read, clean, outline, checks) on 1 MB."""
    from click.testing import CliRunner

    from generator.cli import main as cli

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape, text in _megabyte_speeches(library, briefs).items():
            path = Path(tmp) / "speech.txt"
            path.write_text(text, "utf-8")
            for command in (["lint", str(path), "--year", "2026"], ["analyze", str(path)]):
                t = time.perf_counter()
                result = CliRunner().invoke(cli, command)
                elapsed = time.perf_counter() - t
                if result.exception and not isinstance(result.exception, SystemExit):
                    raise SystemExit(f"{command[0]} failed on {shape}: {result.exception!r}")
                rows.append(
                    {
                        "command": command[0],
                        "shape": shape,
                        "bytes": len(text.encode("utf-8")),
                        "seconds": round(elapsed, 2),
                    }
                )
    return rows


def _lint_megabyte(library: Library, brief, folder: Path) -> float | None:
    """Wall time of `speechdraft lint` on about 1 MB of draft text (distinct drafts of one brief).

    A hostile or merely long file must not hang lint; None when it ran past LINT_TIMEOUT_S.
    """
    from generator.api import draft_from_brief

    paragraphs: list[str] = []
    seed = 0
    while sum(len(p.encode("utf-8")) for p in paragraphs) < 1_000_000:
        paragraphs += [p.text for p in draft_from_brief(brief, library, seed).paragraphs]
        seed += 1
    path = folder / "megabyte.txt"
    path.write_text("\n".join(paragraphs), "utf-8")
    t = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "generator.cli", "lint", str(path)],
            capture_output=True,
            timeout=LINT_TIMEOUT_S,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument(
        "--web-only", action="store_true", help="only the web page timings (not written to latest.json)"
    )
    ap.add_argument("--readers", action="store_true", help="only lint/analyze on 1 MB speeches")
    args = ap.parse_args()
    if args.web_only:
        _print_web(web_timings(sorted((ROOT / "examples").glob("*.yaml"))[0], 10 if args.quick else 50))
        return
    n_seeds = 10 if args.quick else 50
    n_compose = 20 if args.quick else 100
    library = Library.load()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    briefs = {p.stem: complete_brief(load_brief(p)) for p in examples}
    result: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }
    readers = _readers(library, briefs)
    readers_ok = all(float(r["seconds"]) < TARGETS["reader_1mb_s"] for r in readers)  # type: ignore[arg-type]
    if args.readers:
        _print_readers(readers, readers_ok)
        return
    result["readers"] = readers
    # Compose, per skeleton (each with every example brief it fits).
    compose_rows = []
    for skel in library.skeletons.values():
        pairs = [(n, b) for n, b in briefs.items() if fits(b, skel)]
        if not pairs:
            continue
        # The first draft of a brief renders the bank for it (what one `generate` pays); later
        # drafts of the same brief (other seeds, the picker, the page) reuse that (bank memos).
        firsts = []
        for _, brief in pairs:
            for memo in (library.bank.fills, library.bank.fitted, library.bank.rendered):
                memo.clear()
            t = time.perf_counter()
            compose(brief, library.bank, skel, random.Random(10_000))
            firsts.append((time.perf_counter() - t) * 1000)
        times = []
        for seed in range(n_compose):
            _, brief = pairs[seed % len(pairs)]
            t = time.perf_counter()
            compose(brief, library.bank, skel, random.Random(seed))
            times.append((time.perf_counter() - t) * 1000)
        med = statistics.median(times)
        compose_rows.append(
            {
                "skeleton": skel.id,
                "median_ms": round(med, 2),
                "first_ms": round(statistics.median(firsts), 2),
                "drafts_per_s": round(1000 / med),
            }
        )
    result["compose"] = compose_rows
    # Render one draft.
    _name, brief = next(iter(briefs.items()))
    skel = next(s for s in library.skeletons.values() if fits(brief, s))
    draft = compose(brief, library.bank, skel, random.Random(1))
    texts = [p.text for p in draft.paragraphs]
    render_docx(draft)  # warm the imports
    _floor_docx(texts)
    reps = 5 if args.quick else 20
    txt_ms = _median_ms(lambda: render_txt(draft), reps * 10)
    docx_ms = _median_ms(lambda: render_docx(draft), reps)
    floor_ms = _median_ms(lambda: _floor_docx(texts), reps)
    result["render"] = {
        "txt_ms": round(txt_ms, 3),
        "docx_ms": round(docx_ms, 1),
        "floor_docx_ms": round(floor_ms, 1),
        "docx_vs_floor": round(docx_ms / floor_ms, 2),
    }
    # Cold start and memory.
    cold, rss = _cold_start(examples[0], 3 if args.quick else 7)
    floor = _import_floor(3 if args.quick else 7)
    bank_cold, bank_warm = _bank_load_ms(3 if args.quick else 7)
    result["cold_start"] = {
        "generate_docx_s": round(cold, 3),
        "import_floor_s": round(floor, 3),
        "vs_floor": round(cold / floor, 2),
        "peak_rss_mb": round(rss, 1),
        "bank_load_no_cache_ms": round(bank_cold, 1),
        "bank_load_warm_cache_ms": round(bank_warm, 1),
    }
    result["picker"] = _picker(library, examples[0], 10 if args.quick else 30)
    result["importtime_top"] = [{"module": m, "ms": round(ms, 1)} for m, ms in _importtime(examples[0])]
    # The web page.
    web = web_timings(examples[0], 10 if args.quick else 50)
    result["web"] = web
    # Variety.
    variety = []
    for bname, b in briefs.items():
        for sk in library.skeletons.values():
            if not fits(b, sk):
                continue
            sents, texts_seen, dups = [], set(), 0
            for seed in range(n_seeds):
                d = compose(b, library.bank, sk, random.Random(seed))
                dups += len(duplicate_sentences(d, b))
                sents.append(draft_sentences(d, b))
                texts_seen.add(render_txt(d))
            shares = pairwise_shares(sents)
            variety.append(
                {
                    "brief": bname,
                    "skeleton": sk.id,
                    "seeds": n_seeds,
                    "mean_share": round(statistics.mean(shares), 3),
                    "max_share": round(max(shares), 3),
                    "distinct": len(texts_seen),
                    "duplicate_sentences": dups,
                }
            )
    result["variety"] = variety
    # Ten drafts a brief even in the quick run: the worst of 100 pairs per pair of briefs.
    result["cross_brief"] = _cross_brief(library, briefs, max(10, n_seeds // 5))
    with tempfile.TemporaryDirectory() as tmp:
        lint_s = _lint_megabyte(library, brief, Path(tmp))
    result["lint_1mb_s"] = round(lint_s, 2) if lint_s is not None else None
    worst_compose = max(r["median_ms"] for r in compose_rows)
    worst_share = max(v["mean_share"] for v in variety)
    checks = {
        "compose under 20 ms median": worst_compose < TARGETS["compose_ms"],
        ".docx within 3x the floor": docx_ms / floor_ms <= TARGETS["docx_vs_floor"],
        "cold start under 1 s": cold < TARGETS["cold_start_s"],
        "cold start within 2x the import floor": cold / floor <= TARGETS["vs_floor"],
        "bank load with a warm cache under 20 ms": bank_warm < TARGETS["bank_warm_ms"],
        "a pick with its autosave under 250 ms": result["picker"]["pick_and_save_ms"] < TARGETS["pick_ms"],
        "mean identical-sentence share <= 25%": worst_share <= TARGETS["mean_share"],
        "no duplicate sentence inside any draft": all(v["duplicate_sentences"] == 0 for v in variety),
        "web swap/reroll under 100 ms on the server": max(
            web["swap_ms"], web["reroll_ms"], web["new_draft_ms"]
        )
        < TARGETS["web_move_ms"],
        "web first page under 1 s after start": web["first_page_s"] < TARGETS["web_first_page_s"],
        "lint and analyze of 1 MB under 5 s": readers_ok,
        "within one brief: mean share <= 10% (no 雷同)": worst_share <= TARGETS["within_brief"],
        "across briefs: mean share <= 8%": all(
            c["mean_share"] <= TARGETS["cross_mean"] for c in result["cross_brief"]
        ),
        "across briefs: max pair <= 15%": all(
            c["max_share"] <= TARGETS["cross_max"] for c in result["cross_brief"]
        ),
        "lint of a 1 MB file under 5 s": lint_s is not None and lint_s < TARGETS["lint_1mb_s"],
    }
    result["targets"] = checks
    _print(result)
    out = ROOT / "benchmarks" / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}")


def _print(r: dict) -> None:
    print(f"machine: {r['machine']}, Python {r['python']}, {r['date']}\n")
    print("| skeleton | compose median (ms) | first draft of a brief (ms) | drafts/s |\n|---|---:|---:|---:|")
    for row in r["compose"]:
        print(f"| {row['skeleton']} | {row['median_ms']} | {row['first_ms']} | {row['drafts_per_s']} |")
    rd = r["render"]
    print(f"\n| render | ms |\n|---|---:|\n| .txt | {rd['txt_ms']} |\n| .docx | {rd['docx_ms']} |")
    print(
        f"| floor (python-docx, no styling) | {rd['floor_docx_ms']} |\n| .docx / floor | {rd['docx_vs_floor']}× |"
    )
    cs = r["cold_start"]
    print(
        f"\ncold start `speechdraft generate` → .docx: {cs['generate_docx_s']} s "
        f"({cs['vs_floor']}× the import floor of {cs['import_floor_s']} s); peak RSS {cs['peak_rss_mb']} MB"
    )
    print(
        f"bank + skeletons load: {cs['bank_load_no_cache_ms']} ms without the cache, "
        f"{cs['bank_load_warm_cache_ms']} ms with a warm one"
    )
    pk = r["picker"]
    print(f"picker: a pick with its autosave {pk['pick_and_save_ms']} ms, an undo {pk['undo_ms']} ms")
    print(
        "import time, top offenders: " + ", ".join(f"{x['module']} {x['ms']} ms" for x in r["importtime_top"])
    )
    _print_web(r["web"])
    print("\n| brief | skeleton | seeds | mean share | max share | distinct | dup. sentences |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for v in r["variety"]:
        print(
            f"| {v['brief']} | {v['skeleton']} | {v['seeds']} | {v['mean_share']:.1%} | {v['max_share']:.1%} "
            f"| {v['distinct']} | {v['duplicate_sentences']} |"
        )
    _print_readers(r["readers"], None)
    print(
        "\n| skeleton | two briefs | pairs | mean share | 95th pct. | max pair |\n|---|---|---:|---:|---:|---:|"
    )
    for c in r["cross_brief"]:
        print(
            f"| {c['skeleton']} | {c['briefs']} | {c['pairs']} | {c['mean_share']:.1%} "
            f"| {c['p95_share']:.1%} | {c['max_share']:.1%} |"
        )
    lint_s = r["lint_1mb_s"]
    print(
        f"\nlint of a 1 MB file: {f'{lint_s} s' if lint_s is not None else f'over {LINT_TIMEOUT_S} s (stopped)'}"
    )
    print("\ntargets:")
    for k, ok in r["targets"].items():
        print(f"  [{'ok' if ok else 'MISSED'}] {k}")


def _print_readers(rows: list[dict], ok: bool | None) -> None:
    print("\n| command | 1 MB speech | bytes | seconds |\n|---|---|---:|---:|")
    for row in rows:
        print(f"| {row['command']} | {row['shape']} | {row['bytes']} | {row['seconds']} |")
    if ok is not None:
        print(f"\n  [{'ok' if ok else 'MISSED'}] lint and analyze of 1 MB under 5 s")


if __name__ == "__main__":
    main()
