"""`[tool.shadowcheck]`: read as TOML, the defaults of the command line's options, for every
command; flags and environment variables override it, key by key."""

from __future__ import annotations

import json

import pytest
from conftest import make_tree

KERAS_LIKE = {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n"}
BOTH = {**KERAS_LIKE, "fractions.py": ""}
EVERYTHING = {("SC101", "demopkg.py"), ("SC102", "fractions.py")}


@pytest.fixture
def found(cli, target_venv):
    """The (code, path) of each finding of `shadowcheck check ARGS` in ``project``."""

    def run(project, *args: str, env: dict | None = None) -> set[tuple[str, str]]:
        result = cli("--output-format", "json", "--python", target_venv.python, *args, cwd=project, env=env)
        assert result.status in (0, 1), result.err
        return {(f["code"], f["path"]) for f in result.json()["findings"]}

    return run


# --- precedence: flags beat the file, for every option alike ---------------------------------


@pytest.mark.parametrize(
    "config, flags, expected",
    [
        ("", (), EVERYTHING),
        ("select = ['SC102']", (), {("SC102", "fractions.py")}),
        ("ignore = ['sc102']", (), {("SC101", "demopkg.py")}),
        ("", ("--select", "SC101"), {("SC101", "demopkg.py")}),
        ("select = ['SC101']", ("--select", "SC102"), {("SC102", "fractions.py")}),
        ("ignore = ['SC101']", ("--ignore", "SC102"), {("SC101", "demopkg.py")}),
        ("allow = ['fractions']", (), {("SC101", "demopkg.py")}),
        ("", ("--allow", "demopkg"), {("SC102", "fractions.py")}),
        ("allow = ['fractions']", ("--allow", "demopkg"), {("SC102", "fractions.py")}),
        ("exclude = ['demopkg.py']", (), {("SC102", "fractions.py")}),
        ("exclude = ['demopkg.py']", ("--exclude", "fractions.py"), {("SC101", "demopkg.py")}),
        ("extend-exclude = ['fractions.py']", (), {("SC101", "demopkg.py")}),
        ("extend-exclude = ['fractions.py']", ("--extend-exclude", "demopkg.py"), {("SC102", "fractions.py")}),
        ("exclude = ['demopkg.py']", ("--extend-exclude", "fractions.py"), set()),
    ],
    ids=["default", "select", "ignore-lowercase", "flag-select", "flag-select-beats-file",
         "flag-ignore-beats-file", "allow", "flag-allow", "flag-allow-beats-file", "exclude",
         "flag-exclude-beats-file", "extend-exclude", "flag-extend-exclude-beats-file",
         "extend-exclude-adds-to-exclude"],
)  # fmt: skip
def test_flags_override_the_file(found, tmp_path, config, flags, expected):
    project = make_tree(tmp_path, {**BOTH, "pyproject.toml": f"[tool.shadowcheck]\n{config}\n"})
    assert found(project, *flags) == expected


def test_configured_python_is_used_by_check_and_verify(cli, tmp_path, target_venv):
    project = make_tree(tmp_path, {**KERAS_LIKE, "pyproject.toml": f"[tool.shadowcheck]\npython = '{target_venv.python}'\n"})
    env = {"SHADOWCHECK_PYTHON": None, "VIRTUAL_ENV": None}
    check = cli("--output-format", "json", cwd=project, env=env)
    verify = cli("verify", "train.py", "--output-format", "json", cwd=project, env=env)
    assert (check.status, verify.status) == (1, 1), check.err + verify.err
    assert check.json()["python"] == verify.json()["python"] == target_venv.python


def test_environment_variable_beats_the_file(cli, tmp_path, target_venv):
    project = make_tree(tmp_path, {**KERAS_LIKE, "pyproject.toml": "[tool.shadowcheck]\npython = 'no-such-python-here'\n"})
    result = cli("--output-format", "json", cwd=project, env={"SHADOWCHECK_PYTHON": target_venv.python})
    assert result.status == 1 and result.json()["python"] == target_venv.python


def test_relative_paths_in_the_file_are_the_files(cli, tmp_path, target_venv):
    # roots and python are relative to the pyproject.toml, wherever shadowcheck runs from.
    tree = {
        "project/lib/__init__.py": "",
        "project/lib/fractions.py": "",
        "project/pyproject.toml": "[tool.shadowcheck]\nroots = ['lib']\npython = 'env/bin/python'\n",
    }
    make_tree(tmp_path, tree)
    (tmp_path / "project" / "env").symlink_to(target_venv.path, target_is_directory=True)
    result = cli("--output-format", "json", "project", cwd=tmp_path, env={"SHADOWCHECK_PYTHON": None})
    assert result.status == 1, result.err
    assert {(f["code"], f["path"]) for f in result.json()["findings"]} == {("SC102", "project/lib/fractions.py")}
    assert result.json()["python"] == str(tmp_path / "project" / "env" / "bin" / "python")


def test_a_library_package_is_a_root_only_when_configured(found, tmp_path):
    tree = {"lib/__init__.py": "", "lib/fractions.py": ""}
    assert found(make_tree(tmp_path / "a", tree)) == set()
    assert found(make_tree(tmp_path / "b", tree), "--root", "lib") == {("SC102", "lib/fractions.py")}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (".tools/fractions.py", set()),
        ("./.tools/fractions.py", set()),
        ("/.tools/fractions.py", set()),
        (".tools", set()),
        ("tools/fractions.py", {("SC102", ".tools/fractions.py")}),
    ],
    ids=["dot-directory", "dot-slash-prefix", "anchored", "name", "no-op-other-directory"],
)
def test_exclude_patterns_strip_a_prefix_not_characters(found, tmp_path, pattern, expected):
    project = make_tree(tmp_path, {".tools/fractions.py": "", "pyproject.toml": f"[tool.shadowcheck]\nexclude = ['{pattern}']\n"})
    assert found(project) == expected


