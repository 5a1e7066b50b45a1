"""Search in a real browser (Chromium via Playwright) on the real edition: a hit
lands on its passage with the searched words marked there, the results page
shows how a name was widened, and both pass axe-core with the strict CSP."""

from __future__ import annotations

import re

import pytest

from edition import TEI_DIR
from test_browser import page  # noqa: F401 - the page fixture: a context that fails on script or CSP errors
from test_browser_reading_room import axe_violations, summary
from test_viewer import LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    server = LiveServer(create_app(TEI_DIR, search_db=tmp_path_factory.mktemp("index") / "search.sqlite", warm=True))
    yield server
    server.close()


def no_axe_violations(page) -> None:
    assert summary(axe_violations(page)) == []


def test_a_hit_for_ezhov_lands_on_its_paragraph_with_yezhov_marked(live, page):
    page.goto(live.url + "/search?q=Ezhov&text=medvedev")
    assert "Ezhov as Yezhov" in page.locator(".search-widened").inner_text()
    no_axe_violations(page)
    page.locator("li.hit a").first.click()
    page.wait_for_url(re.compile(r"/text/medvedev/[^?]+\?hl=.*#"))
    landing = page.locator(".search-landing")
    assert landing.count() == 1
    marked = landing.locator("mark.search-hit").all_inner_texts()
    assert marked and {m.casefold() for m in marked} <= {"ezhov", "yezhov", "yezhos", "ежов"}
    assert page.locator("mark.search-hit").count() == len(marked), "only the landing passage is marked"
    no_axe_violations(page)


def test_a_phrase_is_marked_whole_and_a_prefix_marks_the_words_it_begins(live, page):
    page.goto(live.url + "/search?" + "q=%22secret+ballot%22")
    page.locator("li.hit a").first.click()
    page.wait_for_load_state()
    assert [m.casefold() for m in page.locator(".search-landing mark.search-hit").all_inner_texts()][0] == "secret ballot"
    page.goto(live.url + "/search?q=collectiviz*")
    page.locator("li.hit a").first.click()
    page.wait_for_load_state()
    marked = page.locator(".search-landing mark.search-hit").all_inner_texts()
    assert marked and all(m.casefold().startswith("collectiviz") for m in marked)


def test_a_refused_search_page_passes_axe_and_keeps_the_form(live, page):
    page.goto(live.url + "/search?q=(Kamenev+OR+Zinoviev")
    assert page.get_by_role("alert").inner_text().startswith("The search could not be run")
    assert page.locator("#search-q").input_value() == "(Kamenev OR Zinoviev"
    no_axe_violations(page)
