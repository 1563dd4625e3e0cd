#!/usr/bin/env node
// The `cxr` command: a thin launcher for the bundled CLI (run `npm run build` first).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli', 'cxr.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(JSON.stringify({ error: { code: 'NOT_BUILT', message: 'dist/cli/cxr.js is missing: run `npm run build` first' } }) + '\n');
  process.exit(2);
}
require(cli);
