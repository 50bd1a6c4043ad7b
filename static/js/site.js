// Behaviours every page may use, bound here because the Content-Security-Policy
// forbids inline scripts and on* attributes.
(function () {
  // The language menu applies the choice at once (a button does it without JavaScript).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
