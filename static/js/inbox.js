/* Live inbox: listens on /ws/inbox/ and, when anything changes, offers to refresh the list.
 * Reconnects with exponential backoff when the socket closes. Row-level patching comes later. */
(function () {
  "use strict";

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var UNAUTHORISED = 4401; // the consumer closes with this code for anonymous users
  var delay = MIN_DELAY;
  var socket = null;
  var retryTimer = null;

  function banner() {
    return document.getElementById("live-banner");
  }

  function showBanner() {
    var element = banner();
    if (element) element.hidden = false;
  }

  function refreshList() {
    var element = banner();
    if (element) element.hidden = true;
    var list = document.getElementById("inbox-list");
    if (list && window.htmx) {
      window.htmx.ajax("GET", window.location.href, { target: "#inbox-list", select: "#inbox-list", swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  function connect() {
    retryTimer = null;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/inbox/");
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      delay = MIN_DELAY;
    });
    socket.addEventListener("message", function () {
      showBanner();
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === UNAUTHORISED) return; // logged out: retrying cannot help
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (retryTimer !== null) return;
    var wait = delay + Math.floor(Math.random() * 500); // jitter, so tabs do not reconnect in step
    delay = Math.min(delay * 2, MAX_DELAY);
    retryTimer = window.setTimeout(connect, wait);
  }

  function init() {
    var element = banner();
    if (element) {
      element.addEventListener("click", refreshList);
    }
    if ("WebSocket" in window) connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
