// What the browser tests share: where the binary and the browser are, and a static file server
// for a built site, as a static host would serve it.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const REPO = path.resolve(__dirname, "../..");
const BIN = path.resolve(process.argv[2] || path.join(REPO, "target/debug/hindsight"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".json": "application/json", ".js": "text/javascript", ".css": "text/css", ".xml": "application/xml" };

/* Serves the site in `dir` from 127.0.0.1 under `prefix` ("/" or a sub-path such as "/sub/"),
   a folder by its index.html. A missing file is a 404, answered with the site's own 404.html
   when `notFoundPage` is set (as Netlify and GitHub Pages do), else with a short text. */
function serve(dir, { prefix = "/", notFoundPage = false } = {}) {
  const notFound = (res) => {
    if (notFoundPage) {
      res.writeHead(404, { "content-type": "text/html" });
      return res.end(fs.readFileSync(path.join(dir, "404.html")));
    }
    res.writeHead(404);
    return res.end("not found");
  };
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    if (!p.startsWith(prefix)) return notFound(res);
    p = path.join(dir, p.slice(prefix.length));
    if (!p.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, "index.html");
    fs.readFile(p, (err, data) => {
      if (err) return notFound(res);
      res.writeHead(200, { "content-type": TYPES[path.extname(p)] || "application/octet-stream" });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

module.exports = { REPO, BIN, CHROMIUM, serve };
