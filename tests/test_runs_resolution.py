"""Import roots resolved as realpath resolves them, from their resolved parents."""

from __future__ import annotations

import os

import pytest

from shadowcheck.importsystem import runs
from shadowcheck.importsystem.finders import clear_listing_cache
from shadowcheck.paths import real

ENTRIES = {
    "plain": "a/b/c",
    "through-a-link": "link/c",
    "through-a-relative-link": "link/rel/b/c",
    "the-link-itself": "link",
    "missing-below": "missing/x",
    "below-a-loop": "loop/x",
    "not-normalized": "a/./b/../b/c",
}


@pytest.fixture
def linked(tmp_path):
    os.makedirs(tmp_path / "a" / "b" / "c")
    os.symlink(tmp_path / "a" / "b", tmp_path / "link")
    os.symlink("../../a", tmp_path / "a" / "b" / "rel")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    clear_listing_cache()
    yield tmp_path
    clear_listing_cache()


@pytest.mark.parametrize("entry", list(ENTRIES.values()), ids=list(ENTRIES))
def test_an_entry_resolves_as_realpath_resolves_it(linked, entry):
    path = f"{linked}/{entry}"
    assert runs._resolved(path) == real(path)


def test_a_link_made_after_a_run_is_seen_once_resolutions_are_forgotten(linked):
    path = f"{linked}/later/c"
    os.makedirs(linked / "elsewhere" / "c")
    assert runs._resolved(path) == real(path)  # nothing there yet
    os.symlink(linked / "elsewhere", linked / "later")
    clear_listing_cache()
    assert runs._resolved(path) == real(path) == f"{real(linked)}/elsewhere/c"
