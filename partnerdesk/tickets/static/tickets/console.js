/* The agent console's keyboard shortcuts and queue helpers.
 *
 * Loaded (deferred) on every page for partner staff. No inline handlers, no eval: the CSP
 * allows only scripts from our own origin.
 *
 * - Any element with data-shortcut="<key>" is focused (fields) or clicked (links, buttons)
 *   when that key is pressed outside a text field.
 * - In a list of tickets ([data-queue-table] rows marked data-row): j/k move the highlighted
 *   row, o or Enter opens it, x toggles its checkbox.
 * - g then u/m/o/b: the Unassigned, Mine, All open and Breaching soon queues.
 * - ?: the help overlay (rendered and translated by the server, fetched the first time).
 * - Escape closes the overlay, or leaves the field being typed in.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var desk = (script && script.getAttribute("data-desk")) || "/desk/";
  var signIn = (script && script.getAttribute("data-sign-in")) || "/accounts/login/";
  var GO = { u: "unassigned", m: "mine", o: "open", b: "breaching" };
  var waitingForG = false;
  var gTimer = null;
  var current = -1;

  function isField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function isShown(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  // --- rows -------------------------------------------------------------------------------

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-queue-table] tbody tr[data-row]")
    );
  }

  function highlight(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row) {
      row.classList.remove("is-current");
      row.removeAttribute("aria-current");
    });
    var row = all[index];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
    current = index;
  }

  function currentRow() {
    var all = rows();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function openCurrent() {
    var row = currentRow();
    var link = row && (row.querySelector("a[data-open]") || row.querySelector("a[href]"));
    if (link) {
      window.location.href = link.href;
      return true;
    }
    return false;
  }

  function toggleCurrent() {
    var row = currentRow();
    var box = row && row.querySelector('input[type="checkbox"]');
    if (!box) return false;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  // --- selection --------------------------------------------------------------------------

  function updateSelection(root) {
    var scope = root || document;
    var counter = scope.querySelector("[data-selected-count]");
    var boxes = scope.querySelectorAll('[data-queue-table] tbody input[type="checkbox"]');
    var checked = scope.querySelectorAll(
      '[data-queue-table] tbody input[type="checkbox"]:checked'
    );
    var all = scope.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
    Array.prototype.forEach.call(boxes, function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("is-selected", box.checked);
    });
    if (counter) {
      if (!counter.hasAttribute("data-original")) {
        counter.setAttribute("data-original", counter.textContent);
      }
      counter.textContent = checked.length
        ? counter.getAttribute("data-template").replace("%(n)s", String(checked.length))
        : counter.getAttribute("data-original");
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
    if (target.hasAttribute("data-select-all")) {
      var table = target.closest("table");
      if (table) {
        table.querySelectorAll('tbody input[type="checkbox"]').forEach(function (box) {
          box.checked = target.checked;
        });
      }
    }
    if (target.closest("[data-queue-table]")) updateSelection(target.closest("form") || document);
  });

  // --- help overlay -----------------------------------------------------------------------

  var helpLoading = false;

  function helpBox() {
    return document.getElementById("shortcuts-help");
  }

  function showHelp(box) {
    box.hidden = false;
    var close = box.querySelector("[data-close-help]");
    if (close) close.focus();
  }

  function toggleHelp() {
    var box = helpBox();
    if (box) {
      if (box.hidden) showHelp(box);
      else box.hidden = true;
      return;
    }
    if (helpLoading) return;
    helpLoading = true;
    fetch(desk + "shortcuts/", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("shortcuts help: " + response.status);
        return response.text();
      })
      .then(function (html) {
        document.body.insertAdjacentHTML("beforeend", html);
        var loaded = helpBox();
        if (loaded) showHelp(loaded);
      })
      .catch(function () {
        /* The help is a convenience: without it every shortcut still works. */
      })
      .finally(function () {
        helpLoading = false;
      });
  }

  function closeHelp() {
    var box = helpBox();
    if (box && !box.hidden) {
      box.hidden = true;
      return true;
    }
    return false;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var box = helpBox();
    if (!box || box.hidden) return;
    if (target.closest("[data-close-help]") || target === box) box.hidden = true;
  });

  // --- keys -------------------------------------------------------------------------------

  function shortcutFor(key) {
    var escaped = window.CSS && CSS.escape ? CSS.escape(key) : key.replace(/["\\]/g, "\\$&");
    var found = document.querySelectorAll('[data-shortcut="' + escaped + '"]');
    for (var i = 0; i < found.length; i++) {
      if (isShown(found[i]) && !found[i].disabled) return found[i];
    }
    return null;
  }

  function use(el) {
    if (isField(el)) {
      el.focus();
      if (typeof el.select === "function" && el.tagName === "INPUT") el.select();
    } else {
      el.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    if (key === "Escape") {
      if (closeHelp()) {
        event.preventDefault();
      } else if (isField(document.activeElement)) {
        document.activeElement.blur();
      }
      return;
    }
    if (isField(event.target)) return;
    if (waitingForG) {
      waitingForG = false;
      window.clearTimeout(gTimer);
      if (GO[key]) {
        event.preventDefault();
        window.location.href = desk + "queues/" + GO[key] + "/";
      }
      return;
    }
    if (key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    var box = helpBox();
    if (box && !box.hidden) return;
    var declared = shortcutFor(key);
    if (declared) {
      event.preventDefault();
      use(declared);
      return;
    }
    if (key === "g") {
      waitingForG = true;
      gTimer = window.setTimeout(function () {
        waitingForG = false;
      }, 1500);
      return;
    }
    if (key === "j" || key === "k") {
      if (!rows().length) return;
      event.preventDefault();
      highlight(current < 0 ? 0 : current + (key === "j" ? 1 : -1));
      return;
    }
    if (key === "o" || (key === "Enter" && !(event.target instanceof HTMLAnchorElement) &&
        !(event.target instanceof HTMLButtonElement))) {
      if (openCurrent()) event.preventDefault();
      return;
    }
    if (key === "x") {
      if (toggleCurrent()) event.preventDefault();
    }
  });

  // --- htmx -------------------------------------------------------------------------------

  // Filter forms marked data-drop-empty leave "any" and default values out of the URL they
  // push, so a bookmarked address says only what was chosen.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.hasAttribute || !source.hasAttribute("data-drop-empty")) return;
    var data = event.detail.formData;
    if (!data || typeof data.keys !== "function") return;
    Array.from(new Set(data.keys())).forEach(function (name) {
      var field = source.querySelector('[name="' + name + '"]');
      var byDefault = (field && field.getAttribute("data-default")) || "";
      var values = data.getAll(name);
      if (values.every(function (value) { return value === "" || value === byDefault; })) {
        data.delete(name);
      }
    });
  });

  // A request that ended on the sign-in page (the session expired) leaves the page for it,
  // instead of showing the sign-in form inside a table.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    var landed = new URL(xhr.responseURL, window.location.href);
    if (landed.pathname === signIn) {
      event.preventDefault();
      window.location.href = signIn + "?next=" + encodeURIComponent(window.location.pathname);
    }
  });

  // A refusal while filtering or changing a queue (htmx swaps only successes): its readable
  // message goes where the results were.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail && event.detail.target;
    var xhr = event.detail && event.detail.xhr;
    if (!target || !xhr || !target.hasAttribute("data-show-errors")) return;
    var parsed = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var main = parsed.querySelector("main");
    if (!main) return;
    target.replaceChildren.apply(
      target,
      Array.prototype.map.call(main.childNodes, function (node) {
        return document.importNode(node, true);
      })
    );
  });

  // New rows after a swap: the highlight starts over, the selection count is recomputed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.querySelector && target.querySelector("[data-queue-table]")) {
      current = -1;
      updateSelection(target);
    }
  });
})();
