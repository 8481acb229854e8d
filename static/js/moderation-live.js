// The live moderation desk (needs live.js): items that another moderator claims or decides
// leave the screen, new submissions show a notice, the waiting count stays true. Messages carry
// only ids, kinds and counts; the socket is for moderators only.
(function () {
  "use strict";
  var desk = document.querySelector("[data-moderation-live]");
  if (!desk || !window.CocreoLive) return;
  var count = document.querySelector("[data-pending-count]");
  var added = document.querySelector("[data-queue-added]");
  var gone = document.querySelector("[data-item-gone]");

  function showCount(counts) {
    if (!count || !counts) return;
    var label = counts.pending === 1 ? count.dataset.labelOne : count.dataset.labelMany;
    if (label) count.textContent = label.replace(/\d+/, String(counts.pending));
  }

  function itemLeft(event) {
    document.querySelectorAll('.moderation-queue [data-item-id="' + event.item_id + '"]').forEach(
      function (row) { row.remove(); }
    );
    var current = document.querySelector('article.moderation-item[data-item-id="' + event.item_id + '"]');
    if (current && gone) {
      gone.hidden = false;
      current.querySelectorAll("button, textarea, select").forEach(function (field) {
        field.disabled = true;
      });
    }
  }

  window.CocreoLive.open({
    path: "/ws/moderation/queue/",
    status: document.querySelector("[data-live-status]"),
    onMessage: function (event) {
      if (event.type === "queue.item_left") {
        if (!event.mine) itemLeft(event);
      } else if (event.type === "queue.item_added") {
        if (added) added.hidden = false;
      } else {
        return;
      }
      showCount(event.counts);
    },
  });
})();
