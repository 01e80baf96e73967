"""The whole book, built once as `make book` builds it: no error output anywhere, every glue reference resolves,
the front pages exist, the scorecard is written; then the site as a reader sees it, in headless Chromium.
(Under `make test` the build goes first on one worker and both workers share its page checks: tests/conftest.py.)"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.notebooks import glued_keys, toc_documents
from helpers.report import claims

pytestmark = pytest.mark.book
HTML = paths.BUILD / "html"


def test_build_succeeds(built_book):
    assert (HTML / "index.html").exists()
    for page in ("book/intro.html", "summary/data_provenance.html", "summary/scorecard.html", "book/references.html"):
        assert (HTML / page).exists(), page


def test_no_executed_cell_has_an_error(built_book):
    executed = list((paths.BUILD / "jupyter_execute").rglob("*.ipynb"))
    assert executed
    for nb_path in executed:
        nb = json.loads(nb_path.read_text())
        errors = [o.get("ename") for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{nb_path.name}: {errors}"


GLUE_REF = re.compile(r"\{glue:?\w*\}`([^`]+)`")


def test_every_glue_reference_in_prose_pages_exists(built_book):
    """Cross-page references to glued values point at keys the notebook really glues."""
    for page in [p for p in toc_documents() if p.suffix == ".md"]:
        for ref in GLUE_REF.findall(page.read_text()):
            if "::" not in ref:
                continue
            doc, key = ref.split("::", 1)
            key = key.rsplit(":", 1)[0] if ":" in key else key
            target = (page.parent / doc).resolve()
            assert target.exists(), f"{page.name}: {doc} does not exist"
            executed = paths.BUILD / "jupyter_execute" / target.relative_to(paths.ROOT)
            glue = executed.with_suffix(".glue.json")
            keys = set(json.loads(glue.read_text())) if glue.exists() else glued_keys(target)
            assert key in keys, f"{page.relative_to(paths.ROOT)} pastes {key!r}, which {doc} does not glue"


def test_book_scorecard_csv_carries_claims_evidence_and_pages(built_book):
    frame = pd.read_csv(paths.BUILD / "scorecard.csv", dtype=str, keep_default_na=False)
    assert set(claims.CELL_COLUMNS) <= set(frame.columns)
    assert set(frame["evidence"]) <= set(claims.EVIDENCE)


def test_every_verdict_links_to_an_existing_page_and_anchor(built_book):
    frame = pd.read_csv(paths.BUILD / "scorecard.csv", dtype=str, keep_default_na=False)
    for (page, anchor), rows in frame.groupby(["page", "anchor"]):
        html = HTML / Path(page).with_suffix(".html")
        assert html.exists(), f"claims {sorted(set(rows.claim_id))[:3]} link to {page}, which the book does not build"
        if anchor:
            target = claims.html_id(anchor)
            assert f'id="{target}"' in html.read_text(), f"{page} has no anchor #{target} (claims {sorted(set(rows.claim_id))[:3]})"


def test_no_method_check_or_input_is_counted_and_the_headline_adds_up(built_book):
    cells = pd.read_csv(paths.BUILD / "scorecard.csv", dtype={"published": str}, keep_default_na=False,
                        na_values={"replicated": [""]})
    table = claims.claims_table(cells)
    counts = claims.headline_counts(table)
    counted = table[~table.evidence.isin(claims.NOT_COUNTED)]
    assert counts["claims"] == len(counted)
    assert counts["method_checks"] == int((table.evidence == "method check").sum())
    page = (HTML / "summary" / "scorecard.html").read_text()
    assert claims.headline_sentence(table).split(";")[0].split(",")[0] in re.sub(r"<[^>]+>", "", page)


def test_executed_notebooks_are_offered_for_download(built_book):
    assert list((HTML / "_notebooks").rglob("*.ipynb"))


# ---- the site as a reader sees it: every page loads, no broken image, no raw traceback; a screenshot each ----
SHOTS = paths.BUILD / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def server(built_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromedriver are needed (Debian packages chromium, chromium-driver; .ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1280,2000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


PAGES = [str(p.relative_to(paths.ROOT).with_suffix(".html")) for p in toc_documents()]


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page, server, browser):
    browser.get(f"{server}/{page}")
    assert browser.execute_script("return document.readyState") == "complete"
    title = browser.title
    assert "404" not in title and "Error" not in title, title
    broken = browser.execute_script(
        "return Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && i.src).map(i => i.src)")
    assert not broken, f"broken images: {broken}"
    text = browser.find_element("tag name", "body").text
    assert "Traceback (most recent call last)" not in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / (page.replace("/", "__").replace(".html", ".png"))))


# ---- what a reader sees, at 1280 px: typeset math, whole tables, legible figures, no stray code, live links ----
READER_CHECKS = r"""
const main = document.querySelector('main') || document.body;
const article = main.querySelector('article, .bd-article') || main;
const width = article.clientWidth;
const text = main.innerText;
const scrolls = el => { for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
  const o = getComputedStyle(p).overflowX; if ((o === 'auto' || o === 'scroll') && p.clientWidth <= width + 2) return true; }
  return false; };
