"""The built site as a reader sees it, in headless Chromium: every page loads, no broken image,
no raw traceback; a screenshot of each page is kept under _build/screenshots/."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from helpers import paths
from helpers.notebooks import toc_documents

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("book")]
HTML = paths.BUILD / "html"
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
