// Sharing controls of a badge (templates/badges/wallet/_share.html).
(function () {
  var link = document.getElementById("public-link");
  if (link) {
    link.addEventListener("click", function () { link.select(); });
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var done = function () { button.parentNode.querySelector(".copied").textContent = button.dataset.copiedText; };
      if (navigator.clipboard) { navigator.clipboard.writeText(button.dataset.copy).then(done, function () {}); }
      else if (link) { link.select(); document.execCommand("copy"); done(); }
    });
  });
})();
