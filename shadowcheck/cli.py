"""The command line: parse, load configuration, call one function, choose the exit status.

Options are declared once, in options.py or on their command below; `[tool.shadowcheck]` is their
defaults (options.py). To add an option to `check`: one decorator on it, then read the value.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click
from click.core import ParameterSource

from shadowcheck import __version__
from shadowcheck.environment.process import Terminated
from shadowcheck.ftypes import NO_PROGRESS, Problem, Progress, ShadowcheckError
from shadowcheck.options import (
    ConfiguredCommand,
    color_option,
    fail_on_option,
    no_cache_option,
    output_file_option,
    python_option,
    relative_to_file,
    rule_codes,
    setting,
)
from shadowcheck.reporters import FIX_FORMATS, FORMATS, STATISTICS_FORMATS, Display, writer
from shadowcheck.reporters.escape import ESCAPE, EscapingStream, one_line, printable

# Each command imports what it runs when it runs: `shadowcheck .` starts in a fraction of the
# time it took when every command's modules (doctor's, verify's, libcst's) loaded first.
if TYPE_CHECKING:
    from shadowcheck.check import Settings
    from shadowcheck.doctor.training import Epoch

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# 128 + the signal's number, as a shell reports a command a signal ended: Ctrl-C (SIGINT)
# and SIGTERM. Returned, not died of, so that main() can return it to tests as well.
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

# \b keeps click from re-flowing the lists.
REFERENCE = """\b
Exit status:
  0    nothing found at or above --fail-on
  1    findings at or above --fail-on
  2    a problem: bad usage or configuration, an unreadable file, a
       syntax error the target's Python rejects, an interpreter that
       cannot be asked (one line on standard error each; the findings
       that could be made are still reported)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)

\b
The environment inspected is the first of:
  1. --python or $SHADOWCHECK_PYTHON (your own choice: always run)
  2. `python` in [tool.shadowcheck]
  3. $VIRTUAL_ENV
  4. .venv/ or venv/ in the project
  5. $CONDA_PREFIX
  6. the interpreter running shadowcheck (in an environment made for
     shadowcheck alone, pre-commit's, pipx's or uv's: its standard library
     and the project's declared dependencies)
What the repository chose (2, 4) runs only if it is a virtualenv made on
this machine.

Options marked [config] can also be set in [tool.shadowcheck] in pyproject.toml,
under the option's name (`extend-exclude = ["scratch/"]`); flags and
environment variables override the file.
"""


class _DefaultToCheck(click.Group):
    """`shadowcheck .` is `shadowcheck check .`; a mistyped command is not taken for a path."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first not in (*self.commands, "--help", "-h", "--version", "-V"):
            if first is not None and not first.startswith("-") and not os.path.lexists(first):
                import difflib

                close = difflib.get_close_matches(first, list(self.commands), n=1)
                if close:
                    raise click.UsageError(f"no such command or path '{first}'; did you mean '{close[0]}'?", ctx)
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="shadowcheck")
def cli() -> None:
    """Find project files that shadow the standard library or installed packages.

    \b
    shadowcheck [check] [PATH ...]   report what the project shadows (the default)
    shadowcheck verify train.py      predict every import of `python train.py`
    shadowcheck doctor               examine the environment before training
    shadowcheck explain < error.txt  name the file at fault for a pasted import error
    shadowcheck rule SC101           explain a rule
    """


cli.epilog = REFERENCE


# --- where output goes -----------------------------------------------------------------------


def _say(message: str) -> None:
    """One line on standard error, whatever its encoding and whatever the message holds."""
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    try:
        click.echo(printable(one_line(message), encoding), err=True)
    except (OSError, LookupError):
        pass  # nowhere left to say it