return {
  rawMath: (text.match(/\\\(|\\\)|\$[^$\s][^$]{0,80}\$/g) || []).slice(0, 3),
  truncated: /\d+ rows × \d+ columns/.test(text),
  wideTables: Array.from(main.querySelectorAll('table')).filter(t => t.getBoundingClientRect().width > width + 2 && !scrolls(t)).length,
  images: Array.from(article.querySelectorAll('img')).map(i => ({file: i.src.split('/').pop(), alt: i.getAttribute('alt'),
    width: Math.round(i.getBoundingClientRect().width), shown: i.complete && i.naturalWidth > 0 && i.offsetParent !== null})),
  headings: Array.from(article.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => h.querySelector('.section-number'))
    .filter(n => n).map(n => n.textContent.trim()),
  duplicateTables: (() => { const n = new Map(); main.querySelectorAll('table').forEach(t => {
    const k = t.textContent.replace(/\s+/g, ' ').trim(); if (k) n.set(k, (n.get(k) || 0) + 1); });
    return Array.from(n).filter(([k, c]) => c > 1).map(([k, c]) => `${c}x ${k.slice(0, 60)}`); })(),
  figureLabels: Array.from(main.querySelectorAll('figure')).map(f => ({image: !!f.querySelector('img'), table: !!f.querySelector('table'),
    label: ((f.querySelector('figcaption .caption-number') || {}).textContent || '').trim()})),
  visibleCode: Array.from(main.querySelectorAll('.cell:not(.tag_remove-input):not(.tag_hide-input) .cell_input')).filter(c => c.offsetParent !== null).map(c => c.innerText.split('\n').length),
  links: Array.from(main.querySelectorAll('a[href]')).map(a => a.getAttribute('href')).filter(h => !/^(https?:|mailto:|#|data:)/.test(h)),
};
"""


MIN_IMAGE_PX = 250
IMAGE_FILE = re.compile(r"^[\w./-]*\.(png|jpe?g|gif|svg|webp)$|^[0-9a-f]{32,}", re.IGNORECASE)


def meaningful_alt(alt: str | None, file: str) -> bool:
    """Alt text that says something: present, not empty, not a file name, not a bare label."""
    alt = (alt or "").strip()
    return len(alt) >= 12 and alt != file and not IMAGE_FILE.match(alt)


def section_numbers(labels: list[str]) -> list[tuple[int, ...]]:
    """'2.1.3.' -> (2, 1, 3), in page order."""
    return [tuple(int(n) for n in label.strip().rstrip(".").split(".")) for label in labels if label.strip()]


def numbering_gaps(labels: list[str]) -> list[str]:
    """Numbers that do not follow 1, 2, 3 ... under their parent, or whose parent is not before them. The first
    number (the page's title, or the first chapter) sets where the sequence starts."""
    gaps, last, seen = [], {}, set()
    for number in section_numbers(labels):
        parent = number[:-1]
        if seen and (last.get(parent, 0) + 1 != number[-1] or (parent and parent not in seen)):
            gaps.append(".".join(map(str, number)))
        last[parent] = number[-1]
        seen.add(number)
    return gaps


def test_numbering_gaps_finds_a_chapter_whose_first_section_is_not_1():
    assert numbering_gaps(["2.", "2.1.", "2.2.", "3.", "3.1."]) == []
    assert numbering_gaps(["2.1.", "2.1.1.", "2.1.2.", "2.1.2.1."]) == []
    assert numbering_gaps(["1.", "1.5.", "1.6."]) == ["1.5"]
    assert numbering_gaps(["2.2.", "2.2.1.", "2.2.3."]) == ["2.2.3"]
    assert numbering_gaps(["1.", "2.", "4."]) == ["4"]
    assert not meaningful_alt("e67912cf976847dccd2c6ede6557cace2176829689ca99352cdf5666b471d840.png", "x.png")
    assert not meaningful_alt("", "x.png") and not meaningful_alt(None, "x.png") and not meaningful_alt("Figure 1:", "")
    assert meaningful_alt("Figure 4: probability of no compliance yet with one sender (red)", "x.png")


@pytest.mark.browser
def test_chapters_and_their_sections_are_numbered_without_gaps(server, browser):
    """The sidebar: chapters 1, 2, 3 ...; within each, its pages x.1, x.2 ... (a chapter's first page is x.1)."""
    browser.get(f"{server}/{PAGES[0]}")
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('nav.bd-docs-nav a')).map(a => a.textContent.trim())"
        ".map(t => (t.match(/^(\\d+(?:\\.\\d+)*)\\.\\s/) || [])[1]).filter(n => n)")
    numbers = section_numbers(labels)
    chapters = [n[0] for n in numbers if len(n) == 1]
    assert chapters == list(range(1, len(chapters) + 1)) and len(chapters) >= 5, labels
    for chapter in chapters:
        sections = [n[1] for n in numbers if len(n) == 2 and n[0] == chapter]
        assert sections == list(range(1, len(sections) + 1)) and sections, f"chapter {chapter}: {sections}"
    assert not [n for n in numbers if len(n) > 1 and n[0] not in chapters], labels


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_what_a_reader_sees(page, server, browser):
    """Math typeset (no raw TeX), no pandas truncation, no table wider than the column outside its own scroll box,
    every image with alt text that describes it and at least 250 px wide (the theme's smallest panel), tables
    labelled as tables and figures as figures and none shown twice, section numbers without gaps, no long visible
    code cell, and every internal link resolves."""
    browser.set_window_size(1280, 2000)
    browser.get(f"{server}/{page}")
    browser.execute_script("return window.MathJax && MathJax.startup && MathJax.startup.promise")
    import time

    time.sleep(0.5)          # MathJax typesets asynchronously
    seen = browser.execute_script(READER_CHECKS)
    assert not seen["rawMath"], f"raw TeX on the page: {seen['rawMath']}"
    assert not seen["truncated"], "a pandas truncation marker"
    assert seen["wideTables"] == 0, f"{seen['wideTables']} table(s) wider than the content column outside a scroll box"
    no_alt = [i["file"] for i in seen["images"] if not meaningful_alt(i["alt"], i["file"])]
    assert not no_alt, f"images without alt text that describes them: {no_alt[:3]}"
    small = [(i["file"], i["width"]) for i in seen["images"] if i["shown"] and i["width"] < MIN_IMAGE_PX]
    assert not small, f"images narrower than {MIN_IMAGE_PX} px: {small[:3]}"
    mislabelled = [f["label"] for f in seen["figureLabels"] if f["label"] and (
        f["label"].startswith("Fig") if f["table"] and not f["image"] else f["image"] and not f["label"].startswith("Fig"))]
    assert not mislabelled, f"a table labelled as a figure, or a figure as something else: {mislabelled[:3]}"
    assert not seen["duplicateTables"], f"a table shown twice: {seen['duplicateTables'][:3]}"
    gaps = numbering_gaps(seen["headings"])
    assert not gaps, f"section numbers out of sequence on the page: {gaps} in {seen['headings']}"
    long_code = [n for n in seen["visibleCode"] if n > 12]
    assert not long_code, f"visible code cells of {long_code} lines: plumbing belongs behind remove-input/hide-input"
    base = (HTML / page).parent
    for href in seen["links"]:
        target = href.split("#")[0].split("?")[0]
        if target:
            assert (base / target).resolve().exists(), f"broken internal link {href}"
