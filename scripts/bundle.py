"""Build an offline install bundle: `python scripts/bundle.py --platform win_amd64 --python 3.11 -o DIR`.

Office PCs on an intranet cannot reach a package registry. The bundle is one zip holding the
project's wheel, a wheel of every dependency for the target platform and Python, and an install
script for that platform (`安装.bat`, or `install.sh`) that makes a virtual environment in a folder
the user picks, installs from the bundled wheels only (`--no-index`), and leaves launchers for
`speechdraft` and for the web page (`打开网页界面`) — no administrator rights needed.

Dependencies are resolved here, not by pip's resolver for the running machine: pip evaluates
environment markers (`colorama; platform_system == "Windows"`) for the machine it runs on, so the
closure is walked with the target's markers and anything missing is fetched by name.
"""

from __future__ import annotations

import argparse
import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLATFORMS = {
    # name: (pip --platform tags, marker environment)
    "win_amd64": (
        ["win_amd64"],
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    ),
    "linux_x86_64": (
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64"],
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "x86_64",
        },
    ),
    "linux_aarch64": (
        ["manylinux_2_17_aarch64", "manylinux2014_aarch64", "manylinux_2_28_aarch64"],
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "aarch64",
        },
    ),
}
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"pip 失败：{' '.join(args[:3])} …\n{result.stderr.strip()[-2000:]}")


def build_wheel(out: Path) -> Path:
    """The project's own wheel (data included, see pyproject's force-include)."""
    _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT))
    wheels = sorted(out.glob("speechdraft-*.whl"))
    if not wheels:
        sys.exit("没有生成 speechdraft 的 wheel")
    return wheels[-1]


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_name(wheel: Path) -> str:
    return canonical(wheel.name.split("-")[0])


def requirements(wheel: Path, env: dict[str, str]) -> list[str]:
    """Requires-Dist of a wheel whose markers hold on the target (extras are never asked for)."""
    from packaging.requirements import Requirement

    out = []
    for line in _metadata(wheel).get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
            out.append(f"{req.name}{req.specifier}")
    return out


def download(reqs: list[str], dest: Path, tags: list[str], python: str) -> None:
    args = ["download", "-q", "--only-binary=:all:", "--no-deps", "-d", str(dest)]
    args += ["--python-version", python, "--implementation", "cp", "--abi", f"cp{python.replace('.', '')}"]
    args += ["--abi", "abi3", "--abi", "none"]
    for tag in tags:
        args += ["--platform", tag]
    _pip(*args, *reqs)


def closure(project: Path, dest: Path, platform: str, python: str) -> list[Path]:
    """Every wheel the project needs on the target, fetched level by level with the target's markers."""
    tags, env = PLATFORMS[platform]
    env = {
        **env,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
    }
    env["platform_python_implementation"] = "CPython"
    have: dict[str, Path] = {}
    todo = requirements(project, env)
    while todo:
        wanted = [r for r in todo if canonical(re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0]) not in have]
        if not wanted:
            break
        download(wanted, dest, tags, python)
        todo = []
        for wheel in dest.glob("*.whl"):
            name = _wheel_name(wheel)
            if name not in have and wheel != project:
                have[name] = wheel
                todo += requirements(wheel, env)
    missing = [
        r
        for r in requirements(project, env)
        if canonical(re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0]) not in have
    ]
    if missing:
        sys.exit(f"缺少 {platform} 的 wheel：{', '.join(missing)}")
    return sorted(have.values())


