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

import pandas as pd
import pytest

from helpers import paths
from helpers.notebooks import glued_keys, toc_documents
from helpers.report.scorecard import COLUMNS

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


def test_book_scorecard_csv(built_book):
    frame = pd.read_csv(paths.BUILD / "scorecard.csv")
    assert set(COLUMNS) <= set(frame.columns)


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
