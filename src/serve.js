// Live reload for `hindsight serve`, added to every page it serves: reloads the page after
// each good build, and shows a failed build's errors over the page until they are fixed.
(() => {
  "use strict";
  // The build this page came from, as the server wrote it into this script's URL.
  const script = document.currentScript;
  const served = script ? new URL(script.src).searchParams.get("build") : null;

  function showErrors(text) {
    let box = document.getElementById("hindsight-build-errors");
    if (!box) {
      box = document.createElement("section");
      box.id = "hindsight-build-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-label", "Build errors");
      box.tabIndex = -1;
      Object.assign(box.style, {
        position: "fixed", top: "0", left: "0", right: "0", maxHeight: "70vh", overflow: "auto",
        zIndex: "2147483647", margin: "0", padding: "1rem 1.25rem", whiteSpace: "pre-wrap",
        background: "#2b0b0b", color: "#ffecec", font: "13px/1.45 ui-monospace, Menlo, Consolas, monospace",
        boxShadow: "0 4px 16px rgba(0, 0, 0, 0.4)",
      });
      document.body.prepend(box);
    }
    box.textContent = text;
  }

  const events = new EventSource("/__hindsight/events");
  // On every (re)connection: a page from another build, or from a server that was
  // restarted since, is out of date.
  // `window.hindsightLive.connected` says that changes will reach this page (for tests).
  window.hindsightLive = { build: served, connected: false };
  events.addEventListener("hello", (e) => {
    if (served !== null && e.data !== served) location.reload();
    window.hindsightLive.connected = true;
  });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("failed", (e) => showErrors(e.data));
})();