INSTALL_SH = """#!/bin/sh
# speechdraft 离线安装（Linux：统信UOS、麒麟等）。用法：sh install.sh [安装目录]
set -e
HERE="$(cd "$(dirname "$0")" && pwd)"
TARGET="${1:-$HOME/speechdraft}"
PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "找不到 python3，请先安装 Python {python}（系统自带或软件商店）。"; exit 1
fi
echo "安装到 $TARGET …"
"$PY" -m venv "$TARGET/venv"
"$TARGET/venv/bin/python" -m pip install --no-index --find-links "$HERE/wheels" speechdraft -q
mkdir -p "$HOME/.local/bin"
ln -sf "$TARGET/venv/bin/speechdraft" "$HOME/.local/bin/speechdraft"
cat > "$TARGET/打开网页界面.sh" <<EOF
#!/bin/sh
"$TARGET/venv/bin/speechdraft" serve || { echo "启动失败，按回车键关闭"; read x; }
EOF
chmod +x "$TARGET/打开网页界面.sh"
if [ -d "$HOME/Desktop" ] || [ -d "$HOME/桌面" ]; then
  DESK="$HOME/Desktop"; [ -d "$DESK" ] || DESK="$HOME/桌面"
  cat > "$DESK/speechdraft.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=讲话稿起草助手（网页界面）
Exec=$TARGET/打开网页界面.sh
Terminal=true
EOF
  chmod +x "$DESK/speechdraft.desktop"
fi
echo "安装完成。命令：$HOME/.local/bin/speechdraft；网页界面：$TARGET/打开网页界面.sh"
"""

INSTALL_BAT = """@echo off
chcp 65001 >nul
rem speechdraft 离线安装（Windows）。双击运行，或：安装.bat [安装目录]
setlocal
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%LOCALAPPDATA%\\speechdraft"
where py >nul 2>nul && (set "PY=py -{python}") || (set "PY=python")
%PY% --version >nul 2>nul || (echo 找不到 Python {python}，请先安装 Python（安装时勾选 Add to PATH）。& pause & exit /b 1)
echo 安装到 %TARGET% ...
%PY% -m venv "%TARGET%\\venv" || (echo 创建虚拟环境失败。& pause & exit /b 1)
"%TARGET%\\venv\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%wheels" speechdraft -q || (echo 安装失败。& pause & exit /b 1)
> "%TARGET%\\speechdraft.bat" echo @"%TARGET%\\venv\\Scripts\\speechdraft.exe" %%*
> "%TARGET%\\打开网页界面.bat" echo @echo off
>> "%TARGET%\\打开网页界面.bat" echo chcp 65001 ^>nul
>> "%TARGET%\\打开网页界面.bat" echo "%TARGET%\\venv\\Scripts\\speechdraft.exe" serve
>> "%TARGET%\\打开网页界面.bat" echo if errorlevel 1 pause
copy /y "%TARGET%\\打开网页界面.bat" "%USERPROFILE%\\Desktop\\打开网页界面.bat" >nul 2>nul
echo 安装完成。网页界面：桌面上的“打开网页界面”；命令行：%TARGET%\\speechdraft.bat
pause
"""


def bundle(platform: str, python: str, out_dir: Path) -> Path:
    from packaging.version import Version  # noqa: F401  (fails early, before any download)

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "speechdraft-offline"
        wheels = stage / "wheels"
        wheels.mkdir(parents=True)
        project = build_wheel(wheels)
        closure(project, wheels, platform, python)
        version = project.name.split("-")[1]
        if platform == "win_amd64":
            (stage / "安装.bat").write_bytes(
                INSTALL_BAT.format(python=python).replace("\n", "\r\n").encode("utf-8")
            )
        else:
            script = stage / "install.sh"
            script.write_text(INSTALL_SH.replace("{python}", python), "utf-8")
            script.chmod(0o755)
        (stage / "说明.txt").write_text(
            f"speechdraft {version} 离线安装包（{platform}，Python {python}）\n"
            "需要本机已安装对应版本的 Python；不需要联网，不需要管理员权限。\n"
            + ("双击“安装.bat”。\n" if platform == "win_amd64" else "在终端运行：sh install.sh [安装目录]\n"),
            "utf-8",
        )
        name = f"speechdraft-offline-{version}-{platform}-py{python}"
        archive = out_dir / f"{name}.zip"
        tmp_zip = Path(shutil.make_archive(str(Path(tmp) / name), "zip", stage))
        shutil.move(str(tmp_zip), archive)
    return archive


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--platform", choices=sorted(PLATFORMS), required=True)
    ap.add_argument("--python", choices=PYTHONS, default=f"{sys.version_info[0]}.{sys.version_info[1]}")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "dist")
    args = ap.parse_args(argv)
    archive = bundle(args.platform, args.python, args.output)
    print(f"已生成 {archive}（{archive.stat().st_size // 1024} KB）")


if __name__ == "__main__":
    main()
