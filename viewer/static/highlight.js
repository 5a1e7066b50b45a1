// Marks a search's words in the passage a hit lands on: the search's results link
// to /text/KEY/at/ID?hl=word&hl=a+phrase&hl=prefix* and the page opens at #ID.
// Words and phrases are matched whole, in any case, within one run of text.
"use strict";

(function () {
  const words = new URLSearchParams(window.location.search).getAll("hl").filter(Boolean);
  const landing = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (!words.length || !landing) return;
  const LETTER = "[\\p{L}\\p{N}]";
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const alternatives = words.map((w) => {
    const parts = w.replace(/\*$/, "").split(/\s+/).filter(Boolean).map(escape);
    return parts.join("[^\\p{L}\\p{N}]+") + (w.endsWith("*") ? LETTER + "*" : "");
  }).filter(Boolean);
  if (!alternatives.length) return;
  const pattern = new RegExp(`(?<!${LETTER})(?:${alternatives.join("|")})(?!${LETTER})`, "giu");
  const walker = document.createTreeWalker(landing, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.nodeValue;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) continue;
    pattern.lastIndex = 0;
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const match of text.matchAll(pattern)) {
      fragment.append(text.slice(at, match.index));
      const mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = match[0];
      fragment.append(mark);
      at = match.index + match[0].length;
    }
    fragment.append(text.slice(at));
    node.replaceWith(fragment);
  }
  landing.classList.add("search-landing");
})();
