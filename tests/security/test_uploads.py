"""Issue 11 item 7 (hostile PDFs: 415 fast, never 500, other writes not blocked) and item 10 (ids of
non-Latin names are distinct; replacing a document must be asked for)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.security.conftest import ARTICLE_ID, AUTH
from tests.security.pdfs import decompression_bomb, many_pages

pytestmark = pytest.mark.slow


def upload(base: str, name: str, data: bytes, **params: object) -> httpx.Response:
    return httpx.post(f"{base}/v1/documents", files={"file": (name, data)}, params=params, headers=AUTH,
                      timeout=120)


@pytest.mark.parametrize(("name", "make", "words"), [
    ("pages.pdf", lambda: many_pages(51), "pages; the limit is 50"),
    ("bomb.pdf", decompression_bomb, "PDF"),
])
def test_hostile_pdf_is_415_quickly(secured, name, make, words):
    data = make()
    started = time.perf_counter()
    response = upload(secured.base, name, data)
    assert response.status_code == 415, response.text
    assert words in response.json()["error"]["message"]
    assert time.perf_counter() - started < 30


def test_pdf_parsing_does_not_block_other_writes(secured):
    big = many_pages(51)
    with ThreadPoolExecutor(4) as pool:
        rejected = [pool.submit(upload, secured.base, f"p{i}.pdf", big) for i in range(3)]
        started = time.perf_counter()
        note = upload(secured.base, "side-note.txt", b"Busan is a port city in South Korea.")
        took = time.perf_counter() - started
        assert [f.result().status_code for f in rejected] == [415] * 3
    assert note.status_code == 201 and took < 30
    assert httpx.delete(f"{secured.base}/v1/documents/side-note", headers=AUTH).status_code == 204


def test_non_latin_names_get_distinct_ids_and_replacing_is_explicit(secured):
    first = upload(secured.base, "日本語.txt", "東京は日本の首都です。".encode())
    second = upload(secured.base, "Ελληνικά.txt", "Η Αθήνα είναι η πρωτεύουσα.".encode())
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    ids = {first.json()["doc_id"], second.json()["doc_id"]}
    assert len(ids) == 2 and ids == {"日本語", "ελληνικά"}
    listed = {d["doc_id"]: d["chars"] for d in httpx.get(f"{secured.base}/v1/documents", headers=AUTH).json()}
    assert ids <= set(listed)

    again = upload(secured.base, "日本語.txt", "別の内容です。".encode())
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"
    article = upload(secured.base, f"{ARTICLE_ID}.txt", b"Replaced by anyone.")
    assert article.status_code == 409
    listed = {d["doc_id"]: d["chars"] for d in httpx.get(f"{secured.base}/v1/documents", headers=AUTH).json()}
    assert listed[ARTICLE_ID] > 5000

    replaced = upload(secured.base, "日本語.txt", "別の内容です。".encode(), replace="true")
    assert replaced.status_code == 201 and replaced.json()["chars"] == len("別の内容です。")
    for doc_id in ids:
        assert httpx.delete(f"{secured.base}/v1/documents/{doc_id}", headers=AUTH).status_code == 204
