/* The print button on bulletin-board sheets: shown only where scripts run (the browser's own
   print command works everywhere). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
