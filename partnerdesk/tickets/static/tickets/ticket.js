// The ticket page: reply/note modes of the reply box, inserting canned replies, and showing
// refusals (409/422 answers carry the form with its errors) in place. No inline scripts (CSP).
(function () {
  "use strict";

  function composer() { return document.getElementById("ticket-composer"); }

  function setMode(mode) {
    var box = composer();
    if (!box) { return; }
    box.classList.remove("mode-reply", "mode-note");
    box.classList.add("mode-" + mode);
    box.querySelectorAll("[data-compose]").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.dataset.compose === mode ? "true" : "false");
    });
    var internal = box.querySelector("[data-compose-internal]");
    if (internal) { internal.value = mode === "note" ? "1" : ""; }
    var remembered = box.querySelector("[data-compose-mode]");
    if (remembered) { remembered.value = mode; }
    var body = box.querySelector("textarea[name=body]");
    if (body) { body.focus(); }
  }

  function insertText(text) {
    var body = document.querySelector("#ticket-composer textarea[name=body]");
    if (!body) { return; }
    var start = body.selectionStart, end = body.selectionEnd, value = body.value;
    if (document.activeElement !== body && value) { start = end = value.length; }
    var before = value.slice(0, start), after = value.slice(end);
    var glue = before && !before.endsWith("\n") ? "\n\n" : "";
    body.value = before + glue + text + after;
    var caret = (before + glue + text).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-compose]");
    if (!tab || !composer() || !composer().contains(tab)) { return; }
    event.preventDefault();
    setMode(tab.dataset.compose);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (source && source.matches && source.matches("[data-canned-picker]") && event.detail.successful) {
      insertText(event.detail.xhr.responseText);
    }
  });

  // A refusal comes back as the form with the reason beside the control: show it.
  // A session that ended sends the request to the sign-in page: go there, do not swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
      return;
    }
    var status = xhr.status;
    if ((status === 409 || status === 422) && document.querySelector(".ticket-page")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
