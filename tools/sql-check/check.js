#!/usr/bin/env node
// Parses a SQL file with dt-sql-parser and prints each syntax error as FILE(line,col): error: message.
// Usage: node check.js --dialect spark|postgres FILE...
// Exit codes: 0 parses, 1 syntax errors, 2 unusable arguments or file.
'use strict';
const fs = require('fs');

function usage(message) {
  process.stderr.write(`check.js: ${message}\nusage: node check.js --dialect spark|postgres FILE...\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let dialect = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dialect') {
    dialect = args[++i];
  } else {
    files.push(args[i]);
  }
}

if (!dialect || files.length === 0) usage('a dialect and a file are required');
const texts = files.map((file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    return usage(`cannot read ${file}: ${e.message}`);
  }
});

const names = { spark: 'SparkSQL', postgres: 'PostgreSQL' };
if (!names[dialect]) usage(`unknown dialect '${dialect}' (spark or postgres)`);

require('node:module').register('./resolve-extensionless.mjs', require('node:url').pathToFileURL(__filename));
import('dt-sql-parser').then((parser) => {
  const log = console.error;
  console.error = () => {}; // the grammar's own console listener repeats the errors returned below
  const checker = new parser[names[dialect]]();
  let count = 0;
  files.forEach((file, i) => {
    const errors = checker.validate(texts[i]);
    for (const e of errors) {
      process.stdout.write(`${file}(${e.startLine},${e.startColumn}): error: ${e.message}\n`);
    }
    count += errors.length;
  });
  console.error = log;
  process.stdout.write(`${count} error(s) in ${files.length} file(s)\n`);
  process.exit(count === 0 ? 0 : 1);
}, (e) => {
  process.stderr.write(`check.js: cannot load dt-sql-parser (run npm ci in ${__dirname}): ${e.message}\n`);
  process.exit(3);
});
