"""Over generated projects: after --fix, `shadowcheck .` finds nothing, and every line of every
file that is not part of an import statement is byte for byte what it was."""

from __future__ import annotations

import ast
import io
import re
import tempfile
from pathlib import Path

from conftest import make_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadowcheck.check import Settings, run_check
from shadowcheck.fix.command import FixRequest, run_fix

LOCAL_NAMES = ("alpha", "beta", "gamma")
# What the real module has that the local one never defines (demo-pkg's wheel, the stdlib).
REAL = {"demopkg": ("VALUE", "models"), "random": ("randint", "choice")}
FILLER = st.text(alphabet="abc xyz_é#'\"\\", max_size=12)


@st.composite
def projects(draw):
    module = draw(st.sampled_from(sorted(REAL)))
    is_package = draw(st.booleans())
    defined = draw(st.lists(st.sampled_from(LOCAL_NAMES), min_size=1, unique=True))
    body = "".join(f"def {name}():\n    return {name!r}\n" for name in defined)
    tree: dict[str, str | bytes] = (
        {f"{module}/__init__.py": body, f"{module}/helpers.py": "def helper():\n    return 1\n"}
        if is_package
        else {f"{module}.py": body}
    )
    real = REAL[module]
    statements = [
        f"from {module} import {', '.join(draw(st.lists(st.sampled_from(defined), min_size=1, unique=True)))}",
        f"from {module} import {real[0]}",
        f"import {module}",
        f"import {module} as alias_{draw(st.integers(0, 9))}",
        f"from {module} import (\n    {defined[0]},  # why\n)",
    ]
    if is_package:
        statements += [f"from {module}.helpers import helper", f"import {module}.helpers"]
    elif module == "demopkg":
        statements += [f"from {module}.models import Sequential", f"import {module}.models"]
    uses = [f"{module}.{name}()" for name in (*defined, real[0])]
    for name in ("main", "app", "tools"):
        lines = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(statements),
                    st.sampled_from(uses),
                    FILLER.map(lambda text: "# " + text),
                    FILLER.map(lambda text: f"s = {text!r}"),
                    st.just(""),
                ),
                max_size=8,
            )
        )
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        tree[f"{name}.py"] = (newline.join(lines) + newline).encode()
    return module, tree


def _non_import_lines(data: bytes) -> list[tuple[int, bytes]]:
    inside = set()
    for node in ast.walk(ast.parse(data)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            inside.update(range(node.lineno, node.end_lineno + 1))
    return [(n, line) for n, line in enumerate(re.split(rb"(?<=\n)", data), start=1) if n not in inside]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(project=projects())
def test_fix_then_check_finds_nothing_and_keeps_other_lines(tmp_path_factory, target_venv, project):
    module, tree = project
    root = make_tree(Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp())), tree)
    check = Settings(python=target_venv.python)
    report = run_check(check, root)
    assert {f.module for f in report.findings} == {module}, "the generated tree must contain the shadow"
    before = {p: (root / p).read_bytes() for p in tree}
    request = FixRequest(write=True, renames={}, allow_dirty=False, python=target_venv.python, exclude=(), environ={})
    run_fix(report, request, io.StringIO(), io.StringIO(), cwd=root)
    after_report = run_check(check, root)
    assert after_report.findings == () and after_report.problems == ()
    for path, data in before.items():
        moved = path.replace(module, f"{module}_{'experiments' if module == 'demopkg' else 'utils'}", 1) if path.startswith(module) else path
        assert _non_import_lines((root / moved).read_bytes()) == _non_import_lines(data), path
