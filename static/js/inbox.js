/* Live inbox: rows appear, move and disappear as tickets change, without a reload.
 *
 * Events on /ws/inbox/ carry a ticket id, its version and its live position. Events for rows
 * the page already shows at that version or later are dropped; the others are batched (a burst
 * becomes one request per ~300 ms) and the rows are fetched from /inbox/live/rows/, rendered by
 * the page's own row template, scoped and filtered like the page. Every (re)connection first asks
 * /inbox/live/changes/ for what changed since the last position the page saw, so nothing is missed
 * while the connection was down; when too much changed, the list is loaded again. */
(function () {
  "use strict";

  var BATCH_MS = 300;
  var live = window.HelpdeskLive;
  var list = null;
  var position = 0; // the newest live position this page has seen (microseconds)
  var pending = {}; // ticket id -> true, waiting for the next batch
  var batchTimer = null;
  var busy = false; // one request at a time; events meanwhile wait for the next batch
  var resyncWanted = false;
  var socket = null;

  function tbody() {
    return list ? list.querySelector("tbody") : null;
  }

  function rowOf(ticketId) {
    return document.getElementById("ticket-row-" + ticketId);
  }

  function rows() {
    var body = tbody();
    return body ? Array.prototype.slice.call(body.querySelectorAll("tr[data-ticket-id]")) : [];
  }

  function advance(to) {
    if (typeof to === "number" && to > position) {
      position = to;
      if (list) list.dataset.livePosition = String(position);
    }
  }

  /* Whether what the page shows for a ticket is already as new as (position, version). */
  function isCurrent(row, newPosition, newVersion) {
    var shownPosition = Number(row.dataset.position || 0);
    var shownVersion = Number(row.dataset.version || 0);
    if (newPosition < shownPosition) return true;
    return newPosition === shownPosition && newVersion <= shownVersion;
  }

  /* Sort keys as the server orders the view: by priority (most urgent, soonest due, newest)
   * or by due time (soonest due, most urgent, newest); no due time sorts last. */
  function keyOf(row) {
    return {
      priority: Number(row.dataset.priority),
      due: row.dataset.due === "" ? null : Number(row.dataset.due),
      id: Number(row.dataset.ticketId),
    };
  }

  function compareDue(a, b) {
    if (a.due === b.due) return 0;
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return a.due - b.due;
  }

  function compare(a, b) {
    var byDue = list && list.dataset.sort === "due";
    var first = byDue ? compareDue(a, b) : b.priority - a.priority;
    if (first !== 0) return first;
    var second = byDue ? b.priority - a.priority : compareDue(a, b);
    if (second !== 0) return second;
    return b.id - a.id;
  }

  /* Puts a row where it sorts; a row that sorts outside this page of a longer list is left out
   * (it belongs on another page). Returns whether the row is on the page. */
  function place(row) {
    var body = tbody();
    if (!body) return false;
    var others = rows().filter(function (other) {
      return other !== row;
    });
    var key = keyOf(row);
    if (others.length) {
      var firstPage = list.dataset.firstPage !== "0";
      var hasNext = list.dataset.hasNext === "1";
      if (!firstPage && compare(key, keyOf(others[0])) < 0) return false;
      if (hasNext && compare(key, keyOf(others[others.length - 1])) > 0) return false;
    }
    var before = null;
    for (var i = 0; i < others.length; i++) {
      if (compare(key, keyOf(others[i])) < 0) {
        before = others[i];
        break;
      }
    }
    if (before) body.insertBefore(row, before);
    else body.appendChild(row);
    var empty = body.querySelector(".inbox-empty");
    if (empty) empty.hidden = true;
    return true;
  }

  function remove(ticketId) {
    var row = rowOf(ticketId);
    if (row) row.parentNode.removeChild(row);
    var body = tbody();
    var empty = body && body.querySelector(".inbox-empty");
    if (empty && !rows().length) empty.hidden = false;
  }

  /* "N tickets on this page", kept true as rows come and go (both plural forms are rendered). */
  function recount() {
    var meta = list && list.querySelector(".list-meta");
    if (!meta || !meta.dataset.one) return;
    var count = rows().length;
    var form = count === 1 ? meta.dataset.one : meta.dataset.other;
    meta.textContent = form.replace(/\d+/, String(count));
  }

  function apply(data) {
    (data.rows || []).forEach(function (item) {
      var existing = rowOf(item.id);
      if (existing && isCurrent(existing, item.position, item.version)) return; // an older answer
      var row = live.fragment(item.html, "tbody");
      if (!row) return;
      if (existing) {
        // What other scripts marked on the row (keyboard focus, bulk selection) stays on it.
        ["is-current", "is-selected"].forEach(function (name) {
          if (existing.classList.contains(name)) row.classList.add(name);
        });
        existing.parentNode.removeChild(existing);
      }
      if (place(row)) {
        live.tick(row);
        live.flash(row, existing ? "row-changed" : "row-new");
        row.dispatchEvent(
          new CustomEvent("live:row", { bubbles: true, detail: { previous: existing, ticket: item.id } })
        );
      }
      advance(item.position);
    });
    (data.remove || []).forEach(remove);
    advance(data.position);
    recount();
  }

  function query(extra) {
    var params = new URLSearchParams(window.location.search);
    params.delete("after"); // the page's cursor: rows are asked for by id
    Object.keys(extra).forEach(function (name) {
      params.set(name, extra[name]);
    });
    return params.toString();
  }

  function queue(ticketId) {
    pending[ticketId] = true;
    if (batchTimer === null && !busy) batchTimer = window.setTimeout(flush, BATCH_MS);
  }

  function done() {
    busy = false;
    if (resyncWanted) resync();
    else if (Object.keys(pending).length && batchTimer === null) batchTimer = window.setTimeout(flush, BATCH_MS);
  }

  function flush() {
    batchTimer = null;
    if (busy) return;
    var ids = Object.keys(pending).slice(0, 100);
    if (!ids.length) return;
    ids.forEach(function (id) {
      delete pending[id];
    });
    busy = true;
    live
      .getJSON(list.dataset.rowsUrl + "?" + query({ ids: ids.join(",") }))
      .then(apply)
      .catch(function () {
        // The next (re)connection resyncs whatever this batch was about.
      })
      .then(done);
  }

  function resync() {
    if (busy) {
      resyncWanted = true;
      return;
    }
    resyncWanted = false;
    busy = true;
    live
      .getJSON(list.dataset.changesUrl + "?" + query({ since: String(position) }))
      .then(function (data) {
        if (data.reload) {
          reloadList();
        } else {
          apply(data);
        }
      })
      .catch(function () {
        reloadList(); // cannot tell what was missed: load the list again
      })
      .then(done);
  }

  function onEvent(event) {
    if (event.kind === "ticket.changed") {
      var row = rowOf(event.ticket);
      if (event.version === null) {
        remove(event.ticket); // deleted
        recount();
        return;
      }
      if (row && isCurrent(row, event.position, event.version)) return; // stale or already shown
      queue(event.ticket);
    } else if (event.kind === "pong") {
      advance(event.position);
    } else if (event.kind === "season.changed") {
      showBanner(seasonText(event)); // holiday mode switched: priorities and SLA targets may all move
    }
  }

  // "Holiday mode: <rule set> …" in the page's language: the texts and phase names come from the
  // banner's data attributes (translated by the template), the rule set's name from the event.
  function seasonText(event) {
    var element = document.getElementById("live-banner");
    if (!element || !event.name) return null;
    var ended = event.phase === "inactive";
    var text = ended ? element.dataset.seasonOff : element.dataset.seasonOn;
    if (!text) return null;
    var key = "phase" + String(event.phase).charAt(0).toUpperCase() + String(event.phase).slice(1);
    return text.replace("{name}", event.name).replace("{phase}", element.dataset[key] || event.phase);
  }

  function showBanner(text) {
    var element = document.getElementById("live-banner");
    if (!element) return;
    var button = element.querySelector(".live-banner-button");
    if (button) {
      if (!button.dataset.defaultText) button.dataset.defaultText = button.textContent;
      button.textContent = text || button.dataset.defaultText;
    }
    element.hidden = false;
  }

  function reloadList() {
    var element = document.getElementById("live-banner");
    if (element) element.hidden = true;
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.href, { target: "#inbox-list", select: "#inbox-list", swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  function bindList() {
    var fresh = document.getElementById("inbox-list");
    if (!fresh || fresh === list) return;
    var rowsUrl = list ? list.dataset.rowsUrl : fresh.dataset.rowsUrl;
    var changesUrl = list ? list.dataset.changesUrl : fresh.dataset.changesUrl;
    list = fresh;
    list.dataset.rowsUrl = list.dataset.rowsUrl || rowsUrl;
    list.dataset.changesUrl = list.dataset.changesUrl || changesUrl;
    advance(Number(list.dataset.livePosition || 0));
    live.tick(list);
  }

  function init() {
    bindList();
    if (!list) return;
    var banner = document.getElementById("live-banner");
    if (banner) banner.addEventListener("click", reloadList);
    // A list swapped in by htmx (reload, paging) brings its own rows and position.
    document.body.addEventListener("htmx:afterSwap", bindList);
    if (!("WebSocket" in window)) return;
    socket = new live.LiveSocket("/ws/inbox/", { open: resync, event: onEvent });
    socket.connect();
    window.helpdeskInbox = { socket: socket, position: function () { return position; } };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
