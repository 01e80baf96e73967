"""The whole book, built once as `make book` builds it: no error output anywhere, every glue reference resolves,
the front pages exist, the scorecard is written; then the site as a reader sees it, in headless Chromium.
(One file, so that `pytest -n 2 --dist loadfile` keeps the build and its readers on one worker.)"""
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
  smallFigures: Array.from(main.querySelectorAll('figure img, .cell_output img')).filter(i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width < 250).map(i => i.src.split('/').pop()).slice(0, 3),
  visibleCode: Array.from(main.querySelectorAll('.cell:not(.tag_remove-input):not(.tag_hide-input) .cell_input')).filter(c => c.offsetParent !== null).map(c => c.innerText.split('\n').length),
  links: Array.from(main.querySelectorAll('a[href]')).map(a => a.getAttribute('href')).filter(h => !/^(https?:|mailto:|#|data:)/.test(h)),
};
"""


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_what_a_reader_sees(page, server, browser):
    """Math typeset (no raw TeX), no pandas truncation, no table wider than the column outside its own scroll box,
    figures at least 250 px wide, no long visible code cell, and every internal link resolves."""
    browser.set_window_size(1280, 2000)
    browser.get(f"{server}/{page}")
    browser.execute_script("return window.MathJax && MathJax.startup && MathJax.startup.promise")
    import time

    time.sleep(0.5)          # MathJax typesets asynchronously
    seen = browser.execute_script(READER_CHECKS)
    assert not seen["rawMath"], f"raw TeX on the page: {seen['rawMath']}"
    assert not seen["truncated"], "a pandas truncation marker"
    assert seen["wideTables"] == 0, f"{seen['wideTables']} table(s) wider than the content column outside a scroll box"
    assert not seen["smallFigures"], f"figures narrower than 250 px: {seen['smallFigures']}"
    long_code = [n for n in seen["visibleCode"] if n > 12]
    assert not long_code, f"visible code cells of {long_code} lines: plumbing belongs behind remove-input/hide-input"
    base = (HTML / page).parent
    for href in seen["links"]:
        target = href.split("#")[0].split("?")[0]
        if target:
            assert (base / target).resolve().exists(), f"broken internal link {href}"
