"""The command line: parse, load configuration, call one function, choose the exit status."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from shadowcheck import __version__
from shadowcheck.check import Settings, run_check
from shadowcheck.config import find_config, load_config, validate_codes
from shadowcheck.environment.process import Terminated
from shadowcheck.ftypes import Problem, ShadowcheckError
from shadowcheck.reporters import REPORTERS, verify_json, verify_text
from shadowcheck.verify import Target, VerifySettings, run_verify

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# 128 + the signal's number, as a shell reports a command a signal ended: Ctrl-C (SIGINT)
# and SIGTERM. Returned, not died of, so that main() can return it to tests as well.
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class _DefaultToCheck(click.Group):
    """`shadowcheck .` is `shadowcheck check .`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shadowcheck")
def cli() -> None:
    """Find project files that shadow the standard library or installed packages."""


def _use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def _output(output_file: str | None):
    if output_file is None:
        yield sys.stdout
        return
    try:
        with open(output_file, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
    except OSError as error:
        raise ShadowcheckError(f"{output_file}: cannot write: {error.strerror}") from None


def _codes(values: tuple[str, ...], option: str) -> list[str]:
    return validate_codes([c for v in values for c in v.split(",") if c.strip()], option)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--python", "python", metavar="PATH", help="The interpreter whose environment to inspect.")
@click.option(
    "--format", "output_format", type=click.Choice(sorted(REPORTERS)), envvar="SHADOWCHECK_OUTPUT_FORMAT",
    show_envvar=True, default="text", show_default=True, help="Output format.",
)  # fmt: skip
@click.option("--output-file", metavar="PATH", help="Write the report to PATH instead of standard output.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes (comma-separated).")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="Replace the configured excludes.")
@click.option("--extend-exclude", multiple=True, metavar="PATTERN", help="Exclude these too.")
@click.option("--allow", multiple=True, metavar="MODULE", help="A module the project shadows on purpose.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is found.")
@click.option("--no-cache", is_flag=True, help="Ask the interpreter again instead of using the cached answer.")
@click.option("--diff", is_flag=True, help="Show the fix (renames and rewritten imports) as a patch; write nothing.")
@click.option("--fix", "apply_fix", is_flag=True, help="Rename each shadowing module and rewrite the imports that meant it.")
@click.option("--rename", multiple=True, metavar="OLD=NEW", help="The new name for a module (default: one that shadows nothing).")
@click.option("--allow-dirty", is_flag=True, help="Fix files that have uncommitted changes in git.")
def check(paths, python, output_format, output_file, color, select, ignore, exclude, extend_exclude, allow, exit_zero, no_cache, diff, apply_fix, rename, allow_dirty):
    """Report project modules that shadow the stdlib or an installed package (default: .)."""
    if diff and apply_fix:
        raise click.UsageError("give one of --diff (show) and --fix (write)")
    if (diff or apply_fix) and output_format != "text":
        raise click.UsageError("--diff and --fix print a patch or a summary, not --format " + output_format)
    if (rename or allow_dirty) and not (diff or apply_fix):
        raise click.UsageError("--rename and --allow-dirty go with --diff or --fix")
    paths = tuple(Path(p) for p in paths) or (Path("."),)
    config_path = find_config(paths[0].resolve())
    config = load_config(config_path) if config_path else {}
    # Flags beat pyproject.toml, which beats the defaults.
    selected = _codes(select, "--select") if select else config.get("select")
    settings = Settings(
        paths=paths,
        python=_users_python(python),
        configured_python=config.get("python"),
        exclude=(*(exclude or config.get("exclude", ())), *config.get("extend_exclude", ()), *extend_exclude),
        roots=tuple(Path(r) for r in config.get("roots", ())),
        allow=frozenset((*config.get("allow", ()), *allow)),
        select=None if selected is None else frozenset(selected),
        ignore=frozenset((*config.get("ignore", ()), *_codes(ignore, "--ignore"))),
        use_cache=not no_cache,
    )
    report = run_check(settings)
    if diff or apply_fix:
        raise SystemExit(_fix(report, settings, diff, rename, allow_dirty, output_file))
    with _output(output_file) as stream:
        REPORTERS[output_format](report, stream, _use_color(color, stream))
    for problem in report.problems:
        click.echo(f"shadowcheck: error: {problem.shown(os.getcwd())}", err=True)
    raise SystemExit(exit_status(bool(report.findings), report.problems, exit_zero))


