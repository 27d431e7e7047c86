/* The search page's one script. Without it the page works the same, less these two conveniences:
 * - the search box suggests completions as you type, from the index's own words (GET /api/suggest),
 *   as an ARIA 1.2 combobox with a listbox popup: arrow keys move, Enter picks and searches,
 *   Escape closes, and a status line tells a screen reader how many there are;
 * - on a wide screen the facets ("Narrow the results") are open beside the results; on a phone they
 *   stay behind their toggle above the results. */
(function () {
  "use strict";

  var wide = window.matchMedia("(min-width: 48rem)");
  function openFacets() {
    var facets = document.getElementById("facets");
    if (facets && wide.matches) facets.open = true;
  }
  openFacets();
  if (wide.addEventListener) wide.addEventListener("change", openFacets);

  var input = document.getElementById("q");
  if (!input || !input.dataset.suggest || !window.fetch) return;
  var status = document.getElementById("q-status");
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.dataset.label);
  list.hidden = true;
  input.parentNode.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  var completions = [], active = -1, timer = null, pending = null, asked = null;

  function say(message) { if (status) status.textContent = message; }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function show(found) {
    completions = found;
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!found.length) { close(); say(""); return; }
    found.forEach(function (completion, index) {
      var option = document.createElement("li");
      option.id = "q-suggestion-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var words = document.createElement("span");
      words.className = "suggestion-query";
      words.lang = "fi";
      words.textContent = completion.query;
      var count = document.createElement("span");
      count.className = "suggestion-count";
      count.textContent = input.dataset.bulletins.replace("{count}", completion.bulletins.toLocaleString(input.dataset.lang));
      option.appendChild(words);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(count);
      // mousedown, not click: the box keeps its focus, so the list is still open when the pick lands
      option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    say(found.length === 1 ? input.dataset.one : input.dataset.many.replace("{count}", found.length));
  }

  function move(index) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    if (active < 0) { input.removeAttribute("aria-activedescendant"); return; }
    options[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({block: "nearest"});
  }

  function pick(index) {
    input.value = completions[index].query;
    close();
    if (input.form.requestSubmit) input.form.requestSubmit(); else input.form.submit();
  }

  function ask() {
    var text = input.value;
    if (text === asked) return;
    asked = text;
    if (pending) pending.abort();
    if (text.trim().length < 2 || /\s$/.test(text)) { show([]); return; }
    pending = new AbortController();
    var url = input.dataset.suggest + "?q=" + encodeURIComponent(text) + "&lang=" + input.dataset.lang;
    fetch(url, {signal: pending.signal, headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {completions: []}; })
      .then(function (data) { if (input.value === text && document.activeElement === input) show(data.completions); })
      .catch(function () { /* aborted by a newer keystroke, or offline: the box works without */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && completions.length;
    if (event.key === "ArrowDown" || event.key === "Down") {
      if (!open) { if (completions.length) show(completions); else { asked = null; ask(); } }
      else move(active + 1 < completions.length ? active + 1 : -1);
      event.preventDefault();
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (open) move(active > -1 ? active - 1 : completions.length - 1);
      event.preventDefault();
    } else if (event.key === "Enter") {
      if (open && active >= 0) { event.preventDefault(); pick(active); } else close();
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (open) { event.preventDefault(); close(); }
    } else if (event.key === "Tab") {
      close();
    }
  });
  input.addEventListener("blur", close);
})();