def _silence_stdout() -> None:
    # What is still buffered for a closed or full stdout would fail again when Python exits
    # ("Exception ignored ... BrokenPipeError", exit 120): send it to /dev/null instead.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def _output(output_file: str | None, escaped: bool = True) -> Iterator[TextIO]:
    """Standard output, or ``output_file`` (UTF-8), for a report. ``escaped``: characters the
    stream cannot encode are escaped (a patch keeps its bytes instead). A reader that stops
    reading (`| head`) ends the output quietly, as other command-line tools do; a full disk is a
    problem."""
    if output_file is None:
        stream = EscapingStream(sys.stdout) if escaped else sys.stdout
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:
            _silence_stdout()
        except OSError as error:
            _silence_stdout()
            raise ShadowcheckError(f"cannot write to standard output: {error.strerror}") from None
        return
    try:
        with open(output_file, "w", encoding="utf-8", errors=ESCAPE, newline="\n") as stream:
            yield stream
    except OSError as error:
        raise ShadowcheckError(f"{output_file}: cannot write: {error.strerror}") from None


def _emit(write: Callable[[TextIO, bool], None], output_file: str | None, color: str, summary: str) -> None:
    """Run ``write`` on the output; with ``output_file``, ``summary`` also goes to standard error,
    so that a CI log still says what happened."""
    with _output(output_file) as stream:
        write(stream, _use_color(color, stream))
    if output_file is not None:
        _say(f"{summary} Report written to {output_file}.")


def _report_problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        _say(f"shadowcheck: error: {problem.shown(os.getcwd())}")


def _report_notes(notes: tuple[Problem, ...]) -> None:
    # What was read only in part, though enough to go on: said, never an error.
    for note in notes:
        _say(f"shadowcheck: note: {note.shown(os.getcwd())}")


@contextmanager
def _progress() -> Iterator[Progress]:
    """Progress for the engines: on a terminal's stderr only, erased when the run ends."""
    if not sys.stderr.isatty():
        yield NO_PROGRESS
        return
    from shadowcheck.reporters.progress import TerminalProgress

    shown = TerminalProgress(sys.stderr)
    try:
        yield shown
    finally:
        shown.close()


def exit_status(errors: int, warnings: int, problems: tuple[Problem, ...], fail_on: str, exit_zero: bool = False) -> int:
    """The one place the exit status is decided: a problem beats findings, which beat nothing."""
    if problems:
        return EXIT_ERROR
    failing = errors + (warnings if fail_on == "warning" else 0)
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN


# --- check -----------------------------------------------------------------------------------


@cli.command(
    cls=ConfiguredCommand, config_from="paths", epilog=REFERENCE,
    short_help="Report project modules that shadow the standard library or an installed package (the default command).",
)  # fmt: skip
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@python_option
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(FORMATS), default="text",
    envvar="SHADOWCHECK_OUTPUT_FORMAT", show_envvar=True, show_default=True, help="How to write the report.",
)  # fmt: skip
@output_file_option
@color_option
@setting("--select", multiple=True, metavar="CODES", callback=rule_codes, help="Only these rule codes (comma-separated or repeated).")
@setting("--ignore", multiple=True, metavar="CODES", callback=rule_codes, help="Skip these rule codes.")
@setting("--exclude", multiple=True, metavar="PATTERN", help="Skip these files or directories (replaces the configured list).")
@setting("--extend-exclude", multiple=True, metavar="PATTERN", help="Skip these too, on top of --exclude.")
@setting("--root", "roots", multiple=True, metavar="DIR", from_file=relative_to_file,
         help="Also an import root: a directory scripts are run from.")  # fmt: skip
