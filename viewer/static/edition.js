// The reading view's behaviour: toggles for names and interventions,
// pop-ups for notes, register entries and citations. Without JavaScript
// every link still works: notes are listed at the end, names link to the
// registers, paragraph numbers are permalinks.
"use strict";

(function () {
  const body = document.body;
  const POPUP_ID = "popup";
  // what Tab reaches: a link whose tabindex is -1 (or a name while names are off, which has no href) is not
  const FOCUSABLE = "a[href]:not([tabindex='-1']), button:not([disabled]), textarea, input, select, [tabindex]:not([tabindex='-1'])";
  const GAP = 8;
  let popup = null;
  let opener = null;
  let inerted = [];

  // The page behind an open pop-up is inert: neither the mouse, the keyboard
  // nor a screen reader's browse mode reaches it until the pop-up closes.
  function setBackgroundInert(on) {
    if (on) {
      inerted = Array.prototype.filter.call(body.children, function (element) {
        return element !== popup && !element.inert && element.tagName !== "SCRIPT";
      });
      inerted.forEach(function (element) { element.inert = true; });
    } else {
      inerted.forEach(function (element) { element.inert = false; });
      inerted = [];
    }
  }

  // A pop-up is a dialog: its opener says it is open and which element it
  // opened, the dialog is named by its heading, and the focus stays inside
  // it until Escape (or the close button) gives it back to the opener.
  function closePopup() {
    if (!popup) return;
    setBackgroundInert(false);
    popup.remove();
    popup = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      opener.removeAttribute("aria-controls");
      opener.focus();
    }
    opener = null;
  }

  // Below the opener if it fits, else above if there is more room there; a
  // pop-up taller than the room it gets scrolls inside itself. Either way it
  // stands within the window.
  function placePopup(anchor) {
    const rect = anchor.getBoundingClientRect();
    const viewport = document.documentElement.clientHeight;
    const below = viewport - rect.bottom - 2 * GAP;
    const above = rect.top - 2 * GAP;
    const left = Math.max(GAP, Math.min(rect.left, document.documentElement.clientWidth - popup.offsetWidth - GAP));
    popup.style.left = (window.scrollX + left) + "px";
    const height = popup.offsetHeight;
    const flip = height > below && above > below;
    const room = Math.max(flip ? above : below, 120);
    popup.style.maxHeight = room + "px";
    const shown = Math.min(height, room);
    popup.style.top = (window.scrollY + (flip ? rect.top - GAP - shown : rect.bottom + GAP)) + "px";
    // an opener so near the window's edge that even the least room is more than there is: bring the pop-up in
    const box = popup.getBoundingClientRect();
    if (box.bottom > viewport || box.top < 0) popup.scrollIntoView({block: "nearest"});
  }

  function openPopup(anchor, label, fill) {
    closePopup();
    popup = document.createElement("div");
    popup.className = "popup";
    popup.id = POPUP_ID;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-modal", "true");
    popup.setAttribute("aria-labelledby", POPUP_ID + "-heading");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "popup-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    close.addEventListener("click", closePopup);
    popup.appendChild(close);
    const content = document.createElement("div");
    content.className = "popup-content";
    popup.appendChild(content);
    const heading = document.createElement("p");
    heading.className = "popup-heading";
    heading.id = POPUP_ID + "-heading";
    heading.textContent = label;
    content.appendChild(heading);
    fill(content, heading);
    body.appendChild(popup);
    placePopup(anchor);
    opener = anchor;
    anchor.setAttribute("aria-expanded", "true");
    anchor.setAttribute("aria-controls", POPUP_ID);
    setBackgroundInert(true);
    close.focus();
  }

  // content fetched after the pop-up opened may make it taller: place it again
  function replacePopup() {
    if (popup && opener) placePopup(opener);
  }

  // Tab and Shift+Tab go round the pop-up's own controls while it is open
  function keepFocusInPopup(event) {
    const items = Array.prototype.filter.call(popup.querySelectorAll(FOCUSABLE), function (item) {
      return item.getClientRects().length > 0;
    });
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const inside = popup.contains(document.activeElement);
    if (event.shiftKey && (!inside || document.activeElement === first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
      event.preventDefault();
      first.focus();
    }
  }

  // what opens a pop-up says so to assistive technology
  function opensPopup(link, yes) {
    if (yes) {
      link.setAttribute("aria-haspopup", "dialog");
      link.setAttribute("aria-expanded", "false");
    } else {
      link.removeAttribute("aria-haspopup");
      link.removeAttribute("aria-expanded");
    }
  }
  document.querySelectorAll("a.note-ref[data-note], a.para-num").forEach(function (link) { opensPopup(link, true); });

  // An editorial mark (a correction, a gap, a mended page break, supplied
  // words) explains itself on a click, a tap or Enter, not only on hover:
  // while it is shown it is a button that opens its explanation.
  function explainable(mark, on) {
    if (on) {
      mark.setAttribute("role", "button");
      mark.setAttribute("tabindex", "0");
      mark.setAttribute("aria-haspopup", "dialog");
      mark.setAttribute("aria-expanded", "false");
      if (!mark.dataset.explanation) mark.dataset.explanation = mark.title;
    } else {
      ["role", "tabindex", "aria-haspopup", "aria-expanded"].forEach(function (name) { mark.removeAttribute(name); });
    }
  }
  // A mark that holds another mark, or a link, is not a button itself (nothing
  // interactive nests), nor is one inside a name while the names are links.
  function refreshExplanations() {
    const interventions = body.classList.contains("show-interventions");
    document.querySelectorAll(".explain").forEach(function (mark) {
      const shown = mark.classList.contains("gap") || interventions;
      const nested = mark.querySelector(".explain, a[href], button") || mark.parentElement.closest("a[href]");
      explainable(mark, shown && !nested);
    });
  }

  // Names are links to the registers while they are shown; while they are
  // off they are plain words: no link announced, no tab stop.
  function setToggle(name, on) {
    body.classList.toggle(name, on);
    if (name === "show-names") {
      document.querySelectorAll("a.name").forEach(function (link) {
        if (on) {
          if (link.dataset.href) link.setAttribute("href", link.dataset.href);
        } else if (link.hasAttribute("href")) {
          link.dataset.href = link.getAttribute("href");
          link.removeAttribute("href");
        }
        opensPopup(link, on);
      });
    }
    refreshExplanations();
  }

  // toggles: remembered across pages
  document.querySelectorAll("button.toggle[data-toggle]").forEach(function (button) {
    const name = button.dataset.toggle;
    const on = localStorage.getItem("edition." + name) === "on";
    setToggle(name, on);
    button.setAttribute("aria-pressed", String(on));
    button.hidden = false;
    button.addEventListener("click", function () {
      const now = !body.classList.contains(name);
      setToggle(name, now);
      button.setAttribute("aria-pressed", String(now));
      localStorage.setItem("edition." + name, now ? "on" : "off");
    });
  });
  // a page without the toggles (a gap in a note shown elsewhere) still explains its gaps
  refreshExplanations();

  // Comfort: a dark or light page (following the system until the reader
  // chooses) and the size of the text, both remembered.
  const root = document.documentElement;
  const TEXT_SIZES = [87.5, 100, 112.5, 125, 150];
  function applyTheme(theme) {
    root.classList.toggle("theme-dark", theme === "dark");
    root.classList.toggle("theme-light", theme === "light");
  }
  function darkNow() {
    return root.classList.contains("theme-dark") ||
      (!root.classList.contains("theme-light") && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  applyTheme(localStorage.getItem("edition.theme"));
  document.querySelectorAll("button[data-theme-switch]").forEach(function (button) {
    button.hidden = false;
    button.setAttribute("aria-pressed", String(darkNow()));
    button.addEventListener("click", function () {
      const theme = darkNow() ? "light" : "dark";
      applyTheme(theme);
      localStorage.setItem("edition.theme", theme);
      button.setAttribute("aria-pressed", String(theme === "dark"));
    });
  });
  function textSize() {
    const stored = Number(localStorage.getItem("edition.text-size"));
    return TEXT_SIZES.indexOf(stored) >= 0 ? stored : 100;
  }
  function applyTextSize(size) {
    root.style.fontSize = size === 100 ? "" : size + "%";
    document.querySelectorAll("button[data-text-size]").forEach(function (button) {
      const step = Number(button.dataset.textSize);
      const next = TEXT_SIZES.indexOf(size) + step;
      button.disabled = next < 0 || next >= TEXT_SIZES.length;
    });
  }
  document.querySelectorAll("button[data-text-size]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const sizes = TEXT_SIZES;
      const next = sizes[Math.max(0, Math.min(sizes.length - 1, sizes.indexOf(textSize()) + Number(button.dataset.textSize)))];
      localStorage.setItem("edition.text-size", String(next));
      applyTextSize(next);
    });
  });
  applyTextSize(textSize());

  // "Cite this": the server formats the citation (with the edition's
  // bibliographic data and a CSL style) and offers it as BibTeX, RIS and CSL-JSON.
  function fillCitation(target, content) {
    const status = document.createElement("p");
    status.textContent = "…";
    content.appendChild(status);
    fetch(target.dataset.cite + "?format=json").then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (cite) {
      status.remove();
      const formatted = new DOMParser().parseFromString(cite.html, "text/html").body;
      const shown = document.createElement("p");
      shown.className = "citation";
      while (formatted.firstChild) shown.appendChild(document.adoptNode(formatted.firstChild));
      content.appendChild(shown);
      const text = document.createElement("textarea");
      text.readOnly = true;
      text.rows = 5;
      text.setAttribute("aria-label", "Citation");
      text.value = cite.text;
      content.appendChild(text);
      const links = document.createElement("p");
      links.className = "citation-formats";
      [["Permalink", cite.permalink], ["BibTeX", cite.formats.bibtex], ["RIS", cite.formats.ris],
       ["CSL-JSON", cite.formats.csl]].forEach(function (pair, i) {
        if (i) links.appendChild(document.createTextNode(" · "));
        const link = document.createElement("a");
        link.href = pair[1];
        link.textContent = pair[0];
        links.appendChild(link);
      });
      content.appendChild(links);
      replacePopup();
    }).catch(function () {
      status.textContent = "The citation could not be loaded. ";
      const link = document.createElement("a");
      link.href = target.dataset.cite;
      link.textContent = "Open it";
      status.appendChild(link);
    });
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest("a.note-ref, a.name, a.para-num, .explain[role=button]");
    if (!target) {
      if (popup && !popup.contains(event.target)) closePopup();
      return;
    }
    if (popup && popup.contains(target)) return;
    if (target.classList.contains("note-ref")) {
      const note = document.getElementById(target.dataset.note);
      if (!note) return;
      event.preventDefault();
      openPopup(target, "Note " + target.textContent.trim(), function (content, heading) {
        const voice = note.querySelector(".note-voice");
        heading.className = "popup-heading " + note.className;
        heading.textContent = "Note " + target.textContent.trim() + (voice ? " · " + voice.textContent : "");
        const text = note.querySelector(".note-body").cloneNode(true);
        // the copy must not repeat the ids of the list it was taken from
        text.querySelectorAll("[id]").forEach(function (element) { element.removeAttribute("id"); });
        // a mark in the copy does not open a pop-up of its own (the key says what it means)
        text.querySelectorAll(".explain").forEach(function (mark) { explainable(mark, false); });
        content.appendChild(text);
      });
    } else if (target.classList.contains("name")) {
      if (!body.classList.contains("show-names")) return;
      event.preventDefault();
      openPopup(target, "Register entry", function (content, heading) {
        const status = document.createElement("p");
        status.textContent = "…";
        content.appendChild(status);
        fetch(target.getAttribute("href") + "/card").then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        }).then(function (entry) {
          status.remove();
          heading.textContent = "";
          const strong = document.createElement("strong");
          strong.textContent = entry.name;
          heading.appendChild(strong);
          if (entry.dates) heading.appendChild(document.createTextNode(" (" + entry.dates + ")"));
          if (entry.description) {
            const p = document.createElement("p");
            p.textContent = entry.description;
            content.appendChild(p);
          }
          const link = document.createElement("a");
          link.href = entry.url;
          link.className = "popup-entry-link";
          link.textContent = "Register entry: " + entry.mentions.toLocaleString("en") + " mentions in " + entry.texts + " texts";
          content.appendChild(link);
          replacePopup();
        }).catch(function () {
          status.textContent = "The register entry could not be loaded. ";
          const link = document.createElement("a");
          link.href = target.getAttribute("href");
          link.textContent = "Open it";
          status.appendChild(link);
        });
      });
    } else if (target.classList.contains("para-num")) {
      event.preventDefault();
      history.replaceState(null, "", target.getAttribute("href"));
      openPopup(target, "Cite this passage", function (content) { fillCitation(target, content); });
    } else {
      event.preventDefault();
      openPopup(target, "What this mark means", function (content) {
        const explanation = document.createElement("p");
        explanation.textContent = target.dataset.explanation;
        content.appendChild(explanation);
        const key = document.createElement("a");
        key.href = document.querySelector("link[rel=help]").getAttribute("href") + "#key-to-marks";
        key.textContent = "Key to every mark";
        content.appendChild(key);
      });
    }
  });

  // A register entry's mentions, one text at a time: "more" is a link to the
  // next page of that text's mentions (it works without script); with script
  // the next page is fetched and its lines are added to the list in place.
  function showMore(link) {
    const group = link.closest(".kwic-group");
    const list = group.querySelector("ol.kwic");
    const range = group.querySelector(".kwic-range");
    link.setAttribute("aria-disabled", "true");
    fetch(link.href).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      const page = new DOMParser().parseFromString(html, "text/html");
      const items = page.querySelectorAll("#" + CSS.escape(group.id) + " ol.kwic > li");
      const first = items.length ? items[0].querySelector("a") : null;
      items.forEach(function (item) { list.appendChild(document.adoptNode(item)); });
      const next = page.querySelector("#" + CSS.escape(group.id) + " a.kwic-more");
      const total = group.dataset.total;
      const last = list.start + list.children.length - 1;
      if (range) range.textContent = "Mentions " + list.start.toLocaleString("en") + "–" + last.toLocaleString("en") + " of " + Number(total).toLocaleString("en");
      if (next) {
        link.href = next.getAttribute("href");
        link.textContent = next.textContent.replace(/^Next (\S+) →$/, "Show $1 more");
        link.removeAttribute("aria-disabled");
      } else {
        link.remove();
      }
      // the reader goes on from the first line just added
      if (first) first.focus();
    }).catch(function () {
      window.location.href = link.href;
    });
  }
  document.querySelectorAll("a.kwic-more").forEach(function (link) {
    link.textContent = link.textContent.replace(/^Next (\S+) →$/, "Show $1 more");
  });

  document.addEventListener("click", function (event) {
    const more = event.target.closest("a.kwic-more");
    if (!more || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (more.getAttribute("aria-disabled") !== "true") showMore(more);
  });

  // The search's "Mentioning": a text field in the page (a name or register/id
  // works without script), a choice of every entry the texts mention once the
  // list is fetched. The list is one cached file, not 628 options in every page.
  function entityChoice(field) {
    fetch(field.dataset.choices).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (registers) {
      const select = document.createElement("select");
      select.id = field.id;
      select.name = field.name;
      select.appendChild(new Option("anyone, anywhere", ""));
      let offered = field.value === "";
      registers.forEach(function (register) {
        const group = document.createElement("optgroup");
        group.label = register.title;
        register.options.forEach(function (option) {
          group.appendChild(new Option(option[1], option[0]));
          if (option[0] === field.value) offered = true;
        });
        select.appendChild(group);
      });
      // an entry the texts never name, asked for by address, stays chosen
      if (!offered) select.insertBefore(new Option((field.dataset.entityName || field.value) + " (not mentioned)", field.value), select.children[1] || null);
      select.value = field.value;
      const hint = document.getElementById(field.getAttribute("aria-describedby"));
      if (hint) hint.remove();
      field.replaceWith(select);
    }).catch(function () {
      // the field stays: a name or an address still searches
    });
  }
  document.querySelectorAll("input[data-choices]").forEach(entityChoice);

  // A register's name filter works as the reader types (the form sends it too, without script):
  // rows whose name does not hold the words are hidden, and so are the letter rows while filtering.
  document.querySelectorAll("input[data-filter-rows]").forEach(function (field) {
    const rows = document.querySelector(field.dataset.filterRows);
    const count = document.getElementById(field.getAttribute("aria-describedby"));
    if (!rows) return;
    field.addEventListener("input", function () {
      const wanted = field.value.trim().toLocaleLowerCase();
      let shown = 0;
      rows.querySelectorAll("tr").forEach(function (row) {
        if (row.classList.contains("letter-row")) {
          row.hidden = wanted !== "";
          return;
        }
        const match = !wanted || (row.dataset.name || "").toLocaleLowerCase().indexOf(wanted) >= 0;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = shown.toLocaleString("en") + (shown === 1 ? " entry." : " entries.");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closePopup();
    else if (event.key === "Tab" && popup) keepFocusInPopup(event);
    // an explained mark is a button: Enter and Space open its explanation
    else if ((event.key === "Enter" || event.key === " ") && event.target.matches && event.target.matches(".explain[role=button]")) {
      event.preventDefault();
      event.target.click();
    }
  });
})();
