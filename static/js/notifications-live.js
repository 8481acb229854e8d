// Live notifications for a signed-in member (needs live.js): the header badge and, on the
// notifications page, the list update when a notification arrives. The socket joins only the
// member's own group (the server takes it from the session).
(function () {
  "use strict";
  var badge = document.querySelector("[data-unread-badge]");
  if (!badge || !window.CocreoLive) return;
  var list = document.querySelector("[data-notification-list]");

  function showUnread(count) {
    badge.textContent = count;
    badge.hidden = count === 0;
    badge.className = count === 0 ? "" : "badge";
    var label = count === 1 ? badge.dataset.labelOne : badge.dataset.labelMany;
    if (label) badge.setAttribute("aria-label", label.replace(/\d+/, String(count)));
  }

  function addToList(latest) {
    if (!list) return;
    latest.slice().reverse().forEach(function (n) {
      if (list.querySelector('[data-notification-id="' + n.id + '"]')) return;
      var item = document.createElement("li");
      item.className = "notification" + (n.unread ? " unread" : "");
      item.dataset.notificationId = n.id;
      var text = document.createElement("p");
      if (n.url) {
        var link = document.createElement("a");
        link.href = n.url;
        link.textContent = n.message;
        text.appendChild(link);
      } else {
        text.textContent = n.message;
      }
      item.appendChild(text);
      if (n.unread && list.dataset.newLabel) {
        var help = document.createElement("p");
        help.className = "help";
        var strong = document.createElement("strong");
        strong.textContent = list.dataset.newLabel;
        help.appendChild(strong);
        item.appendChild(help);
      }
      list.insertBefore(item, list.firstChild);
    });
  }

  window.CocreoLive.open({
    path: "/ws/notifications/",
    onMessage: function (event) {
      if (event.type !== "notifications") return;
      showUnread(event.unread);
      addToList(event.latest || []);
    },
  });
})();