@setting("--allow", multiple=True, metavar="MODULE", help="A module name the project shadows on purpose.")
@fail_on_option("warning")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is found (problems still exit 2).")
@click.option("--statistics", is_flag=True, help="Count the findings of each rule instead of listing them.")
@click.option("--all-importers", is_flag=True, help="List every importing statement under a finding, not the first 5.")
@no_cache_option
@click.option("--diff", is_flag=True, help="Show the fix (renames and rewritten imports) as a patch; write nothing.")
@click.option("--fix", "apply_fix", is_flag=True, help="Rename each shadowing module and rewrite the imports that meant it.")
@click.option(
    "--rename", multiple=True, metavar="OLD=NEW",
    help="The new name for module OLD (default: the finding's suggestion: OLD_experiments, OLD_utils, else OLD_local; "
    "never a name that shadows something or collides with a file).",
)  # fmt: skip
@click.option("--allow-dirty", is_flag=True, help="Fix files that have uncommitted changes in git.")
def check(paths, python, output_format, output_file, color, select, ignore, exclude, extend_exclude, roots, allow,
          fail_on, exit_zero, statistics, all_importers, no_cache, diff, apply_fix, rename, allow_dirty):  # fmt: skip
    """Report project modules that shadow the standard library or an installed package.

    Each PATH (default: .) is a project root; a file PATH checks that file only.
    """
    if statistics and output_format not in STATISTICS_FORMATS:
        raise click.UsageError(f"--statistics writes {', '.join(STATISTICS_FORMATS)}, not {output_format}")
    if diff and apply_fix:
        raise click.UsageError("give one of --diff (show) and --fix (write)")
    if (diff or apply_fix) and (output_format != "text" or statistics):
        raise click.UsageError(f"--diff and --fix print a patch or a summary, not --output-format {output_format}")
    if (rename or allow_dirty) and not (diff or apply_fix):
        raise click.UsageError("--rename and --allow-dirty go with --diff or --fix")
    from shadowcheck.check import Settings, run_check
    from shadowcheck.reporters.text import summary

    users_python, configured_python = _python_choice(python)
    with _progress() as progress:
        settings = Settings(
            paths=tuple(Path(p) for p in paths) or (Path("."),),
            python=users_python,
            configured_python=configured_python,
            exclude=(*exclude, *extend_exclude),
            roots=tuple(Path(r) for r in roots),
            allow=frozenset(allow),
            select=select or None,
            ignore=ignore,
            use_cache=not no_cache,
            progress=progress,
            # Only the formats that show fixes pay for planning them (libcst and every importer).
            fixes=output_format in FIX_FORMATS and not statistics and not (diff or apply_fix),
            one_shot=True,
        )
        report = run_check(settings)
    if diff or apply_fix:
        raise SystemExit(_fix(report, settings, diff, rename, allow_dirty, output_file))
    write = writer(output_format, statistics)
    _emit(
        lambda stream, use_color: write(report, stream, Display(color=use_color, all_importers=all_importers)),
        output_file, color, summary(report),
    )  # fmt: skip
    _report_problems(report.problems)
    _report_notes(report.notes)
    raise SystemExit(exit_status(report.errors, report.warnings, report.problems, fail_on, exit_zero))


def _python_choice(python: str | None) -> tuple[str | None, str | None]:
    """(the user's interpreter, the repository's): --python and $SHADOWCHECK_PYTHON are the
    user's own choice, always run; `python` in [tool.shadowcheck] is the repository's, which
    environment/trust.py decides about. (--python "" is a mistake to report, not "none".)"""
    if click.get_current_context().get_parameter_source("python") is ParameterSource.DEFAULT_MAP:
        return None, python
    return python, None


def _fix(report, settings: Settings, diff: bool, rename: tuple[str, ...], allow_dirty: bool, output_file: str | None) -> int:
    from shadowcheck.fix.command import FixRequest, parse_rename, run_fix  # libcst: only when fixing

    _report_problems(report.problems)
    if report.problems:
        _say("shadowcheck: error: the check was incomplete; nothing was fixed")
        return EXIT_ERROR
    request = FixRequest(
        write=not diff, renames=parse_rename(rename), allow_dirty=allow_dirty, python=settings.python,
        exclude=settings.exclude, environ=settings.environ, use_cache=settings.use_cache,
    )  # fmt: skip
    with _output(output_file, escaped=False) as stream:  # a patch keeps the bytes of its names
        return run_fix(report, request, stream, click.get_text_stream("stderr"))


# --- verify ----------------------------------------------------------------------------------

