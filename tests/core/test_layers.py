"""The layers hold in the source itself (issue: "nothing that reaches upward").

import-linter (`make lint`, `make test`) checks the declared layers and cycles over every import,
inside functions too. This test adds what it cannot say: a function-local import of the
project's own modules is a hidden dependency, allowed only where a comment on that line or the
line above says why (an `AppConfig.ready`, a command that must not load at start-up)."""

from __future__ import annotations

import ast
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
