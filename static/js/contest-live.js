// Live updates for a contest page. The page works without this script; it only adds
// fresh vote counts and a notice when new entries are published.
(function () {
  "use strict";
  var root = document.querySelector("[data-contest-slug]");
  if (!root || !("WebSocket" in window)) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + location.host + "/ws/contests/" + root.dataset.contestSlug + "/";
  var retry = 1000;

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { retry = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "votes.changed") {
        document.querySelectorAll('[data-entry-id="' + event.entry_id + '"] [data-vote-count]')
          .forEach(function (node) { node.textContent = event.votes; });
      } else if (event.type === "entry.published" || event.type === "results.announced") {
        var notice = document.querySelector("[data-live-notice]");
        if (notice) notice.hidden = false;
      }
    };
    socket.onclose = function (closed) {
      if (closed.code === 4404) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
