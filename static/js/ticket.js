/* Live ticket page (/ws/tickets/<id>/): new messages appear in the conversation as they arrive,
 * delivery statuses move, and the page shows who else is viewing the ticket and who is typing.
 *
 * While the agent is composing, a new message (or any other change) does not silently move the
 * composer's seen_version: a warning asks the agent to review first, and the server still holds
 * a reply sent on a stale view (ticket_reply's version check). */
(function () {
  "use strict";

  var BATCH_MS = 300;
  var TYPING_EVERY = 2500; // send "typing" at most this often while keys are pressed
  var TYPING_SHOWN = 6000; // someone else's "typing" shows this long after their last key
  var live = window.HelpdeskLive;
  var conversation = null;
  var version = 0; // the newest ticket version this page has heard of
  var me = "";
  var socket = null;
  var refresh = {}; // message ids whose delivery status moved
  var wanted = false;
  var timer = null;
  var busy = false;
  var typers = {}; // user id -> {name, timer}
  var lastTypingSent = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function composerBody() {
    return document.querySelector("#composer textarea[name=body]");
  }

  function seenInput() {
    return document.querySelector("#composer input[name=seen_version]");
  }

  function lastMessageId() {
    var last = 0;
    Array.prototype.forEach.call(conversation.querySelectorAll("article[data-message-id]"), function (node) {
      last = Math.max(last, Number(node.dataset.messageId));
    });
    return last;
  }

  function composing() {
    var body = composerBody();
    return !!(body && body.value.trim());
  }

  function showNotice(text) {
    var notice = byId("live-notice");
    if (!notice) return;
    notice.querySelector(".live-notice-text").textContent = text;
    notice.hidden = false;
  }

  function acknowledge() {
    var seen = seenInput();
    if (seen) seen.value = String(version);
    var notice = byId("live-notice");
    if (notice) notice.hidden = true;
  }

  function schedule() {
    wanted = true;
    if (timer === null && !busy) timer = window.setTimeout(fetchNow, BATCH_MS);
  }

  function fetchNow() {
    timer = null;
    if (busy || !wanted) return;
    wanted = false;
    busy = true;
    var ids = Object.keys(refresh);
    refresh = {};
    var params = new URLSearchParams({ after: String(lastMessageId()) });
    if (ids.length) params.set("refresh", ids.slice(0, 100).join(","));
    live
      .getJSON(conversation.dataset.liveUrl + "?" + params.toString())
      .then(apply)
      .catch(function () {
        ids.forEach(function (id) {
          refresh[id] = true; // tried again on the next event or reconnection
        });
      })
      .then(function () {
        busy = false;
        if (wanted && timer === null) timer = window.setTimeout(fetchNow, BATCH_MS);
      });
  }

  // A message that arrives late (a platform's retry, a slow mail relay) goes where it was written,
  // as it will after a reload, not at the end.
  function placeInConversation(element, end) {
    var written = Date.parse(element.dataset.written || "");
    var later = null;
    if (!isNaN(written)) {
      later = Array.prototype.find.call(conversation.querySelectorAll("article[data-written]"), function (node) {
        return Date.parse(node.dataset.written) > written;
      });
    }
    var before = later || end;
    before.parentNode.insertBefore(element, before);
  }

  function apply(data) {
    var arrived = false;
    var repliedBy = ""; // a colleague who answered the customer while this agent was writing
    var end = byId("conversation-end");
    (data.messages || []).forEach(function (item) {
      var element = live.fragment(item.html, "div");
      if (!element) return;
      var existing = byId("message-" + item.id);
      if (existing) {
        existing.parentNode.replaceChild(element, existing);
        return;
      }
      placeInConversation(element, end);
      live.flash(element, "msg-new");
      if (String(item.author || "") !== me) {
        arrived = true;
        if (item.author && element.dataset.direction === "outbound") {
          var sender = element.querySelector(".msg-sender");
          repliedBy = sender ? sender.textContent.trim() : "";
        }
      }
    });
    if (data.messages && data.messages.length) {
      var empty = conversation.querySelector(".conversation-empty");
      if (empty) empty.hidden = true;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-sla-due]"), function (node) {
      if (data.sla_due) node.dataset.slaDue = data.sla_due;
    });
    live.tick();
    if (data.version > version) {
      version = data.version;
      conversation.dataset.version = String(version);
      var seen = seenInput();
      if (seen && Number(seen.value) !== version) {
        if (composing()) {
          if (repliedBy) {
            showNotice(live.t("colleagueReplied", { name: repliedBy }));
          } else {
            showNotice(live.t(arrived ? "newMessage" : "changed"));
          }
        } else {
          acknowledge(); // nothing written yet: the agent reads the page as it is now
        }
      }
    }
  }

  function showPresence(viewers) {
    var element = byId("presence");
    if (!element) return;
    var names = viewers
      .filter(function (viewer) {
        return String(viewer.user) !== me;
      })
      .map(function (viewer) {
        return viewer.name;
      });
    element.textContent = names.length ? live.t("viewing", { names: names.join(", ") }) : "";
    element.hidden = !names.length;
  }

  function showTyping() {
    var element = byId("typing");
    if (!element) return;
    var names = Object.keys(typers).map(function (id) {
      return typers[id].name;
    });
    element.textContent = names.length ? live.t("typing", { name: names.join(", ") }) : "";
    element.hidden = !names.length;
  }

  function someoneTyping(event) {
    if (String(event.user) === me) return; // oneself in another tab
    var entry = typers[event.user];
    if (entry) window.clearTimeout(entry.timer);
    typers[event.user] = {
      name: event.name,
      timer: window.setTimeout(function () {
        delete typers[event.user];
        showTyping();
      }, TYPING_SHOWN),
    };
    showTyping();
  }

  function onEvent(event) {
    if (event.kind === "ticket.changed") {
      if (event.version !== null && event.version > version) schedule();
    } else if (event.kind === "message.delivery") {
      refresh[event.message] = true;
      schedule();
    } else if (event.kind === "presence") {
      showPresence(event.viewers || []);
    } else if (event.kind === "typing") {
      someoneTyping(event);
    } else if (event.kind === "shipment.changed") {
      showNotice(live.t("parcelChanged"));
    } else if (event.kind === "return.changed") {
      showNotice(live.t("returnChanged"));
    }
  }

  function onOpen() {
    // After a dropped connection: fetch what was missed, and where delivery may have moved.
    Array.prototype.forEach.call(conversation.querySelectorAll(".delivery-queued"), function (node) {
      var article = node.closest("article[data-message-id]");
      if (article) refresh[article.dataset.messageId] = true;
    });
    schedule();
  }

  function init() {
    conversation = byId("conversation");
    if (!conversation || !conversation.dataset.liveUrl) return;
    version = Number(conversation.dataset.version || 0);
    var presence = byId("presence");
    me = presence ? presence.dataset.me : "";
    var ack = byId("live-notice-ack");
    if (ack) ack.addEventListener("click", acknowledge);
    var body = composerBody();
    if (body) {
      body.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastTypingSent < TYPING_EVERY || !socket) return;
        if (socket.send({ type: "typing" })) lastTypingSent = now;
      });
    }
    if (!("WebSocket" in window)) return;
    socket = new live.LiveSocket("/ws/tickets/" + conversation.dataset.ticketId + "/", {
      open: onOpen,
      event: onEvent,
    });
    socket.connect();
    window.helpdeskTicket = { socket: socket };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
