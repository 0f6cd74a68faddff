// The shared worker of `hindsight serve`'s live reload: one event stream per browser, relayed
// to every open page of the preview. Browsers open at most 6 connections to a host over
// HTTP/1.1, so a stream per page would leave a 7th tab waiting forever.
//
// Each page gets the server's events as { event, data }: `hello` with the build the server
// serves now (on every (re)connection of the stream, and at once to a page that connects
// while the stream is open), `reload` with a new build, `failed` with a failed build's errors
// (also at once, after `hello`, while they are not fixed).
"use strict";
const pages = new Set();
// The build the server serves now, while the stream is open; null when unknown.
let build = null;
// The errors of the last build while they are not fixed.
let failure = null;
let events = null;

function tell(event, data) {
  for (const port of pages) port.postMessage({ event, data });
}

function open() {
  events = new EventSource("/__hindsight/events");
  events.addEventListener("hello", (e) => {
    build = e.data;
    failure = null;
    tell("hello", e.data);
  });
  events.addEventListener("reload", (e) => {
    failure = null;
    tell("reload", e.data);
    if (e.data === "0") {
      // The server could not say which build (this stream missed some): ask it again.
      build = null;
      events.close();
      open();
    } else {
      build = e.data;
    }
  });
  events.addEventListener("failed", (e) => {
    failure = e.data;
    tell("failed", e.data);
  });
  // Lost (the server stopped, or restarted): the next `hello` says what it serves.
  events.addEventListener("error", () => {
    build = null;
  });
}

self.addEventListener("connect", (e) => {
  const port = e.ports[0];
  pages.add(port);
  port.onmessage = (m) => {
    if (m.data === "bye") pages.delete(port);
  };
  if (build !== null) {
    port.postMessage({ event: "hello", data: build });
    if (failure !== null) port.postMessage({ event: "failed", data: failure });
  }
  if (events === null) open();
});
