/* Keyboard shortcuts for the inbox and the ticket page; "?" lists them (#shortcuts-help).
 *
 * Inbox: j/k move, x selects, Enter/o opens, a assigns to me, / searches.
 * Ticket page: r reply, n internal note, Ctrl/Cmd+Enter sends, m macro, e solve/close,
 * Esc back to the inbox.
 *
 * Nothing fires while the focus is in a field (input, select, textarea, contenteditable),
 * except Ctrl/Cmd+Enter in the composer (that is how it sends) and Esc, which leaves the
 * field. Rows are looked up on every key press: live updates replace them at any time. */
(function () {
  "use strict";

  var help = document.getElementById("shortcuts-help");
  if (!help) return;
  var page = help.dataset.shortcutsPage;

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    if (tag !== "input") return false;
    var type = (target.type || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }

  function toggleHelp() {
    if (help.open) {
      help.close();
    } else if (typeof help.showModal === "function") {
      help.showModal();
    } else {
      help.setAttribute("open", "");
    }
  }

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.addEventListener("click", toggleHelp);
  });

  /* --- inbox ------------------------------------------------------------------------------ */

  var current = null; // the row j/k point at

  function rows() {
    return Array.prototype.filter.call(document.querySelectorAll("#inbox-list tbody tr"), function (row) {
      return row.querySelector("a[href]") !== null;
    });
  }

  function focusRow(row) {
    if (current) current.classList.remove("is-current");
    current = row;
    if (!row) return;
    row.classList.add("is-current");
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(current);
    if (index === -1) {
      index = step > 0 ? 0 : list.length - 1;
    } else {
      index = Math.min(Math.max(index + step, 0), list.length - 1);
    }
    focusRow(list[index]);
  }

  function currentRow() {
    // The row may have been replaced by a live update since it was chosen: find it again.
    if (current && !document.body.contains(current) && current.id) {
      focusRow(document.getElementById(current.id));
    }
    return current && document.body.contains(current) ? current : null;
  }

  function checkbox(row) {
    return row ? row.querySelector("input[type=checkbox][name=ticket]") : null;
  }

  function toggleSelected() {
    var box = checkbox(currentRow());
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function openCurrent() {
    var row = currentRow();
    var link = row && row.querySelector("a[href]");
    if (link) window.location.href = link.href;
  }

  function assignToMe() {
    var form = document.getElementById("bulk-form");
    var button = form && form.querySelector("[data-shortcut-assign-me]");
    if (!button) return;
    var selected = document.querySelectorAll("input[type=checkbox][name=ticket]:checked");
    if (!selected.length) {
      var box = checkbox(currentRow());
      if (!box) return;
      box.checked = true;
      box.dispatchEvent(new Event("change", { bubbles: true })); // bulk.js keeps the selection
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  function inboxKey(event) {
    switch (event.key) {
      case "j":
        move(1);
        return true;
      case "k":
        move(-1);
        return true;
      case "x":
        toggleSelected();
        return true;
      case "o":
      case "Enter":
        if (!currentRow()) return false;
        openCurrent();
        return true;
      case "a":
        assignToMe();
        return true;
      case "/":
        var search = document.querySelector("[data-shortcut-search]");
        if (!search) return false;
        search.focus();
        search.select();
        return true;
    }
    return false;
  }

  /* --- ticket page ------------------------------------------------------------------------- */

  function composer() {
    return document.getElementById("composer");
  }

  function write(internal) {
    var form = composer();
    if (!form) return false;
    var box = form.querySelector("input[name=internal]");
    if (box) box.checked = internal;
    var body = form.querySelector("textarea[name=body]");
    if (body) body.focus();
    return true;
  }

  function send() {
    var form = composer();
    if (!form) return false;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
    return true;
  }

  function inboxUrl() {
    var link = document.querySelector(".breadcrumbs a[href]");
    var fallback = link ? link.href : "/";
    try {
      var from = new URL(document.referrer);
      var inbox = new URL(fallback, window.location.href);
      if (from.origin === window.location.origin && from.pathname === inbox.pathname) return from.href;
    } catch (error) {
      // no referrer, or not a URL: the plain inbox
    }
    return fallback;
  }

  function ticketKey(event) {
    switch (event.key) {
      case "r":
        return write(false);
      case "n":
        return write(true);
      case "m":
        var macro = document.querySelector("[data-shortcut-macro]");
        if (!macro) return false;
        macro.focus();
        return true;
      case "e":
        var solve = document.querySelector("form[data-shortcut-solve]");
        if (!solve) return false;
        solve.submit();
        return true;
      case "Escape":
        window.location.href = inboxUrl();
        return true;
    }
    return false;
  }

  /* --- dispatch ---------------------------------------------------------------------------- */

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    var inField = typing(event.target);

    if (page === "ticket" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = composer();
      if (form && (!inField || form.contains(event.target))) {
        event.preventDefault();
        send();
      }
      return;
    }
    if (event.key === "Escape" && inField) {
      event.target.blur();
      return;
    }
    if (inField || event.ctrlKey || event.metaKey || event.altKey) return;
    if (help.open) {
      if (event.key === "?" || event.key === "Escape") {
        event.preventDefault();
        help.close();
      }
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    var handled = page === "inbox" ? inboxKey(event) : ticketKey(event);
    if (handled) event.preventDefault();
  });
})();
