// Live updates for a contest page (needs live.js). The page works without them: they keep
// the vote counts true (coalesced, versioned totals; refetched on connect, reconnect and
// gaps) and show a notice when new entries or the results are published.
(function () {
  "use strict";
  var root = document.querySelector("[data-contest-slug]");
  if (!root || !window.CocreoLive) return;
  var slug = root.dataset.contestSlug;

  function showVotes(entryId, votes) {
    document.querySelectorAll('[data-entry-id="' + entryId + '"] .votes').forEach(function (box) {
      var count = box.querySelector("[data-vote-count]");
      var noun = box.querySelector("[data-vote-noun]");
      if (count) count.textContent = Number(votes).toLocaleString(document.documentElement.lang);
      // The nouns are on the vote box (entry page) or once on the contest (gallery cards).
      var labels = box.dataset.votesLabelOne ? box.dataset : root.dataset;
      if (noun && labels.votesLabelOne) {
        noun.textContent = votes === 1 ? labels.votesLabelOne : labels.votesLabelMany;
      }
    });
  }

  var noTotals = { message: function () {}, reset: function () {} };
  var totals = !("totalsPublic" in root.dataset) ? noTotals : window.CocreoLive.totals("/api/v1/contests/" + slug + "/totals", function (data) {
    Object.keys(data.totals || {}).forEach(function (id) { showVotes(id, data.totals[id]); });
  });
  // Tests and tools read what the page shows, and at which version.
  root.liveTotals = totals;

  window.CocreoLive.open({
    path: "/ws/contests/" + slug + "/",
    status: document.querySelector("[data-live-status]"),
    onOpen: totals.reset,
    onMessage: function (event) {
      if (event.type === "votes.changed") {
        totals.message(event);
      } else if (event.type === "entry.published" || event.type === "results.announced") {
        var notice = document.querySelector("[data-live-notice]");
        if (notice) notice.hidden = false;
      }
    },
  });
})();
