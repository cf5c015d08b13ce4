"""The wheel stands alone: built from the project's files, installed into a fresh virtual
environment in a temporary folder with no checkout around it, it runs `calmlink --version`,
`demo` (the page and every file it links, followed through scripts, styles and the manifest: the
typeface's files too), `record`, `analyze`, `import`, `sessions` and `export`. The README's install
lines are run as written: from the clone and from the wheel it builds, never from the package index
calmlink is not on."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "__pycache__", "build", "dist", "*.egg-info",
                              "test-results", ".hypothesis", ".*_cache", "*.sqlite3*")
LINKS = {".html": re.compile(r'(?:src|href)="(/[^"#?]+)"'),
         ".js": re.compile(r'(?:from\s+|import\(\s*)"(\./[^"]+)"'),
         ".css": re.compile(r'url\(\s*"?([^")]+)"?\s*\)'),
         ".webmanifest": re.compile(r'"src":\s*"(/[^"]+)"')}
"""How each kind of file links others (our own scripts import with relative paths)."""


def _uv() -> str:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        message = "uv is not installed (make installs it into .venv): the wheel check needs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return uv


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The wheel, built from a copy of the project's files and installed alone."""
    uv = _uv()
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, tmp / "src", ignore=SKIP)
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp / "dist"), str(tmp / "src")],
                   check=True, capture_output=True, timeout=240)
    shutil.rmtree(tmp / "src")  # nothing of the checkout is left beside the install
    [wheel] = (tmp / "dist").glob("calmlink-*.whl")
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(tmp / "venv")],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(tmp / "venv" / "bin" / "python"),
                    str(wheel)], check=True, capture_output=True, timeout=240)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CALMLINK_", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp / "home"), XDG_DATA_HOME=str(tmp / "home" / "data"),
               PATH=f"{tmp / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    (tmp / "work").mkdir()
    yield tmp, env


def run(tmp: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tmp / "venv" / "bin" / "calmlink"), *args], cwd=tmp / "work",
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_installed_package_is_the_wheel_and_knows_its_version(
        installed: tuple[Path, dict[str, str]]) -> None:
    tmp, env = installed
    out = run(tmp, env, "--version")
    assert out.returncode == 0 and out.stdout.strip() == f"calmlink {version('calmlink')}"
    where = subprocess.run([str(tmp / "venv" / "bin" / "python"), "-c",
                            "import calmlink; print(calmlink.__file__)"], cwd=tmp / "work",
                           env=env, capture_output=True, text=True, timeout=60).stdout
    assert where.startswith(str(tmp / "venv")), where


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read()