def _fix(report, settings: Settings, diff: bool, rename: tuple[str, ...], allow_dirty: bool, output_file: str | None) -> int:
    from shadowcheck.fix.command import FixRequest, parse_rename, run_fix  # libcst: only when fixing

    for problem in report.problems:
        click.echo(f"shadowcheck: error: {problem.shown(os.getcwd())}", err=True)
    if report.problems:
        click.echo("shadowcheck: error: the check was incomplete; nothing was fixed", err=True)
        return EXIT_ERROR
    request = FixRequest(
        write=not diff, renames=parse_rename(rename), allow_dirty=allow_dirty, python=settings.python,
        exclude=settings.exclude, environ=settings.environ, use_cache=settings.use_cache,
    )  # fmt: skip
    with _output(output_file) as stream:
        return run_fix(report, request, stream, click.get_text_stream("stderr"))


VERIFY_REPORTERS = {"text": verify_text.write, "json": verify_json.write}


@cli.command()
@click.argument("script", required=False, type=click.Path(path_type=Path))
@click.option("-m", "module", metavar="MODULE", help="Predict `python -m MODULE` instead of a script.")
@click.option("--reference", is_flag=True, help="Verify the reference Keras CNN script as if it sat in the working directory.")
@click.option("--python", "python", metavar="PATH", help="The interpreter that will run the script.")
@click.option("--safe-path", "-P", "safe_path", is_flag=True, help="Predict `python -P` (no script directory on sys.path).")
# No SHADOWCHECK_OUTPUT_FORMAT here: it names check's formats (sarif, github ...),
# which verify does not have.
@click.option("--format", "output_format", type=click.Choice(sorted(VERIFY_REPORTERS)), default="text", show_default=True)
@click.option("--output-file", metavar="PATH", help="Write the report to PATH instead of standard output.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--no-cache", is_flag=True, help="Ask the interpreter again instead of using the cached answer.")
def verify(script, module, reference, python, safe_path, output_format, output_file, color, no_cache):
    """Predict whether `python SCRIPT` (or -m MODULE) imports the installed packages."""
    if sum((script is not None, module is not None, reference)) != 1:
        raise click.UsageError("give exactly one of SCRIPT, -m MODULE or --reference")
    settings = VerifySettings(
        target=Target(script=script, module=module, reference=reference),
        python=_users_python(python),
        use_cache=not no_cache,
        safe_path=safe_path,
    )
    verification = run_verify(settings)
    with _output(output_file) as stream:
        VERIFY_REPORTERS[output_format](verification, stream, _use_color(color, stream))
    for problem in verification.problems:
        click.echo(f"shadowcheck: error: {problem.shown(os.getcwd())}", err=True)
    raise SystemExit(exit_status(bool(verification.errors), verification.problems, exit_zero=False))


def _users_python(option: str | None) -> str | None:
    # --python "" is a mistake to report, not "no choice"; an empty variable is unset.
    return option if option is not None else os.environ.get("SHADOWCHECK_PYTHON") or None


def exit_status(found: bool, problems: tuple[Problem, ...], exit_zero: bool) -> int:
    """The one place the exit status is decided."""
    if problems:
        return EXIT_ERROR
    if found and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting (for tests)."""
    try:
        cli.main(args=argv, prog_name="shadowcheck", standalone_mode=False)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else EXIT_ERROR
    except click.exceptions.Exit as exit:
        return exit.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort as abort:
        # click turns a KeyboardInterrupt during the command into Abort.
        click.echo("shadowcheck: interrupted", err=True)
        return EXIT_INTERRUPTED if isinstance(abort.__context__, KeyboardInterrupt) else EXIT_ERROR
    except ShadowcheckError as error:
        click.echo(f"shadowcheck: error: {error}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("shadowcheck: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo("shadowcheck: terminated", err=True)
        return EXIT_TERMINATED
    except Exception as error:  # a bug: one line, not a traceback, unless asked for
        if os.environ.get("SHADOWCHECK_DEBUG"):
            raise
        click.echo(f"shadowcheck: internal error: {type(error).__name__}: {error} (set SHADOWCHECK_DEBUG=1 for a traceback)", err=True)
        return EXIT_ERROR
    return EXIT_CLEAN
