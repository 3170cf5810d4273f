// Copy buttons on the settings pages (the new API token). Without JavaScript the button stays
// hidden and the text can still be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      });
    });
  });
})();

// Parts of a form that only apply to one choice of another field (the indirect provider, for
// indirect resellers): hidden otherwise, unless they show an error. Without JavaScript they
// simply stay visible.
(function () {
  "use strict";
  document.querySelectorAll("[data-shown-for]").forEach(function (part) {
    var rule = part.getAttribute("data-shown-for").split(":");
    var field = document.getElementById("id_" + rule[0]);
    if (!field) {
      return;
    }
    var update = function () {
      var hasError = part.querySelector(".errorlist") !== null;
      part.hidden = field.value !== rule[1] && !hasError;
    };
    field.addEventListener("change", update);
    update();
  });
})();
