from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shadowcheck.doctor.records import RecordEntry, record_digest
from shadowcheck.doctor.words import counted, joined
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Distribution, Finding
from shadowcheck.paths import real
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

CV2_INIT = "from .cv2 import *\n"
KERAS2_INIT = "# Keras 2\n"
# keras 2's metadata left beside keras 3's (an uninstall that could not finish, a conda and a pip
# install of one name): RECORD still lists keras/__init__.py, now keras 3's.
KERAS2_LEFTOVER = {
    "keras-2.15.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: keras\nVersion: 2.15.0\n\n",
    "keras-2.15.0.dist-info/RECORD": f"keras/__init__.py,sha256={record_digest(KERAS2_INIT.encode())},{len(KERAS2_INIT)}\n",
}
FULL = Wheel("opencv-python", "4.10.0.84", {"cv2/__init__.py": CV2_INIT, "cv2/cv2.py": "BUILD = 'gui'\n"})
HEADLESS = Wheel("opencv-python-headless", "4.10.0.84", {"cv2/__init__.py": CV2_INIT, "cv2/cv2.py": "BUILD = 'headless'\n"})  # fmt: skip


@dataclass(frozen=True)
class Overlap:
    """The files two or more distributions in one directory both install, and whose are on disk."""

    distributions: tuple[Distribution, ...]
    # Files whose recorded hashes differ between the distributions: someone's copy was overwritten.
    contested: int
    owned: tuple[int, ...]  # per distribution: how many contested files on disk are its copy
    missing: int  # contested files no longer on disk
    foreign: int  # contested files on disk that match none of the records
    unrecorded: tuple[str, ...]  # names of the distributions without a RECORD to compare


