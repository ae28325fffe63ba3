"""The output formats: concise, github and sarif from Report objects built here, then the real
CLI for SHADOWCHECK_OUTPUT_FORMAT and --output-file."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck import __version__
from shadowcheck.ftypes import Finding, Importer, Problem, Report, Severity, Shadowed
from shadowcheck.reporters import REPORTERS, Display, concise, github, rule_doc, sarif, text
from shadowcheck.rules import ALL_RULES

# The official SARIF 2.1.0 schema (OASIS), kept in the repository so that no clone skips it.
SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"

KERAS = Finding(
    path="keras.py",
    line=1,
    column=1,
    code="SC101",
    severity=Severity.ERROR,
    module="keras",
    message="`keras.py` shadows the installed package `keras` 3.1.0 (.venv/lib/python3.11/site-packages/keras/__init__.py)",
    shadows=Shadowed("third-party", "/p/.venv/lib/python3.11/site-packages/keras/__init__.py", (("keras", "3.1.0"),)),
    importers=(
        Importer("train.py", 3, "from keras.models import Sequential", "ModuleNotFoundError: No module named 'keras.models'; 'keras' is not a package"),
        Importer("scripts/eval.py", 7, "import keras", None),
    ),
    help="rename keras.py (e.g. to keras_experiments.py)",
    name="shadows-installed-package",
)  # fmt: skip
TOKEN = Finding(
    path="scripts/token.py",
    line=1,
    column=1,
    code="SC102",
    severity=Severity.WARNING,
    module="token",
    message="`scripts/token.py` shadows the standard-library module `token` for scripts run from scripts/",
    root="scripts",
    shadows=Shadowed("stdlib", "/usr/lib/python3.11/token.py"),
    help="rename token.py (e.g. to token_utils.py)",
    name="shadows-stdlib-module",
)


def report_for(root: Path, *findings: Finding) -> Report:
    return Report(tuple(sorted(findings)), files=4, python="/p/.venv/bin/python", root=str(root))


def render(format_name: str, report: Report) -> str:
    stream = io.StringIO()
    REPORTERS[format_name](report, stream, Display())
    return stream.getvalue()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (a `.git` directory is all the reporters look for), the cwd."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def test_every_format_is_registered():
    assert set(REPORTERS) == {"text", "json", "sarif", "github", "concise"}


# --- concise ---------------------------------------------------------------------------------


def test_concise_is_the_text_headline_of_each_finding_and_nothing_else(repo):
    output = render("concise", report_for(repo, KERAS, TOKEN))
    assert output.splitlines() == [text.headline(KERAS), text.headline(TOKEN)]
    assert output == (
        "keras.py:1:1: SC101 [error] " + KERAS.message + "\n"
        "scripts/token.py:1:1: SC102 [warning] " + TOKEN.message + "\n"
    )


def test_concise_prints_nothing_when_nothing_is_found(repo):
    assert render("concise", report_for(repo)) == ""


def test_concise_colours_only_when_asked(repo):
    stream = io.StringIO()
    concise.write(report_for(repo, KERAS), stream, Display(color=True))
    assert "\033[" in stream.getvalue() and stream.getvalue().count("\n") == 1


# --- github ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, data, prop",
    [
        pytest.param("keras.py", "keras.py", "keras.py", id="plain"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("a\nb", "a%0Ab", "a%0Ab", id="newline"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
        pytest.param("a,b:c%.py", "a,b:c%25.py", "a%2Cb%3Ac%25.py", id="comma-colon-percent"),
        pytest.param("%0A", "%250A", "%250A", id="already-looks-escaped"),
        pytest.param("C:\\proj\\keras.py", "C:\\proj\\keras.py", "C%3A\\proj\\keras.py", id="windows-path"),
    ],
)
def test_github_escaping_matches_the_actions_toolkit(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_github_annotation_for_an_error(repo):
    lines = render("github", report_for(repo, KERAS)).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=keras.py,line=1,col=1,title=SC101 shadows-installed-package::`keras.py` shadows")
    # The importers and the help follow the message on lines of their own, escaped.
    message = lines[0].split("::", 2)[2]
    assert message.split("%0A") == [
        KERAS.message,
        "train.py:3 `from keras.models import Sequential` will fail: ModuleNotFoundError: No module named 'keras.models'; 'keras' is not a package",
        "scripts/eval.py:7 `import keras` imports keras.py instead",
        "help: rename keras.py (e.g. to keras_experiments.py)",
    ]


def test_github_annotation_for_a_warning(repo):
    line = render("github", report_for(repo, TOKEN))
    assert line.startswith("::warning file=scripts/token.py,line=1,col=1,title=SC102 shadows-stdlib-module::")


def test_github_odd_file_names_and_multi_line_messages_survive(repo):
    odd = Finding(
        path="a,b:c%.py", line=2, column=5, code="SC102", severity=Severity.ERROR, module="a,b:c%",
        message="first line\r\nsecond: 100%, done", name="shadows-stdlib-module",
    )  # fmt: skip
    line = render("github", report_for(repo, odd))
    assert line == (
        "::error file=a%2Cb%3Ac%25.py,line=2,col=5,title=SC102 shadows-stdlib-module"
        "::first line%0D%0Asecond: 100%25, done\n"
    )


def test_github_prints_nothing_when_nothing_is_found(repo):
    assert render("github", report_for(repo)) == ""


# --- sarif -----------------------------------------------------------------------------------


def sarif_of(report: Report) -> dict:
    return json.loads(render("sarif", report))


def test_sarif_validates_against_the_official_schema(repo):
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    incomplete = dataclasses.replace(report_for(repo, KERAS), problems=(Problem("cannot read: Input/output error", "train.py"),))
    for report in (report_for(repo, KERAS, TOKEN), report_for(repo), incomplete):
        errors = sorted(validator.iter_errors(sarif_of(report)), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_says_when_a_problem_left_the_run_incomplete(repo):
    report = dataclasses.replace(report_for(repo, KERAS), problems=(Problem("cannot read: Input/output error", "train.py"),))
    (invocation,) = sarif_of(report)["runs"][0]["invocations"]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": "train.py: cannot read: Input/output error"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "train.py", "uriBaseId": "%SRCROOT%"}}}],
            }
        ],
    }


def test_sarif_driver_and_one_rule_per_code(repo):
    document = sarif_of(report_for(repo, KERAS))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    driver = document["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("shadowcheck", __version__)
    assert driver["informationUri"] == "https://github.com/shadowcheck/shadowcheck"
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for entry, rule in zip(driver["rules"], ALL_RULES):
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] == rule.summary
        assert entry["fullDescription"]["text"] == rule.description
        # The help is the rule's documentation, as `shadowcheck rule` prints it and the README has it.
        assert entry["help"]["markdown"] == rule_doc.markdown(rule, level=2)
        for section in (rule.description, rule.why, rule.example, rule.fix):
            assert section in entry["help"]["text"]
        assert entry["helpUri"] == f"https://github.com/shadowcheck/shadowcheck#{rule.code.lower()}-{rule.name}"
        # Every rule's findings are errors once something imports the name.
        assert entry["defaultConfiguration"]["level"] == "error"


def test_sarif_result_points_at_the_file_from_the_repository_root(repo):
    run = sarif_of(report_for(repo, KERAS, TOKEN))["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    first, second = run["results"]
    assert (first["ruleId"], first["ruleIndex"], first["level"]) == ("SC101", 0, "error")
    assert (second["ruleId"], second["ruleIndex"], second["level"]) == ("SC102", 1, "warning")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "keras.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "startColumn": 1}
    # Code scanning shows only the message: the evidence goes into it.
    assert first["message"]["text"].splitlines()[0] == KERAS.message
    assert "train.py:3 `from keras.models import Sequential` will fail" in first["message"]["text"]
    related = [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"]) for r in first["relatedLocations"]]
    assert related == [("train.py", 3), ("scripts/eval.py", 7)]
    assert "relatedLocations" not in second


def test_sarif_paths_are_relative_to_the_repository_root_not_the_cwd(repo, monkeypatch):
    # `cd repo/src && shadowcheck ..`: findings are shown relative to the cwd.
    (repo / "src").mkdir()
    monkeypatch.chdir(repo / "src")
    moved = Finding(**{**vars(KERAS), "path": "../keras.py", "importers": ()})
    spaced = Finding(**{**vars(TOKEN), "path": "../my scripts/token.py"})
    results = sarif_of(report_for(repo, moved, spaced))["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["keras.py", "my%20scripts/token.py"]


def test_github_paths_are_relative_to_the_repository_root_not_the_cwd(repo, monkeypatch):
    # Actions resolves `file=` against the workspace root: `cd src && shadowcheck ..` must
    # still annotate keras.py, not ../keras.py.
    (repo / "src").mkdir()
    monkeypatch.chdir(repo / "src")
    moved = Finding(**{**vars(KERAS), "path": "../keras.py", "importers": ()})
    stream = io.StringIO()
    github.write(report_for(repo, moved), stream)
    assert stream.getvalue().startswith("::error file=keras.py,line=1,col=1,")


def test_sarif_uses_the_enclosing_git_work_tree_as_root(repo):
    # `shadowcheck services/api` in a monorepo: Report.root is the project, not the repository.
    project = repo / "services" / "api"
    project.mkdir(parents=True)
    inside = Finding(**{**vars(KERAS), "path": "services/api/keras.py", "importers": ()})
    run = sarif_of(report_for(project, inside))["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/api/keras.py"


def fingerprint_of(report: Report) -> str:
    return sarif_of(report)["runs"][0]["results"][0]["partialFingerprints"]["shadowcheck/v1"]


def test_sarif_fingerprints_survive_line_moves_and_other_checkouts(tmp_path, monkeypatch):
    fingerprints = []
    for checkout, line in (("ci-runner-1", 1), ("elsewhere/ci-runner-2", 12)):
        root = tmp_path / checkout
        (root / ".git").mkdir(parents=True)
        monkeypatch.chdir(root)
        fingerprints.append(fingerprint_of(report_for(root, Finding(**{**vars(KERAS), "line": line}))))
    assert fingerprints[0] == fingerprints[1]
    assert len(fingerprints[0]) == 32


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"code": "SC102"}, id="code"),
        pytest.param({"path": "lib/keras.py"}, id="path"),
        pytest.param({"module": "keras2"}, id="module"),
    ],
)
def test_sarif_fingerprints_tell_different_findings_apart(repo, change):
    assert fingerprint_of(report_for(repo, KERAS)) != fingerprint_of(report_for(repo, Finding(**{**vars(KERAS), **change})))


def test_sarif_with_nothing_found_still_describes_the_tool(repo):
    run = sarif_of(report_for(repo))["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"]
    assert run["invocations"] == [{"executionSuccessful": True}]


# --- the real command line -------------------------------------------------------------------

# Shadows the standard library, so any interpreter (this one) has something to find.
# (Not random: some interpreters import it at startup, which makes it immune.)
SHADOWED = {"queue.py": "SIZE = 1\n", "run.py": "import queue\nq = queue.Queue()\n"}
CLEAN = {"queue_utils.py": "SIZE = 1\n", "run.py": "import queue\n"}


@pytest.fixture
def run_cli(cli, tmp_path):
    """The real command line on a project made from ``tree`` (a git work tree), with this
    interpreter's environment."""

    def run(tree: dict, *args: str, env: dict | None = None):
        make_tree(tmp_path / "project", tree)
        (tmp_path / "project" / ".git").mkdir(exist_ok=True)
        return cli("--python", sys.executable, *args, ".", cwd=tmp_path / "project", env=env)

    return run


