"""Options declared once: `[tool.shadowcheck]` is the defaults of the command line's options.

An option declared with ``setting(...)`` (a ``Setting``) can also be set in the table, under its
name with dashes (`extend_exclude` -> `extend-exclude`). Before a command parses its arguments,
the nearest table is read into click's ``default_map`` (as deptry does), so a configured value is
converted, validated and overridden exactly like the flag: flags and environment variables beat
the file, which beats the defaults, for every option alike. A key that no command declares is an
error that lists the known ones. Adding an option is one decorator; making it configurable is
choosing ``setting`` over ``click.option``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click

from shadowcheck.config import TABLE, find_config, validate_codes
from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.paths import relative

class Setting(click.Option):
    """An option that `[tool.shadowcheck]` can set too.

    ``from_file`` turns a configured value, given relative to the pyproject.toml's directory,
    into what the flag would mean (flags are relative to the working directory).
    """

    def __init__(self, *args, from_file: Callable[[object, Path], object] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_file = from_file
        self.help = f"{self.help or ''} [config]".strip()

    @property
    def key(self) -> str:
        return self.name.replace("_", "-")


def setting(*declarations: str, **attributes):
    """``click.option`` for an option that `[tool.shadowcheck]` can set too."""
    return click.option(*declarations, cls=Setting, **attributes)


class ConfiguredCommand(click.Command):
    """A command whose options default to the nearest `[tool.shadowcheck]`.

    ``config_from`` names the argument whose (first) value is where to start looking for
    pyproject.toml; the working directory when it is absent.
    """

    def __init__(self, *args, config_from: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.config_from = config_from

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # A first pass only to learn where to look: no conversion, no callbacks.
        opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        if opts.get("help") is not True:
            start = opts.get(self.config_from) if self.config_from else None
            if isinstance(start, (list, tuple)):
                start = start[0] if start else None
            start = start if isinstance(start, str) else "."  # absent (click's own sentinel): cwd
            ctx.default_map = {**(ctx.default_map or {}), **self._configured(ctx, Path(start))}
        return super().parse_args(ctx, args)

    def _configured(self, ctx: click.Context, start: Path) -> dict:
        found = find_config(Path(os.path.abspath(start)))
        if found is None:
            return {}
        pyproject, table = found
        shown = relative(pyproject, Path.cwd())
        known = known_settings(ctx)
        for key in table:
            if key not in known:
                raise ShadowcheckError(f"{shown}: unknown key '{key}' in {TABLE}; known keys: {', '.join(sorted(known))}")
        own = {p.key: p for p in self.params if isinstance(p, Setting)}
        defaults = {}
        for key, value in table.items():
            # Every key is checked, also those of other commands: the file is wrong for all.
            param = own.get(key) or known[key]
            value = _checked_shape(param, value, shown)
            if param.from_file is not None:
                value = param.from_file(value, pyproject.parent)
            try:
                param.process_value(ctx, value)  # the flag's own conversion and callback
            except click.BadParameter as error:
                raise ShadowcheckError(f"{shown}: '{key}' in {TABLE}: {error.message}") from None
            if key in own:
                defaults[param.name] = value
        return defaults


def known_settings(ctx: click.Context) -> dict[str, Setting]:
    """Every configurable option of every command, by key."""
    root = ctx.find_root().command
    commands = root.commands.values() if isinstance(root, click.Group) else (ctx.command,)
    return {p.key: p for command in commands for p in command.params if isinstance(p, Setting)}


def _checked_shape(param: Setting, value: object, shown: str) -> object:
    if param.multiple:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise ShadowcheckError(f"{shown}: '{param.key}' in {TABLE} must be a list of strings")
    if param.is_flag:
        if isinstance(value, bool):
            return value
        raise ShadowcheckError(f"{shown}: '{param.key}' in {TABLE} must be true or false")
    if isinstance(value, str):
        return value
    raise ShadowcheckError(f"{shown}: '{param.key}' in {TABLE} must be a string")


def rule_codes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> frozenset[str]:
    """Callback for --select/--ignore: comma-separated or repeated codes, validated."""
    try:
        return frozenset(validate_codes(code for value in values for code in value.split(",") if code.strip()))
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def relative_to_file(values: list[str], directory: Path) -> list[str]:
    """``from_file`` for paths: each resolved against the pyproject.toml's directory."""
    return [os.path.join(directory, value) for value in values]


def path_like_relative_to_file(value: str, directory: Path) -> str:
    """``from_file`` for --python: a path (`.venv/bin/python`) is the file's; a bare name
    (`python3.12`) is looked up on PATH like the flag's."""
    if os.sep in value or (os.altsep and os.altsep in value) or value.startswith("."):
        return os.path.join(directory, value)
    return value


# --- the options more than one command takes -------------------------------------------------

python_option = setting(
    "--python", "python", metavar="PATH", envvar="SHADOWCHECK_PYTHON", show_envvar=True,
    from_file=path_like_relative_to_file,
    help="The interpreter whose environment to inspect: an executable, a venv directory or a name on PATH.",
)  # fmt: skip
output_file_option = click.option(
    "--output-file", metavar="PATH", help="Write the report to PATH; a one-line summary still goes to standard error."
)
color_option = click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Colour on a terminal only (auto); NO_COLOR is honoured.",
)  # fmt: skip


def fail_on_option(default: str):
    """--fail-on: each command has its own default (check fails on any finding, verify on what
    will break the run)."""
    return setting(
        "--fail-on", type=click.Choice(["error", "warning"]), default=default, show_default=True,
        help="The lowest severity that makes the exit status 1.",
    )  # fmt: skip


no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Ask the interpreter again instead of using its cached answer."
)
