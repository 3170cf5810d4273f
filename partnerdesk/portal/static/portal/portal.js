// The customer portal: a form marked data-once is sent once, however often its button is
// clicked (the server also refuses a repeated new-request form; this saves the round trip).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) {
      return;
    }
    if (form.dataset.sending === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "yes";
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.dataset.label = button.textContent;
      if (button.dataset.busyLabel) {
        button.textContent = button.dataset.busyLabel;
      }
      button.setAttribute("aria-disabled", "true");
      button.classList.add("busy");
    }
  });
  // Coming back to the page with the browser's back button: the form may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.dataset.sending = "";
      var button = form.querySelector("button[type=submit]");
      if (button && button.dataset.label) {
        button.textContent = button.dataset.label;
        button.removeAttribute("aria-disabled");
        button.classList.remove("busy");
      }
    });
  });
})();
