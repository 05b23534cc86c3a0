/* Live pages, shared by the inbox (inbox.js) and the ticket page (ticket.js):
 * - a websocket that reconnects with backoff, sends a heartbeat and notices a dead connection;
 * - the connection indicator (live / reconnecting / offline);
 * - SLA countdowns that tick every 30 s (amber under an hour, red when overdue);
 * - the translated words, read from #live-strings (rendered by Django, see _live_status.html). */
(function () {
  "use strict";

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var HEARTBEAT = 20000; // the server refreshes presence on each ping; its TTL is 60 s
  var HEARTBEAT_TIMEOUT = 10000; // no answer at all within this: the connection is dead
  var OFFLINE_AFTER = 3; // failed attempts in a row before the indicator says "offline"
  var FINAL_CODES = { 4401: "sessionEnded", 4403: "forbidden" }; // retrying cannot help
  var SOON = 60 * 60 * 1000; // amber under an hour left
  var TICK = 30000;

  var strings = {};
  var skewMs = 0; // server clock minus this browser's clock

  function readStrings() {
    var element = document.getElementById("live-strings");
    if (element) strings = element.dataset;
    var status = document.getElementById("live-status");
    if (status && status.dataset.serverNow) {
      skewMs = Math.round(Number(status.dataset.serverNow) / 1000) - Date.now();
    }
  }

  /* A translated string with %(name)s placeholders filled in. */
  function t(name, values) {
    var text = strings[name] || name;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("%(" + key + ")s").join(String(values[key]));
    });
    return text;
  }

  function now() {
    return Date.now() + skewMs;
  }

  function setState(state, message) {
    var element = document.getElementById("live-status");
    if (!element) return;
    element.dataset.state = state;
    var text = element.querySelector(".live-status-text");
    var key = "text" + state.charAt(0).toUpperCase() + state.slice(1);
    if (text) text.textContent = element.dataset[key] || state;
    element.title = message || "";
  }

  /* One live connection. handlers: open(), event(data), final(code). */
  function LiveSocket(path, handlers) {
    this.path = path;
    this.handlers = handlers;
    this.delay = MIN_DELAY;
    this.failures = 0;
    this.socket = null;
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.deadTimer = null;
    this.stopped = false;
    var self = this;
    window.addEventListener("online", function () {
      if (!self.socket && !self.stopped) self.connectNow();
    });
    window.addEventListener("offline", function () {
      setState("offline");
      if (self.socket) self.socket.close();
    });
  }

  LiveSocket.prototype.connectNow = function () {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.delay = MIN_DELAY;
    this.connect();
  };

  LiveSocket.prototype.connect = function () {
    var self = this;
    self.retryTimer = null;
    if (self.stopped || self.socket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + self.path);
    } catch (error) {
      self.scheduleReconnect();
      return;
    }
    self.socket = socket;
    socket.addEventListener("open", function () {
      if (self.socket !== socket) return;
      self.delay = MIN_DELAY;
      self.failures = 0;
      setState("live");
      self.startHeartbeat();
      if (self.handlers.open) self.handlers.open();
    });
    socket.addEventListener("message", function (message) {
      if (self.socket !== socket) return;
      self.alive();
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (self.handlers.event) self.handlers.event(data);
    });
    socket.addEventListener("close", function (event) {
      if (self.socket !== socket) return;
      self.socket = null;
      self.stopHeartbeat();
      if (FINAL_CODES[event.code]) {
        self.stopped = true;
        setState("offline", t(FINAL_CODES[event.code]));
        if (self.handlers.final) self.handlers.final(event.code);
        return;
      }
      self.failures += 1;
      setState(self.failures >= OFFLINE_AFTER || navigator.onLine === false ? "offline" : "reconnecting");
      self.scheduleReconnect();
    });
  };

  LiveSocket.prototype.scheduleReconnect = function () {
    if (this.retryTimer !== null || this.stopped) return;
    var wait = this.delay + Math.floor(Math.random() * 500); // jitter: tabs do not reconnect in step
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
    this.retryTimer = window.setTimeout(this.connect.bind(this), wait);
  };

  LiveSocket.prototype.send = function (data) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(data));
      return true;
    }
    return false;
  };

  LiveSocket.prototype.startHeartbeat = function () {
    var self = this;
    self.stopHeartbeat();
    self.heartbeatTimer = window.setInterval(function () {
      if (!self.send({ type: "ping" })) return;
      if (self.deadTimer === null) {
        self.deadTimer = window.setTimeout(function () {
          self.deadTimer = null;
          if (self.socket) self.socket.close(); // half-open: "close" reconnects
        }, HEARTBEAT_TIMEOUT);
      }
    }, HEARTBEAT);
  };

  LiveSocket.prototype.alive = function () {
    if (this.deadTimer !== null) window.clearTimeout(this.deadTimer);
    this.deadTimer = null;
  };

  LiveSocket.prototype.stopHeartbeat = function () {
    if (this.heartbeatTimer !== null) window.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.alive();
  };

  /* Closes the current connection as a network failure would (the page reconnects and resyncs). */
  LiveSocket.prototype.drop = function () {
    if (this.socket) this.socket.close();
  };

  /* Goes offline until resume(): what happens meanwhile is caught up by the resync on reconnection
   * (used by the browser test to cut the connection; handy when debugging from the console). */
  LiveSocket.prototype.pause = function () {
    this.stopped = true;
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.socket) {
      var socket = this.socket;
      this.socket = null;
      this.stopHeartbeat();
      socket.close();
    }
    setState("offline");
  };

  LiveSocket.prototype.resume = function () {
    this.stopped = false;
    setState("reconnecting");
    this.connectNow();
  };

  /* SLA countdowns ------------------------------------------------------------------------ */

  function duration(ms) {
    var minutes = Math.max(1, Math.round(ms / 60000));
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    if (days > 0) return t("days", { count: days }) + (hours ? " " + t("hours", { count: hours }) : "");
    if (hours > 0) return t("hours", { count: hours }) + (rest ? " " + t("minutes", { count: rest }) : "");
    return t("minutes", { count: rest });
  }

  function tick(root) {
    var nodes = (root || document).querySelectorAll("[data-sla-due]");
    var current = now();
    Array.prototype.forEach.call(nodes, function (node) {
      var due = Date.parse(node.dataset.slaDue);
      if (isNaN(due)) return;
      var left = due - current;
      node.classList.toggle("sla-overdue", left <= 0);
      node.classList.toggle("sla-soon", left > 0 && left < SOON);
      node.classList.toggle("sla-ok", left >= SOON);
      node.textContent = left > 0 ? t("left", { time: duration(left) }) : t("overdue", { time: duration(-left) });
    });
  }

  /* JSON from our own endpoints; rejects on a non-2xx answer (the caller retries later). */
  function getJSON(url) {
    return window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          var error = new Error("HTTP " + response.status);
          error.status = response.status;
          throw error;
        }
        return response.json();
      });
  }

  /* An HTML fragment (a <tr> or an <article>) parsed into one element. */
  function fragment(html, container) {
    var holder = document.createElement(container || "div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  /* Marks an element as just arrived or changed for a few seconds (CSS highlights it). */
  function flash(element, className) {
    element.classList.add(className);
    window.setTimeout(function () {
      element.classList.remove(className);
    }, 4000);
  }

  function init() {
    readStrings();
    tick();
    window.setInterval(tick, TICK);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  window.HelpdeskLive = {
    LiveSocket: LiveSocket,
    t: t,
    tick: tick,
    getJSON: getJSON,
    fragment: fragment,
    flash: flash,
    setState: setState,
  };
})();
