// The idle time-out warning (WCAG 2.2.1 Timing Adjustable).
//
// The server signs a session out after SESSION_IDLE_MINUTES without a request. Shortly
// before that, this opens a dialog saying so, with "Stay signed in" (a POST to the
// keep-alive endpoint, which is itself activity) and "Sign out". If nobody answers, it
// signs out a few seconds before the server would, so the person sees why.
const dialog = document.getElementById("app-timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Math.min(Number(dialog.dataset.warningSeconds) * 1000, idle / 2);
  const countdown = dialog.querySelector(".app-timeout-countdown");
  const live = document.getElementById("app-timeout-live");
  let deadline = Date.now() + idle;
  let warnTimer = null;
  let tick = null;
  let lastFocus = null;

  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const signOut = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = dialog.dataset.signOutUrl;
    for (const [name, value] of [["csrf_token", dialog.dataset.csrfToken], ["reason", "idle"]]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  };

  const update = () => {
    const left = deadline - Date.now();
    // A few seconds early, so the server has not already ended the session.
    if (left <= 5000) {
      window.clearInterval(tick);
      signOut();
      return;
    }
    countdown.textContent = words(left);
    // Screen readers hear the time left once a minute, and every 20 seconds at the end.
    const seconds = Math.ceil(left / 1000);
    if (seconds % 60 === 0 || (seconds <= 60 && seconds % 20 === 0)) {
      live.textContent = `You will be signed out in ${words(left)}.`;
    }
  };

  const schedule = () => {
    window.clearTimeout(warnTimer);
    deadline = Date.now() + idle;
    warnTimer = window.setTimeout(() => {
      lastFocus = document.activeElement;
      update();
      dialog.showModal();
      tick = window.setInterval(update, 1000);
    }, idle - warning);
  };

  const close = () => {
    window.clearInterval(tick);
    if (dialog.open) dialog.close();
    if (lastFocus && typeof lastFocus.focus === "function") lastFocus.focus();
  };

  const stay = async () => {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-CSRFToken": dialog.dataset.csrfToken, Accept: "application/json" },
      });
      if (!response.ok || response.redirected) throw new Error("signed out");
      close();
      schedule();
    } catch (error) {
      window.location.assign(dialog.dataset.signInUrl);
    }
  };

  dialog.querySelector('[data-timeout-action="stay"]').addEventListener("click", stay);
  dialog.querySelector('[data-timeout-action="sign-out"]').addEventListener("click", signOut);
  // Escape means "I am still here", as the GOV.UK pattern has it.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  schedule();
}
