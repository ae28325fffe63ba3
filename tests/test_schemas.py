"""The JSON reports keep their published contract: shadowcheck/schemas/*.json, shipped in the
package, validate every document the tests make; the SARIF one validates against OASIS's.
(tests/test_action.py installs the checkout and finds the schemas in the installed package.)"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import make_tree
from referencing import Registry, Resource
from trees import EVERY_FIELD, IMPORTS_SHADOW

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"


def schema(name: str) -> dict:
    return json.loads((resources.files("shadowcheck") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.protocols.Validator]:
    schemas = {name: schema(name) for name in ("check", "verify")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    made = {}
    for name, document in schemas.items():
        jsonschema.Draft202012Validator.check_schema(document)
        made[name] = jsonschema.Draft202012Validator(document, registry=registry)
    return made


def assert_valid(validator, document: dict) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


CHECK_TREES = {
    "clean": {"train.py": "import demopkg\n"},
    "findings": {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n", "scripts/fractions.py": "", "demons/functools.py": ""},
    "problem": {"demopkg.py": "", "train.py": "import demopkg\ndef (:\n"},
    "every-field": EVERY_FIELD,
}


@pytest.mark.parametrize("tree", CHECK_TREES.values(), ids=CHECK_TREES.keys())
def test_check_documents_validate(cli, tmp_path, target_venv, validators, tree):
    result = cli("--output-format", "json", "--python", target_venv.python, cwd=make_tree(tmp_path, tree))
    document = result.json()
    assert_valid(validators["check"], document)
    assert document["summary"]["problems"] == len(document["problems"]) == (result.status == 2)
    assert document["summary"]["notes"] == len(document["notes"])


def test_the_every_field_tree_exercises_every_field(cli, tmp_path, target_venv):
    # Guards the validation above: each new field is there with a value, not only its default.
    result = cli("--output-format", "json", "--python", target_venv.python, cwd=make_tree(tmp_path, EVERY_FIELD))
    assert result.status == 1, result.err
    findings = {f["path"]: f for f in result.json()["findings"]}
    assert set(findings) == {"demopkg.py", "mylib/numbers.py", "nb/fractions.py"}
    package = findings["mylib/numbers.py"]
    assert package["runs"] == ["mylib/cli.py"]
    assert package["importers"][0]["chain"] == [{"path": "mylib/cli.py", "line": 2, "statement": "import helper"}]
    (notebook,) = findings["nb/fractions.py"]["importers"]
    assert (notebook["path"], notebook["cell"], notebook["line"]) == ("nb/explore.ipynb", 2, 2)
    fix = findings["demopkg.py"]["fix"]
    assert fix["rename"] == {"from": "demopkg.py", "to": "demopkg_experiments.py"} == {"from": "demopkg.py", "to": findings["demopkg.py"]["rename_to"]}
    assert [(e["path"], e["replacement"]) for e in fix["edits"]] == [("train.py", "_experiments")]
    (note,) = result.json()["notes"]
    assert note["path"] == "nb/explore.ipynb" and "cell 3" in note["message"]


VERIFY_TREES = {
    "ok": {"train.py": "import demopkg.models\nimport json\n"},
    "shadowed-and-scanned": {"demopkg.py": "", "demosingle.py": "", "train.py": "from demopkg.models import Sequential\n"},
    "missing-guarded-and-not": {"train.py": "try:\n    import cv2\nexcept ImportError:\n    pass\nimport nothere_xyz.sub\n"},
    "problem": {"train.py": "import m\n", "m.py": "def (:\n"},
    "imports-shadow-and-notes": IMPORTS_SHADOW,
}


@pytest.mark.parametrize("tree", VERIFY_TREES.values(), ids=VERIFY_TREES.keys())
def test_verify_documents_validate(cli, tmp_path, target_venv, validators, tree):
    result = cli("verify", "train.py", "--output-format", "json", "--python", target_venv.python, cwd=make_tree(tmp_path, tree))
    document = result.json()
    assert_valid(validators["verify"], document)
    assert document["summary"]["problems"] == len(document["problems"]) == (result.status == 2)
    assert document["summary"]["notes"] == len(document["notes"])


def test_the_imports_shadow_tree_exercises_every_field(cli, tmp_path, target_venv):
    result = cli("verify", "train.py", "--output-format", "json", "--python", target_venv.python, cwd=make_tree(tmp_path, IMPORTS_SHADOW))
    document = result.json()
    first = document["imports"][0]
    assert (first["module"], first["status"], first["code"], first["shadows"]["module"]) == ("inspect", "imports-shadow", "SC102", "token")
    # From the statement itself down to the standard library's import of token.
    assert first["via"][0] == {"path": "train.py", "line": 1, "statement": "import inspect"}
    assert first["via"][-1]["statement"].startswith("from token import")
    (note,) = document["notes"]
    assert note["path"] == "big.py" and "too large to parse" in note["message"]


def test_schemas_reject_what_they_do_not_describe(validators):
    # The schemas are strict: a renamed or extra field fails, so they cannot drift silently.
    old = {"version": "0.1.0", "python": "/p", "root": "/r", "findings": [], "summary": {"files": 0, "errors": 0, "warnings": 0}}
    assert list(validators["check"].iter_errors(old))
    assert not validators["check"].is_valid({**old, "schema_version": 2, "problems": [], "summary": {**old["summary"], "problems": 0}, "extra": 1})


def test_the_sarif_schema_is_in_the_repository():
    # A plain clone validates SARIF too (tests/test_formats.py): never skipped for want of it.
    document = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert document["id"].endswith("/sarif-schema-2.1.0.json") and "run" in document["definitions"]