@pytest.mark.parametrize(
    "format_name, starts",
    [
        pytest.param("concise", "queue.py:1:1: SC102 [error]", id="concise"),
        pytest.param("github", "::error file=queue.py,line=1,col=1,title=SC102 shadows-stdlib-module::", id="github"),
        pytest.param("sarif", "{", id="sarif"),
        pytest.param("json", "{", id="json"),
        pytest.param("text", "queue.py:1:1: SC102 [error]", id="text"),
    ],
)
def test_output_format_from_the_environment(format_name, starts, run_cli):
    result = run_cli(SHADOWED, env={"SHADOWCHECK_OUTPUT_FORMAT": format_name})
    assert result.status == 1
    assert result.out.startswith(starts)
    if format_name == "sarif":
        assert result.json()["runs"][0]["results"][0]["ruleId"] == "SC102"
    if format_name in ("concise", "github"):
        assert len(result.out.splitlines()) == 1


@pytest.mark.parametrize("flag", ["--output-format", "--format"])
def test_format_flag_beats_the_environment(run_cli, flag):
    result = run_cli(SHADOWED, flag, "concise", env={"SHADOWCHECK_OUTPUT_FORMAT": "sarif"})
    assert result.status == 1 and result.out.startswith("queue.py:1:1: SC102")


