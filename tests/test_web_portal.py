"""The public portal: Chinese HTML pages with no external assets, and a verify page whose inclusion check runs in
Chromium (WebCrypto) — a true entry passes, an edited one fails. Public pages carry no natural person's data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from tests.webkit import LiveServer, WebLedger, wait_for_size

CHROMIUM = Path("/usr/bin/chromium")


def test_portal_pages_are_chinese_html_with_only_local_assets(web_ledger: WebLedger) -> None:
    with TestClient(web_ledger.app()) as client:
        wait_for_size(client, web_ledger.leaf_count())
        for path in ("/", "/directory", "/verify", "/docs"):
            r = client.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
            if path != "/docs":
                assert '<html lang="zh-CN">' in r.text and 'name="viewport"' in r.text
            for url in re.findall(r'(?:src|href)=["\']([^"\']+)["\']', r.text):
                assert not url.startswith(("http://", "https://", "//")), (path, url)  # nothing from a CDN
        for asset in ("/static/swagger-ui-bundle.js", "/static/swagger-ui.css", "/static/portal.css"):
            assert client.get(asset).status_code == 200
        home = client.get("/").text
        # the page names its own icon, so a browser does not ask for a /favicon.ico that is not there
        assert '<link rel="icon" type="image/svg+xml" href="/static/emblem.svg">' in home
        icon = client.get("/static/emblem.svg")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml") and b"<svg" in icon.content
        assert "最新检查点" in home and str(web_ledger.leaf_count()) in home


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it as root)")
def test_the_verify_page_checks_inclusion_in_the_browser(web_ledger: WebLedger) -> None:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with LiveServer(web_ledger.app()) as server:
        size = web_ledger.leaf_count()
        while httpx.get(f"{server.url}/checkpoint").status_code != 200:
            pass
        index = size - 2
        entry = httpx.get(f"{server.url}/log/entries/{index}").text
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{server.url}/verify?index={index}")
            page.fill("#entry", entry)
            page.click("#check")
            page.wait_for_selector("#result.ok, #result.bad")
            assert page.get_attribute("#result", "class") == "ok", page.inner_text("#result")
            assert f"第 {index} 号" in page.inner_text("#result")
            page.fill("#entry", entry.replace("{", "{ ", 1))  # one byte more: another leaf hash
            page.click("#check")
            page.wait_for_selector("#result.bad")
            page.goto(server.url + "/")
            assert page.inner_text("#tree-size") == str(size)
            browser.close()
