// The reading view's behaviour: toggles for names and interventions,
// pop-ups for notes, register entries and citations. Without JavaScript
// every link still works: notes are listed at the end, names link to the
// registers, paragraph numbers are permalinks.
"use strict";

(function () {
  const body = document.body;
  const POPUP_ID = "popup";
  const FOCUSABLE = "a[href], button:not([disabled]), textarea, input, select, [tabindex]:not([tabindex='-1'])";
  let popup = null;
  let opener = null;

  // A pop-up is a dialog: its opener says it is open and which element it
  // opened, the dialog is named by its heading, and the focus stays inside
  // it until Escape (or the close button) gives it back to the opener.
  function closePopup() {
    if (!popup) return;
    popup.remove();
    popup = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      opener.removeAttribute("aria-controls");
      opener.focus();
    }
    opener = null;
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
    document.body.appendChild(popup);
    const rect = anchor.getBoundingClientRect();
    const left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - popup.offsetWidth - 8));
    popup.style.left = left + "px";
    popup.style.top = (window.scrollY + rect.bottom + 6) + "px";
    opener = anchor;
    anchor.setAttribute("aria-expanded", "true");
    anchor.setAttribute("aria-controls", POPUP_ID);
    close.focus();
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

  // names join the tab order only while they are shown
  function setToggle(name, on) {
    body.classList.toggle(name, on);
    if (name === "show-names") {
      document.querySelectorAll("a.name").forEach(function (link) {
        if (on) link.removeAttribute("tabindex"); else link.setAttribute("tabindex", "-1");
        opensPopup(link, on);
      });
    }
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

  // Paragraphs are numbered within their division: "paragraph 1" names the
  // subsection it stands in, after the page's own title.
  function sectionOf(paraNum, pageTitle) {
    const heads = [];
    let division = paraNum.closest("section.div");
    while (division && division.parentElement && division.parentElement.closest("section.div")) {
      const head = division.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
      if (head) {
        const copy = head.cloneNode(true);
        copy.querySelectorAll(".ui").forEach(function (ui) { ui.remove(); });
        heads.unshift(copy.textContent.replace(/\s+/g, " ").trim());
      }
      division = division.parentElement.closest("section.div");
    }
    return [pageTitle].concat(heads).join(", ");
  }

  function citation(paraNum) {
    const main = document.getElementById("main");
    const url = new URL(paraNum.dataset.permalink, window.location.href).href;
    const today = new Date().toISOString().slice(0, 10);
    const author = main.dataset.author ? main.dataset.author + ", " : "";
    const translator = main.dataset.translator ? ", translated by " + main.dataset.translator : "";
    return author + "“" + main.dataset.title + "”" + translator + ", in " + main.dataset.edition + ", section “" +
      sectionOf(paraNum, main.dataset.section) + "”, paragraph " + paraNum.textContent.trim() + ". " + url + " (accessed " + today + ").";
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest("a.note-ref, a.name, a.para-num");
    if (!target) {
      if (popup && !popup.contains(event.target)) closePopup();
      return;
    }
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
          link.textContent = "Register entry: " + entry.mentions + " mentions in " + entry.texts + " texts";
          content.appendChild(link);
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
      openPopup(target, "Cite this paragraph", function (content) {
        const text = document.createElement("textarea");
        text.readOnly = true;
        text.rows = 5;
        text.setAttribute("aria-label", "Citation");
        text.value = citation(target);
        content.appendChild(text);
        const link = document.createElement("a");
        link.href = target.dataset.permalink;
        link.textContent = "Permalink";
        content.appendChild(link);
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

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closePopup();
    else if (event.key === "Tab" && popup) keepFocusInPopup(event);
  });
})();
