from shadowcheck.ftypes import Severity
from shadowcheck.rules.base import Example, ShadowRule

KERAS = {"keras": {"keras/__init__.py": "", "keras/models.py": "class Sequential: pass\n"}}


class ShadowsInstalledPackage(ShadowRule):
    code = "SC101"
    name = "shadows-installed-package"
    shadows_kind = "third-party"
    summary = "A project module hides an installed package from the scripts that run beside it."
    description = (
        "Python puts the directory of the script it runs (or the working directory, for "
        "`python -m`, pytest and notebooks) first on sys.path, so a project file named like an "
        "installed distribution's import name is imported instead of the distribution. Imports of "
        "its submodules then fail with \"'keras' is not a package\", and libraries that import "
        "the name themselves break too. Reported as an error when project code run from that "
        "directory imports the name, as a warning otherwise. Inside a package, only the scripts "
        "there that run as files are affected: a warning, unless the project evidently runs them "
        "by path. The project's own distribution (keras/ in the Keras repository) is never "
        "reported."
    )
    why = (
        "The script fails on its first import of the package, with an error that names the package "
        "and not the file that hides it: `ModuleNotFoundError: No module named 'keras.models'; "
        "'keras' is not a package`, or `cannot import name 'Sequential' from 'keras'`. Worse, "
        "installed libraries that import the name get the project file too, so a `torch.py` beside "
        "a training script breaks Keras' torch backend even when no project file imports torch. "
        "The file usually began as an experiment named after the library it tries out."
    )
    example = (
        "```\n"
        "project/\n"
        "├── keras.py        # notes trying out Keras\n"
        "└── train.py        # from keras.models import Sequential\n"
        "```\n"
        "\n"
        "`python train.py` puts `project/` first on `sys.path`, so `import keras` finds `keras.py`:\n"
        "\n"
        "```\n"
        "ModuleNotFoundError: No module named 'keras.models'; 'keras' is not a package\n"
        "```"
    )
    fix = (
        "Rename the file (`keras.py` to `keras_experiments.py`) and the imports of it. When the project "
        "means to provide that name (a vendored copy), allow it with `allow = [\"keras\"]` in "
        "`[tool.shadowcheck]` or `# shadowcheck: ignore[SC101]` in the file."
    )
    help = "rename %(file)s (e.g. to %(suggestion)s)"
    message = "`%(path)s` shadows the installed %(what)s `%(module)s`%(distributions)s (%(origin)s)%(where)s"
    default_severity = Severity.WARNING
    valid = (
        Example({"mylib/__init__.py": "", "mylib/keras.py": "", "train.py": "import mylib\n"}, (), "inside-a-library-package"),
        Example({"keras_experiments.py": "", "train.py": "import keras\n"}, (), "renamed"),
        Example({"keras/data.txt": "", "train.py": "import keras\n"}, (), "namespace-portion-loses"),
        Example({"pyproject.toml": "[project]\nname = 'keras'\n", "keras/__init__.py": "", "train.py": "import keras\n"}, (), "the-projects-own-distribution"),
        Example({"mylib/__init__.py": "", "mylib/keras.py": "", "mylib/cli.py": "from . import keras\n"}, (), "package-module-with-relative-imports"),
    )  # fmt: skip
    invalid = (
        Example(
            {"keras.py": "", "train.py": "from keras.models import Sequential\n"},
            (("keras.py", "keras", "error"),),
            "module-beside-importer",
        ),
        Example({"keras.py": "x = 1\n"}, (("keras.py", "keras", "warning"),), "no-importer"),
        Example(
            {"keras/__init__.py": "", "scripts/train.py": "import keras\n"},
            (("keras/__init__.py", "keras", "warning"),),
            "importer-in-another-root",
        ),
        Example(
            {"mylib/__init__.py": "", "mylib/keras.py": "", "mylib/cli.py": "#!/usr/bin/env python\nimport keras\n"},
            (("mylib/keras.py", "keras", "warning"),),
            "package-with-a-script",
        ),
        Example(
            {"mylib/__init__.py": "", "mylib/keras.py": "", "mylib/cli_test.py": "import keras\nimport pytest\nif __name__ == '__main__':\n    pytest.main([__file__])\n"},
            (("mylib/keras.py", "keras", "error"),),
            "package-script-run-by-path",
        ),
    )
    installed = KERAS
