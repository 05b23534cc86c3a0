/* Bulk selection in the inbox: "select all on page", the count, and the merge target list;
 * and the filter bar's links without the empty filters.
 *
 * The row checkboxes (name="ticket", form="bulk-form") live in the rows; live updates
 * replace rows, so the selection is kept here by ticket id and put back on new rows. */
(function () {
  "use strict";

  var form = document.getElementById("bulk-form");
  if (!form || !document.getElementById("inbox-list")) return;

  var selected = new Set();
  var mergeKey = null;
  var count = form.querySelector("[data-bulk-count]");
  var mergeTarget = form.querySelector("[data-merge-target]");
  var actions = form.querySelectorAll("button[name=action]");

  // Looked up each time: a reload swaps the whole #inbox-list (inbox.js).
  function list() {
    return document.getElementById("inbox-list") || document.body;
  }

  function boxes() {
    return Array.prototype.slice.call(list().querySelectorAll("input[type=checkbox][name=ticket]"));
  }

  function selectAll() {
    return list().querySelector("[data-select-all]");
  }

  function refresh() {
    var all = boxes();
    all.forEach(function (box) {
      box.checked = selected.has(box.value);
      var row = box.closest("tr");
      if (row) row.classList.toggle("is-selected", box.checked);
    });
    var onPage = all.filter(function (box) {
      return box.checked;
    });
    if (count) {
      var text = onPage.length
        ? form.dataset.some.split("%(count)s").join(String(onPage.length))
        : form.dataset.none;
      if (count.textContent !== text) count.textContent = text; // a write is a mutation too
    }
    form.classList.toggle("has-selection", onPage.length > 0);
    actions.forEach(function (button) {
      // "Assign to me" also works on the row j/k point at (shortcuts.js ticks it first).
      if (!button.hasAttribute("data-shortcut-assign-me")) button.disabled = onPage.length === 0;
    });
    var master = selectAll();
    if (master) {
      master.checked = all.length > 0 && onPage.length === all.length;
      master.indeterminate = onPage.length > 0 && onPage.length < all.length;
    }
    var key = onPage
      .map(function (box) {
        return box.value;
      })
      .join(",");
    if (mergeTarget && key !== mergeKey) {
      // Rebuilt only when the selection changed: the rebuild is itself a DOM mutation.
      mergeKey = key;
      var chosen = mergeTarget.value;
      while (mergeTarget.options.length > 1) mergeTarget.remove(1);
      onPage.forEach(function (box) {
        var option = new Option("#" + box.dataset.reference, box.value);
        option.selected = box.value === chosen;
        mergeTarget.add(option);
      });
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      boxes().forEach(function (box) {
        if (target.checked) {
          selected.add(box.value);
        } else {
          selected.delete(box.value);
        }
      });
    } else if (target.matches("input[type=checkbox][name=ticket]")) {
      if (target.checked) {
        selected.add(target.value);
      } else {
        selected.delete(target.value);
      }
    } else {
      return;
    }
    refresh();
  });

  // Rows added or replaced by live updates, or the list swapped after a reload.
  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      refresh();
    });
  }).observe(document.getElementById("main") || document.body, { childList: true, subtree: true });

  // The filter bar sends only the filters that are set: short, shareable inbox links.
  var filters = document.querySelector("form.filter-bar");
  if (filters) {
    filters.addEventListener("submit", function () {
      Array.prototype.forEach.call(filters.elements, function (field) {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(filters.elements, function (field) {
        field.disabled = false; // coming back through the history
      });
    });
  }

  // A row ticked by the keyboard (shortcuts.js) or by the browser restoring the form.
  boxes().forEach(function (box) {
    if (box.checked) selected.add(box.value);
  });
  refresh();
})();