class DuplicateProvider(EnvironmentRule):
    code = "SC301"
    name = "duplicate-provider"
    summary = "Two installed distributions provide the same module and overwrite each other's files."
    description = (
        "Two distributions installed into the same site-packages install files for the same import "
        "name, so the second install overwrote the first one's files and uninstalling either deletes "
        "files the other needs. Which copy of each file is on disk now is found by hashing it and "
        "comparing with each distribution's RECORD. Distributions that share only identical files "
        "(the `__init__.py` of a pkgutil-style namespace, as the nvidia-* wheels do) are not reported."
    )
    why = (
        "`import cv2` gets a mixture of two builds: opencv-python's GUI functions vanish after "
        "opencv-python-headless was installed by another requirement, or `import tensorflow` "
        "crashes on a shared library of tensorflow-cpu's next to tensorflow's Python files."
    )
    example = "pip install opencv-python opencv-python-headless   # both install cv2/"
    fix = "Uninstall every provider (removing one deletes the other's files too), then install the one you want."
    valid = (
        EnvironmentExample((FULL,), (), "one-provider"),
        EnvironmentExample(
            (
                Wheel("nvidia-cublas-cu12", "12.1", {"nvidia/__init__.py": "", "nvidia/cublas/__init__.py": ""}),
                Wheel("nvidia-cudnn-cu12", "9.1", {"nvidia/__init__.py": "", "nvidia/cudnn/__init__.py": ""}),
            ),
            (),
            "identical-shared-init",
        ),
    )  # fmt: skip
    invalid = (
        EnvironmentExample((FULL, HEADLESS), (("cv2", "error"),), "opencv-python-and-headless"),
        EnvironmentExample(
            (Wheel("jwt", "1.3.1", {"jwt/__init__.py": "from .jwt import JWT\n"}), Wheel("PyJWT", "2.8.0", {"jwt/__init__.py": "def encode(): pass\n"})),
            (("jwt", "error"),),
            "jwt-and-pyjwt",
        ),
        EnvironmentExample((Wheel("keras", "3.5.0", {"keras/__init__.py": "# Keras 3\n"}),), (("keras", "error"),), "keras-2-leftover", alter=KERAS2_LEFTOVER),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        # Only distributions in one directory overwrite each other; the same name further down
        # sys.path is hidden, not overwritten (path shadowing, SC303).
        details = context.environment.details
        leftovers = details.leftovers if details is not None else ()
        by_name: dict[tuple[str, str], list[Distribution]] = {}
        for distribution in (*context.environment.distributions, *leftovers):
            for module in distribution.provides:
                by_name.setdefault((real(distribution.location), module), []).append(distribution)
        groups: dict[tuple[str, tuple[int, ...]], tuple[list[str], list[Distribution]]] = {}
        for (where, module), providers in by_name.items():
            if len(providers) > 1:
                providers = sorted(providers, key=lambda d: (d.name.lower(), d.metadata_path or ""))
                key = (where, tuple(id(p) for p in providers))
                groups.setdefault(key, ([], providers))[0].append(module)
        for modules, providers in groups.values():
            overlap = _overlap(context, tuple(providers))
            if overlap is not None:
                yield self._finding(context, sorted(modules), overlap)

    def _finding(self, context: DoctorContext, modules: list[str], overlap: Overlap) -> Finding:
        providers = overlap.distributions
        labels = [f"{d.name} {d.version}" for d in providers]
        one_name = len({normalize_distribution_name(d.name) for d in providers}) == 1
        if one_name:  # two metadata directories of one distribution: one is left over
            subject = f"{joined([f'`{m}`' for m in modules])} has {len(providers)} installations in one directory: {joined(labels)}"
        else:
            subject = f"{joined([f'`{m}`' for m in modules])} is installed by {'both' if len(providers) == 2 else 'all of'} {joined(labels)}"
        holders = [(label, d) for label, d, owned in zip(labels, providers, overlap.owned) if owned]
        evidence = []
        if overlap.unrecorded:
            message = f"{subject}; whose files are on disk cannot be told ({joined(list(overlap.unrecorded))}: no RECORD)"
        elif not overlap.contested:
            message = f"{subject}, from different files"
        else:
            if len(holders) == 1:
                state = f"{holders[0][0]}'s are on disk now"
            else:
                state = "the files on disk are a mixture" if holders else "none of their copies is on disk"
            message = f"{subject}, which overwrite each other's files: {state}"
            parts = [f"{owned} {label}'s" for label, owned in zip(labels, overlap.owned) if owned]
            parts += [f"{overlap.missing} missing"] if overlap.missing else []
            parts += [f"{overlap.foreign} matching no RECORD"] if overlap.foreign else []
            evidence.append(
                f"{counted(overlap.contested, 'file')} installed by more than one of them with different "
                f"contents; on disk: {', '.join(parts)}"
            )
        keep = max(range(len(providers)), key=lambda i: overlap.owned[i])  # whose files are most on disk
        command = context.installer(providers)
        wanted = f"{providers[keep].name}=={providers[keep].version}"
        if one_name:
            stale = [context.shown(d.metadata_path or d.location) for i, d in enumerate(providers) if i != keep]
            help = (
                f"delete the metadata left over ({joined(stale)}), then reinstall the version you want: "
                f"`{command.install([wanted], '--force-reinstall', '--no-deps')}`"
            )
        else:
            help = (
                f"uninstall all of them, then install the one you want: `{command.uninstall([d.name for d in providers])}"
                f" && {command.install([wanted])}`"
            )
        location = providers[0].location
        package = os.path.join(location, *modules[0].split("."))
        path = context.shown(package) + "/" if os.path.isdir(package) else context.shown(location)
        return self.finding(
            path,
            modules[0],
            message,
            help,
            distributions=tuple((d.name, d.version) for d in providers),
            evidence=tuple(evidence),
        )


def _overlap(context: DoctorContext, providers: tuple[Distribution, ...]) -> Overlap | None:
    """How the providers' files overlap; None when every file they share is identical."""
    records = [context.records.entries(d) for d in providers]
    unrecorded = tuple(d.name for d, entries in zip(providers, records) if entries is None)
    if unrecorded:
        return Overlap(providers, 0, (0,) * len(providers), 0, 0, unrecorded)
    by_path: dict[str, dict[int, RecordEntry]] = {}
    for index, entries in enumerate(records):
        for entry in entries or ():
            if entry.digest is not None:  # unhashed: .pyc files, RECORD itself
                by_path.setdefault(entry.path, {})[index] = entry
    shared = {path: entries for path, entries in by_path.items() if len(entries) > 1}
    contested = {path: entries for path, entries in shared.items() if len({e.digest for e in entries.values()}) > 1}
    if shared and not contested:
        return None  # identical copies of the same files: nothing was lost by overwriting
    owned = [0] * len(providers)
    missing = foreign = 0
    for entries in contested.values():
        index, entry = next(iter(entries.items()))
        state = context.records.state(providers[index], entry)
        if state.state == "missing":
            missing += 1
            continue
        on_disk = state.digest or entry.digest
        owners = [i for i, e in entries.items() if e.digest == on_disk and e.algorithm == entry.algorithm]
        for owner in owners:
            owned[owner] += 1
        foreign += not owners
    return Overlap(providers, len(contested), tuple(owned), missing, foreign, ())