@cli.command(
    cls=ConfiguredCommand, config_from="script", epilog=REFERENCE,
    short_help="Predict whether `python SCRIPT` (or -m MODULE) imports what is installed, without running it.",
)  # fmt: skip
@click.argument("script", required=False, type=click.Path(path_type=Path))
@click.option("-m", "module", metavar="MODULE", help="Predict `python -m MODULE` instead of a script.")
@click.option("--reference", is_flag=True, help="Verify the reference Keras CNN script as if it sat in the working directory.")
@python_option
@click.option("--safe-path", "-P", "safe_path", is_flag=True, help="Predict `python -P` (no script directory on sys.path).")
# No SHADOWCHECK_OUTPUT_FORMAT here: it names check's formats (sarif, github ...), which verify lacks.
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(["json", "text"]), default="text",
    show_default=True, help="How to write the report.",
)  # fmt: skip
@output_file_option
@color_option
@click.option("--show-ok", is_flag=True, help="List every import that resolves as intended, not just how many.")
@fail_on_option("error")
@no_cache_option
def verify(script, module, reference, python, safe_path, output_format, output_file, color, show_ok, fail_on, no_cache):
    """Predict whether `python SCRIPT` (or `python -m MODULE`) imports the installed packages.

    Nothing is run: sys.path is built as CPython builds it for that run and every import of the
    script, and of the project modules it reaches, is resolved as the import system would.
    """
    if sum((script is not None, module is not None, reference)) != 1:
        raise click.UsageError("give exactly one of SCRIPT, -m MODULE or --reference")
    from shadowcheck.reporters import verify_json, verify_text
    from shadowcheck.verify import Target, VerifySettings, run_verify

    users_python, configured_python = _python_choice(python)
    with _progress() as progress:
        settings = VerifySettings(
            target=Target(script=script, module=module, reference=reference),
            python=users_python,
            configured_python=configured_python,
            use_cache=not no_cache,
            safe_path=safe_path,
            progress=progress,
        )
        verification = run_verify(settings)
    write = {"text": verify_text.write, "json": verify_json.write}[output_format]
    _emit(
        lambda stream, use_color: write(verification, stream, Display(color=use_color, show_ok=show_ok)),
        output_file, color, verify_text.summary(verification),
    )  # fmt: skip
    _report_problems(verification.problems)
    _report_notes(verification.notes)
    raise SystemExit(exit_status(verification.errors, verification.warnings, verification.problems, fail_on))


# --- doctor ----------------------------------------------------------------------------------

@cli.command(
    cls=ConfiguredCommand, config_from="root", epilog=REFERENCE,
    short_help="Examine the environment a project will train in: check's findings, then providers, requirements, sys.path, backends, files.",
)  # fmt: skip
@click.argument("root", required=False, default=".", type=click.Path(path_type=Path))
@python_option
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(["json", "text"]), default="text",
    show_default=True, help="How to write the report.",
)  # fmt: skip
@output_file_option
@color_option
@setting("--select", multiple=True, metavar="CODES", callback=rule_codes, help="Only these rule codes (comma-separated or repeated).")
@setting("--ignore", multiple=True, metavar="CODES", callback=rule_codes, help="Skip these rule codes.")
@setting("--exclude", multiple=True, metavar="PATTERN", help="Leave these project paths out (check's findings and the import scan).")
@setting("--extend-exclude", multiple=True, metavar="PATTERN", help="Leave these out too, on top of --exclude.")
@setting("--root", "roots", multiple=True, metavar="DIR", from_file=relative_to_file,
         help="Also an import root for check's rules: a directory scripts are run from.")  # fmt: skip
