// Similar ideas while a member types a title on the new-idea form. The form works without this
// script; it only fills the live region under the title with ideas already on the board.
(function () {
  "use strict";
  var region = document.querySelector("[data-similar-url]");
  if (!region || !window.fetch) return;
  var input = document.getElementById(region.dataset.similarFor);
  if (!input) return;
  var DELAY = 250; // ms after the last keystroke
  var MIN_CHARS = 3;
  var timer = null;
  var latest = 0; // only the answer to the latest request is shown
  var shown = "";

  function show(html) {
    if (html === shown) return;
    shown = html;
    region.innerHTML = html;
  }

  function look() {
    var text = input.value.trim();
    if (text.length < MIN_CHARS) { show(""); return; }
    var ticket = ++latest;
    fetch(region.dataset.similarUrl + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (ticket === latest) show(html.trim()); })
      .catch(function () { /* suggestions are a help, not a requirement */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(look, DELAY);
  });
  if (input.value) look(); // a form shown again with errors keeps its title
})();
