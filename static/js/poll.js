// A page waiting for something to happen elsewhere (the person kept the badge shown at the
// desk; the worker signed and baked it) asks its own address every 2 s and reloads once
// the state it was drawn in has changed. No timed refresh: nothing moves while one reads.
document.querySelectorAll("[data-poll-url]").forEach((element) => {
  const { pollUrl, pollState } = element.dataset;
  const tick = () => {
    fetch(pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data && data.state !== pollState) window.location.reload();
        else window.setTimeout(tick, 2000);
      })
      .catch(() => window.setTimeout(tick, 5000));
  };
  window.setTimeout(tick, 2000);
});