@setting("--allow", multiple=True, metavar="MODULE", help="A module name the project shadows on purpose (check's rules).")
@click.option("--all", "all_distributions", is_flag=True, help="SC307: hash every distribution's files, not only those the project uses.")
@click.option("--train", is_flag=True, help="Then train the reference CNN for real with that interpreter, ROOT first on sys.path.")
@click.option("--epochs", type=click.IntRange(min=1), default=20, show_default=True, help="Epochs for --train.")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and exit.")
@fail_on_option("warning")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is found (problems still exit 2).")
@no_cache_option
def doctor(root, python, output_format, output_file, color, select, ignore, exclude, extend_exclude, roots, allow,
           all_distributions, train, epochs, list_checks, fail_on, exit_zero, no_cache):  # fmt: skip
    """Examine the environment the project in ROOT (default: .) will train in.

    check's findings for ROOT; then two distributions providing one module, requirements missing
    or out of range (as pip check says), sys.path entries that hide installed modules, imports
    nothing provides or the project does not declare, a Keras without its backend, installed files
    that no longer match their RECORD; with --train, the reference CNN trained for real. Read
    from metadata and files: nothing is imported.
    """
    from shadowcheck.doctor.run import DoctorSettings, run_doctor
    from shadowcheck.reporters import doctor_json, doctor_text
    from shadowcheck.rules import ALL_RULES

    if list_checks:
        _emit(lambda stream, _: stream.write("".join(f"{r.code}  {r.name.ljust(26)}  {r.summary}\n" for r in ALL_RULES)), None, "never", "")
        raise SystemExit(EXIT_CLEAN)
    users_python, configured_python = _python_choice(python)
    settings = DoctorSettings(
        root=root,
        python=users_python,
        configured_python=configured_python,
        select=_doctor_selection(select),
        ignore=frozenset(ignore),
        all_distributions=all_distributions,
        exclude=(*exclude, *extend_exclude),
        roots=tuple(Path(r) for r in roots),
        allow=frozenset(allow),
        train=train,
        epochs=epochs,
        use_cache=not no_cache,
    )
    if train:
        _say(f"shadowcheck doctor: examining the environment, then training the reference CNN for {epochs} epochs")
    report = run_doctor(settings, on_epoch=_epoch_progress(sys.stderr) if train else None)
    write = {"text": doctor_text.write, "json": doctor_json.write}[output_format]
    _emit(lambda stream, use_color: write(report, stream, use_color), output_file, color, doctor_text.verdict(report))
    _report_problems(report.problems)
    _report_notes(report.notes)
    # A smoke test that did not train as it should fails like an error.
    untrained = report.training is not None and not report.training.passed
    raise SystemExit(exit_status(report.errors + untrained, report.warnings, report.problems, fail_on, exit_zero))


def _doctor_selection(select: frozenset[str]) -> frozenset[str] | None:
    """doctor's --select (None: every rule). The configuration serves every command: a configured
    `select` that names none of the environment's codes is about check's rules, and leaves the
    environment's rules all selected; on the command line, --select means what it says."""
    from shadowcheck.rules import ENVIRONMENT_RULES

    if not select:
        return None
    environment = {rule.code for rule in ENVIRONMENT_RULES}
    configured = click.get_current_context().get_parameter_source("select") is ParameterSource.DEFAULT_MAP
    return frozenset(select | environment) if configured and not select & environment else frozenset(select)


def _epoch_progress(stream: TextIO) -> Callable[[Epoch], None]:
    """Each epoch as it ends: one line rewritten in place on a terminal, a line each elsewhere."""
    rewrite = hasattr(stream, "isatty") and stream.isatty()

    def show(epoch: Epoch) -> None:
        line = f"  epoch {epoch.number}/{epoch.epochs}  {epoch.seconds:.2f} s  accuracy {epoch.accuracy:.4f}"
        try:
            stream.write(("\r" + line + ("\n" if epoch.number == epoch.epochs else "")) if rewrite else line + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass  # progress is a courtesy: a closed stderr must not stop the training

    return show


# --- explain ---------------------------------------------------------------------------------

EXPLAINED, NOT_EXPLAINED = 0, 1
EXPLAIN_REFERENCE = """\b
Exit status:
  0    explained: the cause, the file at fault and the fix
  1    not explained: the cause is not one shadowcheck knows
  2    bad input: no error in it, an unreadable file, bad usage, an
       interpreter that cannot be asked
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)
""" + REFERENCE[REFERENCE.index("\n\n\b\nThe environment inspected") :]


@cli.command(
    cls=ConfiguredCommand, epilog=EXPLAIN_REFERENCE,
    short_help="Paste an import error or its traceback: the file at fault, and the fix.",
)  # fmt: skip
@click.argument("source", required=False, default="-", metavar="[-|PATH]")
@python_option
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(["json", "text"]), default="text",
    show_default=True, help="How to write the explanation.",
)  # fmt: skip
@output_file_option
@color_option
@no_cache_option
def explain(source, python, output_format, output_file, color, no_cache):
    """Explain an import error: read a traceback, or its last line, from standard input (-, the
    default) or PATH, and name the file at fault and the fix.

    \b
    The run the error came from is read from the traceback (a script, python -m, python -c;
    without frames, a run from the current directory), its sys.path built as CPython builds it,
    and each name the error gives resolved as that run resolves it, as verify does.
    """
    from shadowcheck.explain.run import ExplainSettings, run_explain
    from shadowcheck.reporters import explain_json, explain_text

    text = _read_input(source)
    users_python, configured_python = _python_choice(python)
    settings = ExplainSettings(python=users_python, configured_python=configured_python, use_cache=not no_cache)
    explanation = run_explain(text, settings)
    write = {"text": explain_text.write, "json": explain_json.write}[output_format]
    _emit(lambda stream, use_color: write(explanation, stream, use_color), output_file, color, explain_text.summary(explanation))
    _report_problems(explanation.problems)
    if explanation.problems:
        raise SystemExit(EXIT_ERROR)
    raise SystemExit(EXPLAINED if explanation.explained else NOT_EXPLAINED)


