"""The layers hold in the source itself (issue: "nothing that reaches upward").

import-linter (`make lint`, `make test`) checks the declared layers and cycles over every import,
inside functions too. This test adds what it cannot say: a function-local import of the
project's own modules is a hidden dependency, allowed only where a comment on that line or the
line above says why (an `AppConfig.ready`, a command that must not load at start-up)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "onestop"


def _is_project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith("onestop")
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("onestop") for alias in node.names)
    return False


def _local_imports(tree: ast.AST) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [i for i in ast.walk(node) if _is_project_import(i)]  # type: ignore[misc]
    return found


def _explained(lines: list[str], lineno: int) -> bool:
    line, above = lines[lineno - 1], lines[lineno - 2] if lineno > 1 else ""
    return "#" in line or above.strip().startswith("#")


def unexplained_local_imports(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in _local_imports(ast.parse(text)):
            if not _explained(lines, node.lineno):
                out.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return sorted(set(out))


def test_no_unexplained_function_local_import_of_the_project() -> None:
    assert unexplained_local_imports(SRC) == []


def test_the_check_finds_a_hidden_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "def f():\n    from onestop.cases import actions\n\n"
        "def g():\n    # ready(): models are loaded only now\n"
        "    from onestop.cases import models\n"
    )
    assert unexplained_local_imports(tmp_path) == [f"{tmp_path.name}/a.py:2"]


# --- URL names: a base app does not name a page of an app above it -------------------------

URL_NAME = re.compile(
    r"""(?:reverse(?:_lazy)?\(|redirect\(|\{%\s*url\s+|url_name=)\s*["']([a-z_]+):"""
)


def _layers() -> list[set[str]]:
    """The layers contract of pyproject.toml, lowest first, as sets of top-level modules."""
    config = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [set(re.split(r"\s*[|:]\s*", line.strip())) for line in reversed(contract["layers"])]


def _namespaces(root: Path) -> dict[str, str]:
    """URL namespace -> the app whose urls module declares it."""
    out = {}
    for path in root.glob("*/*urls.py"):
        found = re.search(r'^app_name = "([a-z_]+)"', path.read_text(encoding="utf-8"), re.M)
        if found:
            out[found.group(1)] = path.parent.name
    return out


def upward_url_names(root: Path, layers: list[set[str]]) -> list[str]:
    """Places where an app names (reverses, redirects to, links) a URL of a higher layer's app.
    The API's namespace is the mount of every app's own router, so it is not an app's."""
    level = {app: i for i, layer in enumerate(layers) for app in layer}
    owner = _namespaces(root)
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        app = path.relative_to(root).parts[0]
        if app not in level:
            continue
        for found in URL_NAME.finditer(path.read_text(encoding="utf-8", errors="ignore")):
            target = owner.get(found.group(1))
            if target in level and level[target] > level[app]:
                out.append(f"{path.relative_to(root)} -> {found.group(1)}:")
    return sorted(set(out))


def test_no_base_app_names_a_page_of_a_higher_app() -> None:
    assert upward_url_names(SRC, _layers()) == []


def test_the_url_check_finds_an_upward_name(tmp_path: Path) -> None:
    for app, body in {
        "fees": 'app_name = "fees"\n',
        "cases": 'app_name = "cases"\n',
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "urls.py").write_text(body)
    (tmp_path / "cases" / "page.html").write_text("{% url 'fees:case' 1 %}")
    (tmp_path / "fees" / "page.html").write_text("{% url 'cases:detail' 1 %}")
    layers = [{"cases"}, {"fees"}]
    assert upward_url_names(tmp_path, layers) == ["cases/page.html -> fees:"]