def test_fail_on_from_the_file(cli, tmp_path, target_venv):
    # A warning only (nothing imports the shadow): exit 0 once the project fails on errors only.
    project = make_tree(tmp_path, {"fractions.py": "", "pyproject.toml": "[tool.shadowcheck]\nfail-on = 'error'\n"})
    result = cli("--python", target_venv.python, cwd=project)
    assert result.status == 0 and "SC102 [warning]" in result.out
    assert cli("--python", target_venv.python, "--fail-on", "warning", cwd=project).status == 1


# --- TOML, as TOML -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pyproject",
    [
        "[tool.shadowcheck]\nallow = ['fractions']\n",
        '[tool."shadowcheck"]\nallow = ["fractions"]\n',
        "[ tool.shadowcheck ]\nallow = ['fractions']\n",
        "[ tool . 'shadowcheck' ]\nallow = ['fractions']\n",
        "tool.shadowcheck.allow = ['fractions']\n",
        "[tool]\nshadowcheck.allow = ['fractions']\n",
        "[tool]\nshadowcheck = { allow = ['fractions'] }\n",
        '[tool."\\u0073hadowcheck"]\nallow = ["fractions"]\n',
    ],
    ids=["plain", "quoted", "spaced", "spaced-single-quoted", "dotted-key", "dotted-in-tool",
         "inline-table", "escaped-key"],
)  # fmt: skip
def test_every_spelling_of_the_table(found, tmp_path, pyproject):
    project = make_tree(tmp_path, {**BOTH, "pyproject.toml": pyproject})
    assert found(project) == {("SC101", "demopkg.py")}


@pytest.mark.parametrize(
    "pyproject",
    [
        'tool = "x"\n# [tool.shadowcheck]\n',
        '[project]\ndescription = "see [tool.shadowcheck] below"\n',
        "[tool.ruff]\nline-length = 100\n",
        "",
    ],
    ids=["tool-is-a-string-header-in-a-comment", "header-in-a-string", "other-tool", "empty"],
)
def test_text_that_only_looks_like_the_table_is_not_one(found, tmp_path, pyproject):
    project = make_tree(tmp_path, {**BOTH, "pyproject.toml": pyproject})
    assert found(project) == EVERYTHING


