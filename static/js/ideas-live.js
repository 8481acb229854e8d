// Live support counts on an ideas board and its idea pages (needs live.js). The pages work
// without it. Like contest-live.js: versioned totals, refetched on connect, reconnect and gaps;
// stale messages dropped. Totals name only approved ideas: hidden ones are never shown, and
// only ideas already on the page are updated.
(function () {
  "use strict";
  var root = document.querySelector("[data-board-slug]");
  if (!root || !window.CocreoLive) return;
  var slug = root.dataset.boardSlug;

  function showSupports(ideaId, count) {
    var scope = '[data-idea-id="' + ideaId + '"] ';
    document.querySelectorAll(scope + ".idea-count").forEach(function (box) {
      var number = box.querySelector("[data-support-count]");
      var noun = box.querySelector("[data-support-noun]");
      if (number) number.textContent = count;
      if (noun && box.dataset.supportLabelOne) {
        noun.textContent = count === 1 ? box.dataset.supportLabelOne : box.dataset.supportLabelMany;
      }
    });
    document.querySelectorAll(scope + "[data-support-progress]").forEach(function (bar) {
      bar.value = Math.min(count, Number(bar.max));
    });
    document.querySelectorAll(scope + "[data-progress-template]").forEach(function (text) {
      var span = text.querySelector("[data-progress-text]");
      if (span) span.textContent = text.dataset.progressTemplate.replace("__n__", count);
    });
  }

  var totals = window.CocreoLive.totals("/api/v1/boards/" + slug + "/supports", function (data) {
    Object.keys(data.totals || {}).forEach(function (id) { showSupports(id, data.totals[id]); });
  });
  root.liveTotals = totals; // tests and tools read what the page shows, and at which version

  window.CocreoLive.open({
    path: "/ws/ideas/" + slug + "/",
    status: document.querySelector("[data-live-status]"),
    onOpen: totals.reset,
    onMessage: function (event) {
      if (event.type === "supports.changed") totals.message(event);
    },
  });
})();
