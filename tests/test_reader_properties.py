"""Properties of the readers over random input (hypothesis): whatever a file holds, reading it
ends, in work that grows with its size, with an answer or a SourceError and nothing else.

Time is asserted as work, not seconds: the token reader's every step consumes at least one
character, so its steps never exceed the length of the text (a wall-clock bound would be a
timed test). The parser's own time is CPython's; the tree walk visits each node once.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadowcheck.ftypes import SourceError
from shadowcheck.source import codec
from shadowcheck.source.facts import SourceImports
from shadowcheck.source.notebooks import read_cells
from shadowcheck.source.reader import parse_source, read_imports
from shadowcheck.source.token_reader import TokenReader, read_tokens

# Pieces of Python, and of what breaks it, that move the token reader between its states.
_FRAGMENTS = [
    "import", "from", "as", " ", "  ", "\t", "\n", "\r\n", "\r", "\\\n", "\\", ";", ":", ",", ".", "...", "*",
    "(", ")", "[", "]", "{", "}", "{{", "}}", "'", '"', "'''", '"""', "f'", 'f"', "rb'", "u'", "f'''", "#", "#!",
    "os", "a.b", "x", "=", ":=", "lambda", "if", "elif", "else", "try", "except", "finally", "def", "class",
    "async", "TYPE_CHECKING", "__name__", "'__main__'", "==", "__file__", "pass", "ImportError", "\x0c", "\x00",
    "é", "\u2028", "\ufeff", "0777", "`", "print 'x'",
]  # fmt: skip
python_ish = st.lists(st.sampled_from(_FRAGMENTS), max_size=200).map("".join)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _Counting(TokenReader):
    steps = 0

    def _code_step(self, text, position, field):
        self.steps += 1
        return super()._code_step(text, position, field)

    def _string_step(self, text, position, string):
        self.steps += 1
        return super()._string_step(text, position, string)


@_SETTINGS
@given(python_ish)
def test_any_python_ish_text_is_read_without_error(text):
    assert isinstance(parse_source(text, "m.py"), SourceImports)


@_SETTINGS
@given(st.text(max_size=300) | python_ish)
def test_the_token_reader_takes_at_most_one_step_per_character(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = _Counting("test")
    reader.feed(text)
    found = reader.result()
    assert reader.steps <= len(text)
    assert all(1 <= i.line <= text.count("\n") + 1 for i in found.imports)


@_SETTINGS
@given(python_ish, st.lists(st.integers(min_value=0, max_value=400), max_size=20))
def test_pieces_cut_anywhere_read_as_the_whole(text, cuts):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert read_tokens(pieces, "test") == read_tokens([text], "test")


@_SETTINGS
@given(st.binary(max_size=400) | python_ish.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_give_an_answer_or_a_source_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "m.py"
    path.write_bytes(data)
    try:
        assert isinstance(read_imports(path), SourceImports)
    except SourceError:
        pass


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


@_SETTINGS
@given(st.lists(_json | st.fixed_dictionaries({"cell_type": st.just("code"), "source": _json | python_ish}), max_size=6))
def test_any_cells_give_an_answer(cells):
    assert isinstance(read_cells(cells, "x.ipynb"), SourceImports)


@_SETTINGS
@given(_json)
def test_any_cached_value_is_decoded_or_refused(value):
    try:
        facts = codec.decode(json.loads(json.dumps(value)))
    except ValueError:
        return
    assert codec.decode(codec.encode(facts)) == facts