def _read_input(source: str) -> str:
    """The pasted text: standard input for "-", else the file (undecodable bytes replaced: a log
    may hold anything, and the error lines are ASCII)."""
    try:
        if source == "-":
            if sys.stdin is None:
                raise ShadowcheckError("no standard input to read the error from; give a file")
            if sys.stdin.isatty():
                _say("shadowcheck explain: paste the error, then Ctrl-D")
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        else:
            with open(source, "rb") as stream:
                data = stream.read()
    except OSError as error:
        raise ShadowcheckError(f"{source}: cannot read: {error.strerror}") from None
    return data.decode("utf-8", "replace")


# --- rule ------------------------------------------------------------------------------------


@cli.command(short_help="Explain a rule: what it does, why it matters, an example and the fix.")
@click.argument("code", required=False)
@click.option("--all", "every", is_flag=True, help="Every rule, in code order.")
def rule(code, every):
    """Explain rule CODE (SC101, or its name: shadows-installed-package)."""
    from shadowcheck.reporters import rule_doc
    from shadowcheck.rules import ALL_RULES

    if (code is None) == (not every):
        raise click.UsageError("give a rule code or --all")
    if every:
        rules = ALL_RULES
    else:
        by_code = {r.code: r for r in ALL_RULES}
        by_name = {r.name: r for r in ALL_RULES}
        found = by_code.get(code.strip().upper()) or by_name.get(code.strip().lower())
        if found is None:
            raise click.UsageError(f"unknown rule '{code}'; known: {', '.join(by_code)}")
        rules = (found,)
    _emit(lambda stream, _: stream.write("\n".join(rule_doc.markdown(r) for r in rules)), None, "never", "")
    raise SystemExit(EXIT_CLEAN)


def _usage_line(error: click.ClickException) -> str:
    """A usage error on one line, with where to read more (click's own takes four)."""
    message = " ".join(error.format_message().split())
    ctx = getattr(error, "ctx", None)
    if isinstance(error, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting (for tests)."""
    try:
        cli.main(args=argv, prog_name="shadowcheck", standalone_mode=False)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else EXIT_ERROR
    except click.exceptions.Exit as exit:
        return exit.exit_code
    except click.ClickException as error:
        _say(f"shadowcheck: error: {_usage_line(error)}")
        return EXIT_ERROR
    except click.exceptions.Abort as abort:
        # click turns a KeyboardInterrupt during the command into Abort.
        click.echo("shadowcheck: interrupted", err=True)
        return EXIT_INTERRUPTED if isinstance(abort.__context__, KeyboardInterrupt) else EXIT_ERROR
    except ShadowcheckError as error:
        _say(f"shadowcheck: error: {error}")
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
