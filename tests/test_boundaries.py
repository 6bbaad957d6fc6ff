"""Architecture rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import attune_tui

PACKAGE = Path(attune_tui.__file__).parent


def _modules_outside_ui() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="attune_tui."):
        if info.name.startswith("attune_tui.ui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_no_textual_outside_ui_at_import_time() -> None:
    modules = _modules_outside_ui()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_textual_import_statement_outside_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "textual"]
    assert offenders == []


def test_no_network_code() -> None:
    forbidden = {"socket", "http", "urllib", "requests", "httpx", "aiohttp", "ftplib", "smtplib"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                offenders += [a.name for a in node.names if a.name.split(".")[0] in forbidden]
            elif isinstance(node, ast.ImportFrom):
                top = (node.module or "").split(".")[0]
                offenders += [f"{path}: {node.module}"] if top in forbidden else []
    assert offenders == []
