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

  // `window.hindsightLive.connected` says that changes will reach this page (for tests).
  window.hindsightLive = { build: served, connected: false };
  const on = {
    // On every (re)connection: a page from another build, or from a server that was
    // restarted since, is out of date.
    hello(build) {
      if (served !== null && build !== served) location.reload();
      window.hindsightLive.connected = true;
    },
    // A page already of the new build (it connected just before the news) stays.
    reload(build) {
      if (served === null || build !== served) location.reload();
    },
    failed(text) {
      showErrors(text);
    },
  };

  // Its own event stream, where shared workers are missing.
  function listen() {
    const events = new EventSource("/__hindsight/events");
    for (const name of Object.keys(on)) events.addEventListener(name, (e) => on[name](e.data));
  }

  // One stream for all the open pages, held by a shared worker: a browser opens at most 6
  // connections to a host, and a stream per page would leave the 7th page waiting forever.
  let worker = null;
  try {
    if (typeof SharedWorker === "function") worker = new SharedWorker("/__hindsight/live-worker.js");
  } catch (_) {
    // Not allowed here (an opaque origin, for one).
  }
  if (worker === null) {
    listen();
    return;
  }
  worker.port.onmessage = (e) => on[e.data.event](e.data.data);
  // The worker could not start (its script did not load): listen alone.
  worker.addEventListener("error", listen, { once: true });
  // The worker stops telling a page that is gone; a page restored from the back/forward
  // cache may be out of date.
  addEventListener("pagehide", () => worker.port.postMessage("bye"));
  addEventListener("pageshow", (e) => {
    if (e.persisted) location.reload();
  });
})();