def test_unknown_format_in_the_environment_is_a_usage_error(run_cli):
    result = run_cli(SHADOWED, env={"SHADOWCHECK_OUTPUT_FORMAT": "xml"})
    assert result.status == 2
    assert len(result.err.splitlines()) == 1 and "--output-format" in result.err


@pytest.mark.parametrize(
    "tree, status",
    [pytest.param(SHADOWED, 1, id="findings-exit-1"), pytest.param(CLEAN, 0, id="clean-exit-0")],
)
@pytest.mark.parametrize("format_name", ["sarif", "json", "text", "github", "concise"])
def test_output_file_keeps_the_exit_status_and_summarises_on_stderr(tree, status, format_name, run_cli, tmp_path):
    out = tmp_path / "reports" / "shadowcheck.out"
    out.parent.mkdir()
    result = run_cli(tree, "--format", format_name, "--output-file", str(out))
    assert result.status == status and result.out == ""
    # The job log still says what happened, in one line.
    (summary,) = result.err.splitlines()
    assert summary.startswith("Found 1 problem (1 error, 0 warnings)" if status else "All checks passed")
    assert summary.endswith(f"Report written to {out}.")
    written = out.read_text(encoding="utf-8")
    if format_name == "sarif":
        assert len(json.loads(written)["runs"][0]["results"]) == status
    elif format_name == "json":
        assert len(json.loads(written)["findings"]) == status
    elif format_name == "text":
        assert written.rstrip().splitlines()[-1].startswith("Found 1 problem" if status else "All checks passed")
    else:
        assert len(written.splitlines()) == status


def test_output_file_that_cannot_be_written_is_exit_2(run_cli, tmp_path):
    result = run_cli(SHADOWED, "--output-file", str(tmp_path / "missing" / "dir" / "out.txt"))
    assert result.status == 2
    assert "cannot write" in result.err and len(result.err.splitlines()) == 1


def test_sarif_from_the_cli_validates(run_cli):
    import jsonschema

    document = run_cli(SHADOWED, "--format", "sarif").json()
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    result = document["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "queue.py"
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]] == ["run.py"]


def test_sarif_module_helpers():
    assert sarif.relative_uri("../x.py", "/r", "/r/sub") == "x.py"
    assert sarif.relative_uri("../../x.py", "/r", "/r/sub") is None
    # Percent-encoded from the name's bytes, even when they are not UTF-8.
    assert sarif.relative_uri(os.fsdecode(b"d\xff/x y.py"), "/r", "/r") == "d%FF/x%20y.py"
