// Keeps the pack's progress bar up to date while it builds, then reloads the page.
const box = document.getElementById("pack-progress");
if (box) {
  const bar = document.getElementById("pack-progress-bar");
  const message = document.getElementById("pack-progress-message");
  const url = box.dataset.statusUrl;
  const poll = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      const state = await response.json();
      bar.value = state.progress;
      bar.textContent = `${state.progress}%`;
      message.textContent = `${state.message || "Waiting to start"} (${state.progress}%)`;
      if (state.status === "ready" || state.status === "failed") {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A failed poll is retried; the page still has a link to refresh by hand.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
