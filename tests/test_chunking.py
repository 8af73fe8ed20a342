"""Sentence splitting and chunking keep exact offsets and never cut a sentence or cross a paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qa.index.chunking import ChunkingOptions, chunk_document
from qa.index.sentences import paragraphs, split_sentences

from qa.types import Document


def doc(text: str) -> Document:
    return Document(doc_id="d", title="t", text=text)


def assert_invariants(d: Document, options: ChunkingOptions = ChunkingOptions()) -> list:
    chunks = chunk_document(d, options)
    for c in chunks:
        assert d.text[c.start:c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert 1 <= len(c.sentences) <= options.sentences_per_chunk
        assert c.sentences[0].start == c.start and c.sentences[-1].end == c.end
        for s in c.sentences:
            assert c.start <= s.start < s.end <= c.end
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    return chunks


def test_article_offsets_and_coverage(article):
    chunks = assert_invariants(article)
    covered = {(s.start, s.end) for c in chunks for s in c.sentences}
    assert covered == {(s.start, s.end) for s in split_sentences(article.text)}
    assert any("Shin Won-sik" in c.text for c in chunks)


def test_empty_and_blank_documents_give_no_chunks():
    assert chunk_document(doc("")) == []
    assert chunk_document(doc("  \n\n \r\n ")) == []


def test_single_sentence():
    chunks = assert_invariants(doc("Just one sentence here."))
    assert [c.text for c in chunks] == ["Just one sentence here."]


def test_no_punctuation_is_one_sentence():
    chunks = assert_invariants(doc("no punctuation at all in this line"))
    assert len(chunks) == 1 and len(chunks[0].sentences) == 1


def test_very_long_sentence_is_split_at_spaces_only():
    text = " ".join(["word"] * 2000)
    chunks = assert_invariants(doc(text), ChunkingOptions(2, 1, max_sentence_chars=500))
    spans = [s for c in chunks for s in c.sentences]
    assert all(s.end - s.start <= 500 for s in spans)
    assert all(text[s.start:s.end].split() == text[s.start:s.end].split(" ") for s in spans)


def test_unicode_text():
    text = "Seoul’s minister — Shin Won-sik — met Kihara Minoru. 日本と韓国は合意した。 Émile said “yes”."
    chunks = assert_invariants(doc(text))
    assert "Émile" in " ".join(c.text for c in chunks)


def test_crlf_paragraphs_are_respected():
    text = "First para one. First para two.\r\n\r\nSecond para one. Second para two."
    chunks = assert_invariants(doc(text), ChunkingOptions(3, 1))
    assert [c.text for c in chunks] == ["First para one. First para two.", "Second para one. Second para two."]
    assert len(paragraphs(text)) == 2


def test_chunks_never_cross_paragraphs():
    text = "A one. A two. A three.\n\nB one. B two."
    for c in assert_invariants(doc(text), ChunkingOptions(2, 1)):
        assert "\n\n" not in c.text


def test_overlap_shares_sentences():
    text = "S1 is here. S2 is here. S3 is here. S4 is here."
    chunks = assert_invariants(doc(text), ChunkingOptions(2, 1))
    assert [len(c.sentences) for c in chunks] == [2, 2, 2]
    assert chunks[0].sentences[1] == chunks[1].sentences[0]


def test_invalid_options_are_rejected():
    with pytest.raises(ValueError):
        ChunkingOptions(2, 2)
    with pytest.raises(ValueError):
        ChunkingOptions(0, 0)


_pieces = [*"abc XYZ.!?\n\r\t,;é’日", "\n\n", "\r\n\r\n", ". ", "Mr. ", "word ", "2024. "]
_text = st.lists(st.sampled_from(_pieces), max_size=120).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_text, size=st.integers(1, 4), overlap=st.integers(0, 3), max_chars=st.integers(100, 300))
def test_offset_invariant_on_random_text(text, size, overlap, max_chars):
    options = ChunkingOptions(size, min(overlap, size - 1), max_chars)
    d = doc(text)
    chunks = assert_invariants(d, options)
    # every non-blank character belongs to some chunk
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
