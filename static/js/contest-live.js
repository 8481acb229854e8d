// Live updates for a contest page. The page works without this script; it only adds
// fresh vote counts and a notice when new entries are published.
(function () {
  "use strict";
  var root = document.querySelector("[data-contest-slug]");
  if (!root || !("WebSocket" in window)) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + location.host + "/ws/contests/" + root.dataset.contestSlug + "/";
  var MAX_FAILURES = 5; // consecutive failed connections before giving up quietly
  var failures = 0;
  var retry = 1000;

  function showVotes(entryId, votes) {
    document.querySelectorAll('[data-entry-id="' + entryId + '"] .votes').forEach(function (box) {
      var count = box.querySelector("[data-vote-count]");
      var noun = box.querySelector("[data-vote-noun]");
      if (count) count.textContent = votes;
      if (noun && box.dataset.votesLabelOne) {
        noun.textContent = votes === 1 ? box.dataset.votesLabelOne : box.dataset.votesLabelMany;
      }
    });
  }

  function connect() {
    var opened = false;
    var socket = new WebSocket(url);
    socket.onopen = function () { opened = true; failures = 0; retry = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "votes.changed") {
        showVotes(event.entry_id, event.votes);
      } else if (event.type === "entry.published" || event.type === "results.announced") {
        var notice = document.querySelector("[data-live-notice]");
        if (notice) notice.hidden = false;
      }
    };
    socket.onclose = function (closed) {
      if (closed.code === 4404) return;
      if (!opened && ++failures >= MAX_FAILURES) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
