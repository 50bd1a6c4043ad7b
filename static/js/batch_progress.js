// Polls the batch's progress; the state lives on the server, so a reload resumes here.
(function () {
  var box = document.getElementById("batch-progress");
  if (!box) return;
  var bar = document.getElementById("batch-bar");
  var count = document.getElementById("batch-count");
  var status = document.getElementById("batch-status");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = data.total; bar.value = data.done; bar.textContent = data.percent + " %";
        count.textContent = data.done + " / " + data.total;
        status.textContent = data.status_label;
        if (data.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