def test_the_nearest_table_wins_and_the_search_stops_at_the_checkout(found, tmp_path):
    make_tree(tmp_path, {"pyproject.toml": "[tool.shadowcheck]\nallow = ['demopkg', 'fractions']\n"})
    project = make_tree(tmp_path / "repo", {**BOTH, "pyproject.toml": "[project]\nname = 'x'\n"})
    assert found(project) == set()  # no table in repo/pyproject.toml: the parent's applies
    (project / ".git").mkdir()
    assert found(project) == EVERYTHING  # but not beyond the top of a checkout


@pytest.mark.parametrize(
    "pyproject, fragments",
    [
        ("[tool.shadowcheck]\nfrobnicate = 1\n",
         ("pyproject.toml: unknown key 'frobnicate' in [tool.shadowcheck]; known keys: allow, exclude, extend-exclude, "
          "fail-on, ignore, python, roots, select",)),
        ("[tool.shadowcheck]\nselect = ['SC999']\n",
         ("pyproject.toml: 'select' in [tool.shadowcheck]: unknown rule code 'SC999'; known codes: SC101, SC102",)),
        ("[tool.shadowcheck]\nallow = 'keras'\n", ("'allow' in [tool.shadowcheck] must be a list of strings",)),
        ("[tool.shadowcheck]\npython = ['a']\n", ("'python' in [tool.shadowcheck] must be a string",)),
        ("[tool.shadowcheck]\nfail-on = 'never'\n", ("'fail-on' in [tool.shadowcheck]:", "'never' is not one of")),
        ("tool.shadowcheck = 1\n", ("[tool.shadowcheck] must be a table",)),
        ("[tool.shadowcheck\n", ("pyproject.toml: invalid TOML", "line 1")),
        ('tool = "x"\n[tool.shadowcheck]\n', ("pyproject.toml: invalid TOML",)),
        ("x = " + "[" * 2000 + "]" * 2000 + "\n", ("pyproject.toml: invalid TOML",)),
    ],
    ids=["unknown-key", "unknown-code", "list-expected", "string-expected", "not-a-choice", "not-a-table",
         "malformed", "tool-redefined", "nested-too-deeply"],
)  # fmt: skip
@pytest.mark.parametrize("command", [(), ("verify", "train.py")], ids=["check", "verify"])
def test_bad_configuration_is_one_line(cli, tmp_path, target_venv, pyproject, fragments, command):
    project = make_tree(tmp_path, {**KERAS_LIKE, "pyproject.toml": pyproject})
    cli(*command, "--python", target_venv.python, cwd=project).error_line(*fragments)


def test_help_works_beside_a_broken_pyproject(cli, tmp_path):
    result = cli("check", "--help", cwd=make_tree(tmp_path, {"pyproject.toml": "[tool.shadowcheck\n"}))
    assert result.status == 0 and "--fail-on" in result.out


def test_every_option_the_file_can_set_is_marked_in_help(cli):
    # The file's keys are the options' names: --help says which ones.
    out = cli("check", "--help").out
    for key in ("python", "select", "ignore", "exclude", "extend-exclude", "root", "allow", "fail-on"):
        entry = out.split(f"--{key} ", 1)[1].split("\n  --", 1)[0]
        assert "[config]" in entry, key
    for flag in ("--exit-zero", "--statistics", "--output-file", "--no-cache"):
        assert "[config]" not in out.split(f"{flag} ", 1)[1].split("\n  -", 1)[0], flag


def test_json_report_of_a_configured_run_is_unchanged_by_where_it_is_read_from(cli, tmp_path, target_venv):
    # The table at the project root applies whether the path is `.` or the project from outside.
    project = make_tree(tmp_path / "project", {**BOTH, "pyproject.toml": "[tool.shadowcheck]\nallow = ['fractions']\n"})
    inside = cli("--output-format", "json", "--python", target_venv.python, cwd=project).json()
    outside = cli("--output-format", "json", "--python", target_venv.python, "project", cwd=tmp_path).json()
    assert [f["module"] for f in inside["findings"]] == [f["module"] for f in outside["findings"]] == ["demopkg"]
    assert json.dumps(inside["summary"]) == json.dumps(outside["summary"])
