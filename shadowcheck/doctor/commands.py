"""The install and uninstall commands a finding's help gives, for the tool that installed."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from shadowcheck.ftypes import Distribution, TargetEnvironment


@dataclass(frozen=True)
class InstallerCommand:
    python: str  # the target interpreter, as the report shows it
    uv: bool  # `uv pip ... --python PY` instead of `PY -m pip ...`

    def install(self, requirements: Iterable[str], *options: str) -> str:
        return self._command("install", [*options, *requirements])

    def uninstall(self, names: Iterable[str]) -> str:
        # pip asks for confirmation, uv does not.
        return self._command("uninstall", [*([] if self.uv else ["-y"]), *names])

    def _command(self, verb: str, arguments: list[str]) -> str:
        words = " ".join(shlex.quote(a) for a in arguments)
        if self.uv:
            return f"uv pip {verb} --python {shlex.quote(self.python)} {words}"
        return f"{shlex.quote(self.python)} -m pip {verb} {words}"


def installer_command(
    environment: TargetEnvironment, python: str, distributions: Iterable[Distribution] = ()
) -> InstallerCommand:
    """The command for ``environment`` (its interpreter shown as ``python``): uv's when uv made
    it or installed all of ``distributions`` (such an environment usually has no pip), pip's
    otherwise."""
    installers = {d.installer for d in distributions}
    return InstallerCommand(python, uv=environment.made_by_uv or installers == {"uv"})
