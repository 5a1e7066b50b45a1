"""The reading edition in a real browser: Debian's Chromium driven headlessly
by Playwright against the real server (waitress) serving real passages.
Screenshots of the main pages are saved in tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_viewer import LiveServer, write_small_edition

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from viewer import create_app
    live = LiveServer(create_app(write_small_edition(tmp_path_factory.mktemp("edition") / "tei")))
    yield live
    live.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the page reported errors (script, CSP): {errors}"


def screenshot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_library_opens_a_chapter(server, page):
    page.goto(server.url + "/")
    screenshot(page, "library")
    page.get_by_role("link", name="Read").first.click()
    page.wait_for_url(re.compile(r"/text/gurdzhiyev/$"))
    page.get_by_role("link", name=re.compile("^Begin reading")).click()
    page.wait_for_url(re.compile(r"/text/gurdzhiyev/body$"))
    page.goto(server.url + "/text/medvedev/medvedev.1")
    assert page.locator("h1").inner_text() == "The Revolution"
    screenshot(page, "chapter")
    page.get_by_role("link", name=re.compile("Dual Power")).last.click()
    page.wait_for_url(re.compile(r"/text/medvedev/medvedev\.2$"))


def test_footnote_opens_as_a_pop_up_and_closes_with_escape(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    page.locator("a.note-ref[data-note='medvedev.n1-1']").click()
    popup = page.get_by_role("dialog")
    assert "The Russian text has “Krasnoiarsk”." in popup.inner_text()
    assert "translator’s note" in popup.inner_text()
    screenshot(page, "chapter-note-pop-up")
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    # focus went back to the reference, so a keyboard reader keeps their place
    assert page.evaluate("document.activeElement.dataset.note") == "medvedev.n1-1"


def test_note_reference_works_from_the_keyboard(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    page.locator("a.note-ref[data-note='medvedev.n1-2']").focus()
    page.keyboard.press("Enter")
    assert "See PRAVDA, 8 April 1917 [PRAVDA, No. 27]." in page.get_by_role("dialog").inner_text()


def test_interventions_toggle_shows_the_received_reading(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    received = page.locator(".received.sic", has_text="Kameney")
    assert not received.is_visible()
    toggle = page.get_by_role("button", name="Editorial interventions")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert received.is_visible()
    screenshot(page, "chapter-interventions")
    # the choice is remembered on the next page
    page.goto(server.url + "/text/gurdzhiyev/body")
    assert page.locator(".pb-mended").is_visible()
    assert page.locator(".supplied .marker").first.is_visible()


def test_follow_kamenev_to_the_register_and_back(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    kamenev = page.locator("a.name[data-entity='persons/kamenev-lb']").first
    # with the names off a name is a word: no link announced, no tab stop
    assert kamenev.get_attribute("href") is None
    names = page.get_by_role("button", name="Names")
    names.click()
    assert "show-names" in page.evaluate("document.body.className")
    assert kamenev.get_attribute("href") == "/registers/persons/kamenev-lb"
    page.locator("a.name[data-entity='persons/kamenev-lb']").first.click()
    popup = page.get_by_role("dialog")
    popup.get_by_text("Lev Borisovich Kamenev").wait_for()
    assert "1883 – 1936" in popup.inner_text()
    screenshot(page, "chapter-name-pop-up")
    popup.get_by_role("link", name=re.compile("Register entry")).click()
    page.wait_for_url(re.compile(r"/registers/persons/kamenev-lb$"))
    assert page.locator("h1").inner_text() == "Lev Borisovich Kamenev"
    screenshot(page, "register-entry")
    page.locator(".kwic a").nth(1).click()
    page.wait_for_url(re.compile(r"/text/medvedev/medvedev\.1#medvedev\.1\.p2$"))
    assert page.evaluate("document.querySelector(':target').id") == "medvedev.1.p2"
    page.go_back()
    page.wait_for_url(re.compile(r"/registers/persons/kamenev-lb$"))


def test_search_a_phrase_and_land_on_the_paragraph(server, page):
    page.goto(server.url + "/search")
    page.locator("#search-q").fill('"a soviet was organized"')
    page.locator("#search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert page.locator(".hit").count() == 1
    assert page.locator(".hit mark").inner_text() == "a soviet was organized"
    screenshot(page, "search")
    page.locator(".hit a").click()
    # the searched words ride along (hl) to be marked in the passage
    page.wait_for_url(re.compile(r"/text/medvedev/medvedev\.2\?hl=a\+soviet\+was\+organized#medvedev\.2\.p1$"))
    assert page.evaluate("document.querySelector(':target').id") == "medvedev.2.p1"
    assert page.locator(":target mark.search-hit").inner_text() == "a soviet was organized"


def test_cite_this_gives_author_title_translator_edition_section_paragraph_url_and_date(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    page.locator("#medvedev\\.1\\.p2 .para-num").click()
    dialog = page.get_by_role("dialog")
    citation = dialog.get_by_label("Citation").input_value()
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    assert citation == (
        "Roy Medvedev. On Stalin and Stalinism. Translated by Ellen de Kadt. "
        "Stalin and Stalinism: Five Texts. A Digital Critical Edition. The Stalinism Edition project, n.d. "
        f"The Revolution, paragraph 2. {server.url}/text/medvedev/at/medvedev.1.p2 (accessed {today}).")
    # shown formatted, the title in italics
    assert dialog.locator(".citation i").inner_text() == "On Stalin and Stalinism"
    assert dialog.get_by_role("link", name="BibTeX").get_attribute("href").endswith("format=bibtex")
    # the address bar now holds the paragraph's anchor, and the permalink leads back to it
    assert page.url.endswith("/text/medvedev/medvedev.1#medvedev.1.p2")
    dialog.get_by_role("link", name="Permalink").click()
    page.wait_for_url(re.compile(r"/text/medvedev/medvedev\.1#medvedev\.1\.p2$"))


def test_citation_of_a_paragraph_in_a_subsection_names_the_subsection(server, page):
    # "The Buro" numbers its paragraphs from 1 again: its paragraph 1 is not the chapter's
    page.goto(server.url + "/text/medvedev/medvedev.1")
    page.locator("#medvedev\\.1\\.1\\.p1 .para-num").click()
    citation = page.get_by_role("dialog").get_by_label("Citation").input_value()
    assert " The Revolution, The Buro, paragraph 1. " in citation
    assert f"{server.url}/text/medvedev/at/medvedev.1.1.p1 (accessed " in citation


def tab_until(page, selector: str, limit: int = 60) -> None:
    """Press Tab as a keyboard reader does until the focus is on an element matching selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def test_keyboard_reader_tabs_to_a_note_opens_it_with_enter_and_closes_it_with_escape(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    tab_until(page, "a.note-ref")
    # the first note reference of the page in reading order; the names (tabindex -1) were skipped
    assert page.evaluate("document.activeElement.dataset.note") == "medvedev.n1-1"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    assert "The Russian text has “Krasnoiarsk”." in dialog.inner_text()
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null"), "focus moves into the pop-up"
    page.keyboard.press("Escape")
    assert dialog.count() == 0
    assert page.evaluate("document.activeElement.dataset.note") == "medvedev.n1-1"
    # on to the next paragraph's number: Enter gives its citation
    tab_until(page, "a.para-num")
    assert page.evaluate("document.activeElement.closest('p').id") == "medvedev.1.p2"
    page.keyboard.press("Enter")
    assert "paragraph 2." in page.get_by_role("dialog").get_by_label("Citation").input_value(timeout=5000)
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0


def test_keyboard_reader_turns_the_names_on_and_opens_a_register_card(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    tab_until(page, "button.toggle[data-toggle='show-names']")
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="Names").get_attribute("aria-pressed") == "true"
    # the names are now in the tab order: the first is Stalin in paragraph 1
    tab_until(page, "a.name")
    assert page.evaluate("document.activeElement.dataset.entity") == "persons/stalin-iv"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Iosif Vissarionovich Stalin").wait_for()
    page.keyboard.press("Escape")
    assert dialog.count() == 0 and page.evaluate("document.activeElement.dataset.entity") == "persons/stalin-iv"


FOCUS_IN_DIALOG = "document.activeElement.closest('[role=dialog]') !== null"


def assert_an_open_dialog_of(page, opener: str) -> None:
    """The pop-up is a dialog named by its heading, and its opener says it opened it."""
    dialog = page.locator("[role=dialog]")
    assert dialog.get_attribute("aria-modal") == "true"
    heading = page.locator("#" + dialog.get_attribute("aria-labelledby"))
    assert heading.inner_text().strip() and dialog.locator("#" + dialog.get_attribute("aria-labelledby")).count() == 1
    trigger = page.locator(opener)
    assert trigger.get_attribute("aria-haspopup") == "dialog"
    assert trigger.get_attribute("aria-expanded") == "true"
    assert trigger.get_attribute("aria-controls") == dialog.get_attribute("id")


def assert_focus_goes_round_the_dialog(page, presses: int = 7) -> None:
    """Tab and Shift+Tab never leave the open pop-up."""
    visited = set()
    for key in ["Tab"] * presses + ["Shift+Tab"] * presses:
        page.keyboard.press(key)
        assert page.evaluate(FOCUS_IN_DIALOG), f"{key} took the focus out of the pop-up"
        visited.add(page.evaluate("document.activeElement.outerHTML"))
    return visited


def test_note_pop_up_holds_the_keyboard_focus_until_escape_gives_it_back(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    tab_until(page, "a.note-ref")
    reference = "a.note-ref[data-note='medvedev.n1-1']"
    assert page.evaluate("document.activeElement.dataset.note") == "medvedev.n1-1"
    assert page.locator(reference).get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS_IN_DIALOG), "focus moves into the pop-up"
    assert_an_open_dialog_of(page, reference)
    assert page.locator("#" + page.get_by_role("dialog").get_attribute("aria-labelledby")).inner_text().startswith("Note 1")
    assert_focus_goes_round_the_dialog(page)
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert page.evaluate("document.activeElement.dataset.note") == "medvedev.n1-1"
    assert page.locator(reference).get_attribute("aria-expanded") == "false"
    assert page.locator(reference).get_attribute("aria-controls") is None


def test_register_card_holds_the_keyboard_focus_between_its_close_button_and_its_link(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    tab_until(page, "button.toggle[data-toggle='show-names']")
    page.keyboard.press("Space")
    tab_until(page, "a.name")
    name = "a.name[data-entity='persons/stalin-iv']"
    assert page.evaluate("document.activeElement.dataset.entity") == "persons/stalin-iv"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("link", name=re.compile("Register entry")).wait_for()
    assert page.evaluate(FOCUS_IN_DIALOG)
    assert_an_open_dialog_of(page, f"{name} >> nth=0")
    assert "Iosif Vissarionovich Stalin" in page.locator("#" + dialog.get_attribute("aria-labelledby")).inner_text()
    visited = assert_focus_goes_round_the_dialog(page)
    assert len(visited) == 2, "Tab goes round both controls of the card: the close button and the entry's link"
    page.keyboard.press("Escape")
    assert dialog.count() == 0 and page.evaluate("document.activeElement.dataset.entity") == "persons/stalin-iv"
    # with the names turned off again, a name is a plain link and opens nothing
    page.get_by_role("button", name="Names").click()
    assert page.locator(name).first.get_attribute("aria-haspopup") is None


def test_print_shows_the_text_and_its_notes_without_the_viewers_controls(server, page):
    page.goto(server.url + "/text/medvedev/medvedev.1")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header', '.toolbar', '.page-toc', '.pager', '.site-footer', '.note-back']
        .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
    assert all(hidden)
    assert page.locator(".notes").is_visible() and page.locator("#medvedev\\.n1-1").is_visible()
    assert not page.locator(".received.sic").is_visible(), "the corrected reading is printed"
    # the paragraph numbers a reader cites are printed inside the page, not cut off in its margin
    number = page.locator("#medvedev\\.1\\.p2 .para-num").bounding_box()
    assert number["x"] >= 0 and page.locator("#medvedev\\.1\\.p2 .para-num").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "chapter-print.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")


def validate_upload(page, url: str, upload: Path, tei: str) -> None:
    """Upload a TEI file to the validation page as a reader does and wait for the report."""
    upload.write_text(tei)
    page.goto(url + "/validate")
    page.locator("#validate-file").set_input_files(str(upload))
    page.get_by_role("button", name="Validate").click()
    page.wait_for_url(re.compile(r"/validate$"))
    page.locator(".problems").wait_for()


def test_validator_reports_an_invalid_upload(server, page, tmp_path):
    validate_upload(page, server.url, tmp_path / "broken.xml",
                    '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<text>\n<body><p>Stalin</body></text></TEI>\n')
    first = page.locator(".problems tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "3" and first.nth(3).inner_text() == "well-formed"
    screenshot(page, "validation")


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_chapter_reads_on_a_phone(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(server.url + "/text/medvedev/medvedev.1")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        screenshot(page, "chapter-phone", full_page=False)
        assert overflow <= 0
        # the paragraph numbers stand in the text column, not off the screen
        assert page.locator("#medvedev\\.1\\.p1 .para-num").bounding_box()["x"] >= 0
        page.locator("a.note-ref[data-note='medvedev.n1-2']").tap()
        box = page.get_by_role("dialog").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the pop-up fits the phone's width"
        screenshot(page, "chapter-phone-note", full_page=False)
    finally:
        context.close()


# --- the real edition ----------------------------------------------------------------

@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    from edition import TEI_DIR
    from viewer import create_app
    search_db = tmp_path_factory.mktemp("index") / "search.sqlite"
    live = LiveServer(create_app(TEI_DIR, search_db=search_db))
    live.search_db = search_db
    yield live
    live.close()


def test_real_edition_reads_from_the_library_to_a_chapter_and_a_person(real_server, page):
    page.goto(real_server.url + "/")
    assert page.locator(".library-entry").count() == 5
    screenshot(page, "real-library", full_page=False)
    page.locator("#text-medvedev").get_by_role("link", name="Read").click()
    page.get_by_role("link", name=re.compile("^Begin reading")).click()
    page.wait_for_load_state()
    # the first page with a division of its own, by the pager
    while page.locator("a.note-ref").count() == 0 and page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        page.wait_for_load_state()
    screenshot(page, "real-chapter", full_page=False)
    page.locator("a.note-ref").first.click()
    assert page.get_by_role("dialog").inner_text().strip()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Names").click()
    name = page.locator("a.name-person").first
    entity = name.get_attribute("data-entity")
    name.click()
    page.get_by_role("dialog").get_by_role("link", name=re.compile("Register entry")).click()
    page.wait_for_url(re.compile(re.escape("/registers/" + entity) + "$"))
    assert page.locator(".kwic li").count() >= 1
    screenshot(page, "real-register-entry", full_page=False)


def test_real_edition_search_lands_on_a_medvedev_paragraph(real_server, page):
    page.goto(real_server.url + "/search?q=%22spent+a+large+portion+of+the+evenings%22")
    screenshot(page, "real-search", full_page=False)
    page.locator(".hit a").first.click()
    page.wait_for_load_state()
    target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').id")
    assert target and target.startswith("medvedev.")
    assert "spent a large portion of the evenings" in page.locator(":target").inner_text()


def page_holding(key: str, sic: str) -> tuple[str, list[tuple[str, str]]]:
    """The viewer's page of the real text that holds the correction of `sic`,
    and every (received, corrected) pair of that page, from the TEI."""
    from edition import TEI_DIR, tei
    from viewer.texts import read_text
    text = read_text(next(TEI_DIR.glob(f"{key}-*.xml")))
    pages = {element: page_id for page_id, element in text.page_elements.items()}

    def page_of(element) -> str:
        return next(pages[a] for a in element.iterancestors() if a in pages)

    root = next(iter(pages)).getroottree().getroot()
    choice = next(c for c in root.iter(tei("choice")) if c.findtext(tei("sic")) == sic)
    page_id = page_of(choice)
    pairs = [("".join(c.find(tei("sic")).itertext()), "".join(c.find(tei("corr")).itertext()))
             for c in root.iter(tei("choice")) if c.find(tei("sic")) is not None and page_of(c) == page_id]
    return f"/text/{text.key}/{page_id}", pairs


def test_real_medvedev_reads_corrected_medvedev_and_the_toggle_shows_the_received_medvedey(real_server, page):
    url, pairs = page_holding("medvedev", "Medvedey")
    page.goto(real_server.url + url)
    choices = page.locator(".choice:has(> .sic)")
    assert choices.count() == len(pairs) >= 1
    # every correction of the page reads as corrected, the received reading unseen
    assert [" ".join(c.split()) for c in choices.all_inner_texts()] == [" ".join(corr.split()) for _sic, corr in pairs]
    medvedey = page.locator(".received.sic", has_text="Medvedey").first
    assert not medvedey.is_visible()
    page.get_by_role("button", name="Editorial interventions").click()
    assert medvedey.is_visible()
    assert "line-through" in medvedey.evaluate("e => getComputedStyle(e).textDecorationLine")
    shown = [" ".join(c.split()) for c in choices.all_inner_texts()]
    assert all(" ".join(sic.split()) in text for (sic, _corr), text in zip(pairs, shown))
    screenshot(page, "real-interventions", full_page=False)


def test_real_uncertain_correction_sheboldayev_is_queried_only_with_the_interventions(real_server, page):
    url, _pairs = page_holding("medvedev", "Sheboldavey")
    page.goto(real_server.url + url)
    corrected = page.locator(".edited.uncertain", has_text="Sheboldayev").first
    assert "certainty: medium" in corrected.get_attribute("title")
    assert "Sheboldavey" in corrected.get_attribute("title")
    marker = corrected.locator(".cert-marker")
    assert not marker.is_visible()
    page.get_by_role("button", name="Editorial interventions").click()
    assert marker.is_visible() and marker.inner_text() == "?"


def test_real_stalin_entry_shows_more_mentions_in_place(real_server, page):
    page.goto(real_server.url + "/registers/persons/stalin")
    group = page.locator("#mentions-medvedev")
    lines = group.locator("ol.kwic > li")
    assert lines.count() == 50
    screenshot(page, "real-register-entry-stalin", full_page=False)
    more = group.get_by_role("link", name="Show 50 more")
    more.focus()
    page.keyboard.press("Enter")
    lines.nth(50).wait_for()
    assert lines.count() == 100 and page.url.endswith("/registers/persons/stalin")
    assert group.locator(".kwic-range").inner_text().startswith("Mentions 1–100 of ")
    # the keyboard reader goes on from the first line added
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#mentions-medvedev ol.kwic > li')[50]")
    # the lines added lead to their paragraphs like the first ones
    lines.nth(50).locator("a").click()
    page.wait_for_url(re.compile(r"/text/medvedev/[^#]+#medvedev\."))


def test_real_search_chooses_a_person_from_the_registers(real_server, page):
    page.goto(real_server.url + "/search")
    page.locator("#search-q").fill("trial")
    # the page's script turns the field into a choice grouped by register, from the list it fetched once
    page.locator("select#search-entity").wait_for()
    assert page.locator("select#search-entity optgroup").evaluate_all("gs => gs.map(g => g.label)") == [
        "Persons", "Places", "Organisations"]
    assert page.locator("#search-entity-hint").count() == 0
    page.get_by_label("Mentioning").select_option("persons/bukharin")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"entity=persons%2Fbukharin"))
    assert "that mention Nikolai" in page.locator(".search-count").inner_text()
    page.locator("select#search-entity").wait_for()
    assert page.get_by_label("Mentioning").input_value() == "persons/bukharin"
    screenshot(page, "real-search-by-person", full_page=False)
    page.locator(".hit a").first.click()
    page.wait_for_load_state()
    assert page.locator(":target a.name[data-entity='persons/bukharin']").count() >= 1


def test_real_search_without_script_takes_a_typed_name(real_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(real_server.url + "/search")
        page.locator("#search-q").fill("trial")
        page.get_by_label("Mentioning").fill("Bukharin")
        page.get_by_role("button", name="Search", exact=True).last.click()
        page.wait_for_url(re.compile(r"entity=Bukharin"))
        assert "that mention Nikolai Ivanovich Bukharin" in page.locator(".search-count").inner_text()
        assert page.get_by_label("Mentioning").input_value() == "persons/bukharin"
    finally:
        context.close()


def test_real_search_for_an_entry_the_texts_never_name_keeps_it_chosen(real_server, page):
    from edition import TEI_DIR
    from edition.search import mention_counts
    from viewer.texts import read_register
    page.goto(real_server.url + "/search?q=Stalin")  # the index is built
    counts = mention_counts(real_server.search_db, "persons")
    unnamed = next((e for e in read_register(TEI_DIR / "persons.xml", "persons") if e.id not in counts), None)
    if unnamed is None:
        pytest.skip("every person of the register is named in the texts")
    page.goto(real_server.url + f"/search?q=Stalin&entity=persons%2F{unnamed.id}")
    page.locator("select#search-entity").wait_for()
    chosen = page.locator("select#search-entity option:checked")
    assert (chosen.get_attribute("value"), chosen.inner_text()) == (f"persons/{unnamed.id}", f"{unnamed.name} (not mentioned)")


@pytest.mark.parametrize("path", ["/", "/text/medvedev/", "/text/medvedev/header", "/text/rogovin/rogovin.12",
                                  "/registers/persons/", "/registers/persons/stalin", "/search?q=trial&entity=persons%2Fstalin",
                                  "/validate"])
def test_real_page_fits_a_phone_without_scrolling_sideways(real_server, browser, path):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(real_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if path in ("/registers/persons/", "/registers/persons/stalin"):
            screenshot(page, "real-phone-" + path.strip("/").replace("/", "-"), full_page=False)
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
    finally:
        context.close()


def test_kamenevs_entry_searches_only_the_passages_that_mention_him(server, page):
    page.goto(server.url + "/registers/persons/kamenev-lb")
    box = page.get_by_label("Search the passages that mention Lev Borisovich Kamenev")
    box.fill("Buro")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?entity=persons%2Fkamenev-lb&q=Buro$"))
    assert page.locator(".search-count").inner_text() == "1 passage found that mentions Lev Borisovich Kamenev."
    assert page.locator(".hit a").get_attribute("href") == "/text/medvedev/at/medvedev.1.1.p1?hl=Buro"
    # no words: every passage that names him, in text order
    page.go_back()
    page.get_by_label("Search the passages that mention Lev Borisovich Kamenev").fill("")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"q=$"))
    assert page.locator(".hit a").evaluate_all("links => links.map(a => a.getAttribute('href').split('/').pop())") == [
        "medvedev.1.p1", "medvedev.1.p2", "medvedev.1.1.p1", "medvedev.2.p1"]


def test_real_show_more_on_a_later_page_of_stalins_mentions_counts_from_that_page(real_server, page):
    page.goto(real_server.url + "/registers/persons/stalin/in/rogovin?page=3")
    group = page.locator("#mentions-rogovin")
    assert group.locator("ol.kwic").get_attribute("start") == "101"
    group.get_by_role("link", name="Show 50 more").click()
    group.locator("ol.kwic > li").nth(50).wait_for()
    assert group.locator(".kwic-range").inner_text().startswith("Mentions 101–200 of ")
