// Reads lines from the file named by argv[3] and prints, as one JSON array, the browser's
// analysis of each line (mode "analyze": an array of terms; mode "query": the terms a query
// searches for; mode "exclude": the terms a query leaves out; mode "inside": the terms a query writes only
// inside identifiers, each with those identifiers) or its stem (mode "stem": the line stemmed as one token). Used by tests/search_parity.rs.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.resolve(__dirname, "../../themes/default/static/search.js"));
const mode = process.argv[2];
const lines = fs.readFileSync(process.argv[3], "utf8").split("\n");
lines.pop(); // the file ends with a newline
const run = { stem: search.stem, query: search.queryTerms, exclude: search.excludedTerms, inside: search.queryInsideIds, analyze: search.analyze }[mode];
const out = lines.map((l) => run(l));
process.stdout.write(JSON.stringify(out));