def test_demo_serves_every_page_and_every_file_they_link(
        installed: tuple[Path, dict[str, str]]) -> None:
    tmp, env = installed
    port = _free_port()
    log = (tmp / "demo.log").open("w")
    demo = subprocess.Popen([str(tmp / "venv" / "bin" / "calmlink"), "demo", "--port", str(port)],
                            cwd=tmp / "work", env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/")
                break
            except OSError:
                assert demo.poll() is None and time.monotonic() < deadline, \
                    "demo did not start: " + (tmp / "demo.log").read_text()
                time.sleep(0.2)
        queue = ["/", "/review", "/trends", "/docs", "/docs/api", "/pair",
                 "/static/manifest.webmanifest"]
        seen: set[str] = set()
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            try:
                status, body = _get(base + path)
            except OSError as exc:
                raise AssertionError(f"{path}: {exc}") from None
            assert status == 200 and body, path
            kind = "." + path.rsplit(".", 1)[1] if "." in path.rsplit("/", 1)[1] else ".html"
            if kind in LINKS and "/vendor/" not in path:
                text = body.decode("utf-8", errors="replace")
                folder = path.rsplit("/", 1)[0]
                for link in LINKS[kind].findall(text):
                    if link.startswith(("data:", "http")):
                        continue
                    queue.append(link if link.startswith("/") else
                                 f"{folder}/{link.removeprefix('./')}")
        assert {"/static/app.js", "/static/style.css", "/static/icons/icon-512.png",
                "/static/vendor/uPlot-1.6.32.esm.js", "/static/voice.js", "/static/fonts.css",
                *(f"/static/vendor/atkinson-hyperlegible-next-5.3.0-{subset}-{weight}.woff2"
                  for subset in ("latin", "latin-ext") for weight in (400, 700))} <= seen, sorted(seen)
        assert _get(base + "/static/vendor/atkinson-hyperlegible-next-LICENSE")[1].startswith(
            b"Copyright")  # the typeface's licence travels with it
        routines = json.loads(_get(base + "/api/routines")[1])
        assert "Nine quiet minutes" in json.dumps(routines)  # the default routine is in the wheel
    finally:
        demo.terminate()
        demo.wait(timeout=15)
        log.close()


def test_record_analyze_import_sessions_export_from_the_wheel(
        installed: tuple[Path, dict[str, str]]) -> None:
    tmp, env = installed
    db = str(tmp / "work" / "s.sqlite3")
    out = run(tmp, env, "record", "--simulate", "--speed", "60", "--minutes", "2", "--db", db,
              "--out", "raw.jsonl")
    assert out.returncode == 0, out.stderr
    recorded = json.loads(run(tmp, env, "sessions", "--json", "--db", db).stdout)[0]["id"]
    out = run(tmp, env, "export", str(recorded), "--format", "rr", "--out", "rr-out.txt", "--db", db)
    assert out.returncode == 0, out.stderr
    out = run(tmp, env, "analyze", "rr-out.txt", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["n_beats"] > 100, out.stderr
    rr = "\n".join(str(800 + (k % 7) * 5) for k in range(120))
    (tmp / "work" / "rr.txt").write_text(rr)
    assert run(tmp, env, "import", "rr.txt", "--profile", "Sam", "--db", db).returncode == 0
    sessions = json.loads(run(tmp, env, "sessions", "--json", "--db", db).stdout)
    assert len(sessions) == 2
    out = run(tmp, env, "export", "--all", "--out", "all.zip", "--db", db)
    assert out.returncode == 0 and (tmp / "work" / "all.zip").stat().st_size > 0


def readme_install_lines(doc: Path = ROOT / "README.md") -> list[str]:
    """Every install or build command the shell blocks of ``doc`` give, the ones after "or:" in a
    comment included, in order."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", doc.read_text(), re.S):
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            for text in [command, *re.findall(r"or: (.+?)(?:;|$)", comment)]:
                if re.match(r"\s*(pipx install|uv tool install|uv build|pip install)\b", text):
                    out.append(text.strip())
    return out


def test_the_readme_installs_from_a_clone_or_a_wheel_never_the_index() -> None:
    """calmlink is not on the package index: "pipx install calmlink" failed for a newcomer."""
    lines = readme_install_lines()
    assert lines == ["pipx install .", "uv tool install .", "uv build --wheel",
                     "pipx install dist/calmlink-*.whl", "uv tool install dist/calmlink-*.whl"]
    everywhere = [x for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
                  for x in readme_install_lines(doc)]
    assert not [x for x in everywhere if re.search(r"install calmlink\b", x)], everywhere


def test_the_readmes_install_lines_work_as_written(tmp_path: Path) -> None:
    """Each line run as the README gives it, in a copy of the clone: `uv tool install .`, the
    wheel `uv build --wheel` writes, `uv tool install dist/calmlink-*.whl`, each giving a
    `calmlink` that runs; pipx's lines too where pipx is installed (it installs the same targets)."""
    uv = _uv()
    clone = tmp_path / "calmlink"
    shutil.copytree(ROOT, clone, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CALMLINK_", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), UV_PYTHON=sys.executable,
               PATH=f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}")
    ran = []
    for k, line in enumerate(readme_install_lines()):
        if line.startswith("pipx") and shutil.which("pipx") is None:
            continue
        where = tmp_path / f"tools-{k}"
        env.update(UV_TOOL_DIR=str(where / "tools"), UV_TOOL_BIN_DIR=str(where / "bin"),
                   PIPX_HOME=str(where / "tools"), PIPX_BIN_DIR=str(where / "bin"))
        out = subprocess.run(["bash", "-c", line], cwd=clone, env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, (line, out.stderr[-2000:])
        ran.append(line)
        if "install" not in line:
            assert list((clone / "dist").glob("calmlink-*-py3-none-any.whl")), line
            continue
        said = subprocess.run([str(where / "bin" / "calmlink"), "--version"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert said.stdout.strip() == f"calmlink {version('calmlink')}", (line, said.stderr)
    assert {"uv tool install .", "uv build --wheel", "uv tool install dist/calmlink-*.whl"} <= set(ran)
