// Shared client for Cocreo's live sockets (window.CocreoLive). Pages work without it.
//
// CocreoLive.open({path, status, onOpen, onMessage}) keeps a socket open: after any close it
// reconnects with jittered exponential backoff (0.5 s doubling, capped at 30 s, forever),
// except when the server says the page may not listen (4403, 4404). While it is not connected
// the `status` element (if any) is shown: "live updates are paused". onOpen runs on every
// (re)connection: pages refetch what they show then.
//
// CocreoLive.totals(url, apply) keeps versioned totals true: messages whose version is not
// newer than what is shown are dropped; a gap in versions, a message without a version, a
// (re)connection all refetch the totals from `url` ({version, totals}). A gap or a message
// without a version reaches every page at the same moment: their refetch waits a random delay
// (REFETCH_SPREAD) so the pages do not all ask at once, and the triggers meanwhile make one fetch.
(function () {
  "use strict";
  var CAP = 30000;
  var BASE = 500;
  var STOP_CODES = { 4403: true, 4404: true };
  // A refetch after a gap or a message without a version waits uniformly 0 to REFETCH_SPREAD ms:
  // 1,000 pages then ask over 1.5 s instead of in the same instant (the "refetch herd" that
  // exhausted the database pools), and the page still shows the database's totals about 2 s
  // after the message that started it (the fetch comes after that message, so after the last).
  var REFETCH_SPREAD = 1500;
  // ... and after a message without a version at least UNVERSIONED_WAIT ms: the server caches
  // the totals per version for at most LIVE_TOTALS_CACHE_SECONDS (1 s), and such a message
  // carries changes that did not move the version; a body cached before them has expired then.
  var UNVERSIONED_WAIT = 1000;
  // A fetch answered older than a message shown meanwhile is read again this much later.
  var AGAIN_WAIT = 300;

  function backoff(attempt) {
    var ceiling = Math.min(CAP, BASE * Math.pow(2, attempt));
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2); // "equal jitter"
  }

  function open(options) {
    if (!("WebSocket" in window)) return null;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + options.path;
    var status = options.status || null;
    var attempt = 0;
    var stopped = false;
    var socket = null;
    var timer = null;

    function paused(isPaused) {
      if (status) status.hidden = !isPaused;
      document.documentElement.dataset.live = isPaused ? "paused" : "connected";
    }

    function connect() {
      timer = null;
      socket = new WebSocket(url);
      socket.onopen = function () {
        attempt = 0;
        paused(false);
        if (options.onOpen) options.onOpen();
      };
      socket.onmessage = function (message) {
        var event;
        try { event = JSON.parse(message.data); } catch (e) { return; }
        if (options.onMessage) options.onMessage(event);
      };
      socket.onclose = function (closed) {
        socket = null;
        if (stopped) return;
        if (STOP_CODES[closed.code]) {
          stopped = true;
          if (options.onStop) options.onStop(closed.code);
          return;
        }
        paused(true);
        timer = setTimeout(connect, backoff(attempt++));
      };
    }

    // Reconnect at once when the tab comes back or the network returns.
    function retryNow() {
      if (!stopped && timer !== null) {
        clearTimeout(timer);
        attempt = 0;
        connect();
      }
    }
    window.addEventListener("online", retryNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retryNow();
    });
    connect();
    return {
      close: function () { stopped = true; if (socket) socket.close(); },
    };
  }

  function totals(url, apply) {
    var version = null;
    var fetching = false;
    var again = false;
    var soon = null; // the pending delayed refetch (one at most: triggers coalesce)
    var soonAt = 0;

    // The first fetch on (re)connection is immediate: page loads are spread by the visitors and
    // reconnections by the backoff's jitter, and a page shows the current totals at once.
    function refetch() {
      if (fetching) { again = true; return; }
      fetching = true;
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (data.version !== null && version !== null && data.version < version) {
            again = true; // a newer message arrived meanwhile: read again
            return;
          }
          apply(data);
          version = data.version;
        })
        .catch(function () {})
        .then(function () {
          fetching = false;
          if (again) { again = false; refetchLater(AGAIN_WAIT, 0); }
        });
    }

    // One refetch, `wait` + up to `spread` ms from now; a pending one already due at least
    // `wait` from now serves this trigger too (so it still comes after the latest message).
    function refetchLater(wait, spread) {
      var now = Date.now();
      if (soon !== null && soonAt >= now + wait) return;
      if (soon !== null) clearTimeout(soon);
      var delay = wait + Math.round(Math.random() * spread);
      soonAt = now + delay;
      soon = setTimeout(function () { soon = null; refetch(); }, delay);
    }

    function message(event) {
      var v = event.version;
      if (v === null || v === undefined) {
        apply(event);
        refetchLater(UNVERSIONED_WAIT, REFETCH_SPREAD);
        return false;
      }
      if (version !== null && v <= version) return false; // stale: older than what is shown
      var gap = version !== null && v > version + 1;
      apply(event);
      version = v;
      if (gap) refetchLater(0, REFETCH_SPREAD);
      return true;
    }

    return {
      message: message,
      refetch: refetch,
      reset: function () { version = null; refetch(); },
      version: function () { return version; },
    };
  }

  window.CocreoLive = {
    open: open, totals: totals, backoff: backoff,
    REFETCH_SPREAD: REFETCH_SPREAD, UNVERSIONED_WAIT: UNVERSIONED_WAIT,
  };
})();
