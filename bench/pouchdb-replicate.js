// pouchdb-replicate.js: PouchDB's own replication, the baseline of
// bench/run-sync (see bench/README.md).
//
//   node pouchdb-replicate.js export URL FILE
//       writes the documents of the database at URL (Godwit's, after its
//       push) to FILE, one JSON document per line, without _rev;
//   node pouchdb-replicate.js replicate FILE URL BATCH-SIZE
//       puts those documents into a local in-memory PouchDB database (not
//       timed), then times local.replicate.to(URL) into the database at
//       URL, creating it first; prints {"docs_written": N, "seconds": S}.
//
// The server's admin is GODWIT_BENCH_SYNC_USER with the password in
// GODWIT_SYNC_PASSWORD (never on the command line). GODWIT_BENCH_POUCHDB
// is the folder npm installed pouchdb-core, pouchdb-adapter-memory,
// pouchdb-adapter-http and pouchdb-replication into.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { createRequire } = require('module');

const user = process.env.GODWIT_BENCH_SYNC_USER;
const password = process.env.GODWIT_SYNC_PASSWORD;

function fail(message) {
  process.stderr.write(`pouchdb-replicate.js: ${message}\n`);
  process.exit(2);
}

if (!process.env.GODWIT_BENCH_POUCHDB)
  fail('GODWIT_BENCH_POUCHDB is not set');
if (!user || !password)
  fail('GODWIT_BENCH_SYNC_USER and GODWIT_SYNC_PASSWORD must be set');

const requireFromInstall = createRequire(path.join(process.env.GODWIT_BENCH_POUCHDB, 'node_modules', 'index.js'));
const PouchDB = requireFromInstall('pouchdb-core')
  .plugin(requireFromInstall('pouchdb-adapter-memory'))
  .plugin(requireFromInstall('pouchdb-adapter-http'))
  .plugin(requireFromInstall('pouchdb-replication'));

function remote(url) {
  return new PouchDB(url, { auth: { username: user, password: password } });
}

// Pages of _all_docs, so that no single response holds every document.
async function exportDocuments(url, file) {
  const source = remote(url);
  const out = fs.createWriteStream(file);
  const page = 10000;
  let startkey;
  let count = 0;

  for (;;) {
    const options = { include_docs: true, limit: page };
    if (startkey !== undefined) {
      options.startkey = startkey;
      options.skip = 1;
    }
    const result = await source.allDocs(options);
    for (const row of result.rows) {
      const doc = row.doc;
      delete doc._rev;
      if (!out.write(JSON.stringify(doc) + '\n'))
        await new Promise((resolve) => out.once('drain', resolve));
      count++;
    }
    if (result.rows.length < page)
      break;
    startkey = result.rows[result.rows.length - 1].id;
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  process.stdout.write(JSON.stringify({ docs: count }) + '\n');
}

async function replicate(file, url, batchSize) {
  const local = new PouchDB('godwit-bench-local', { adapter: 'memory' });
  const target = remote(url);
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let batch = [];
  let loaded = 0;

  for await (const line of lines) {
    if (line === '')
      continue;
    batch.push(JSON.parse(line));
    if (batch.length === 1000) {
      loaded += await bulk(local, batch);
      batch = [];
    }
  }
  if (batch.length > 0)
    loaded += await bulk(local, batch);

  // Creates the database, as godwit-cli's --create-database does.
  await target.info();

  const start = process.hrtime.bigint();
  const result = await local.replicate.to(target, { batch_size: batchSize });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;

  if (result.doc_write_failures > 0 || result.docs_written !== loaded)
    fail(`${url}: ${result.docs_written} of ${loaded} documents written, ${result.doc_write_failures} refused`);
  process.stdout.write(JSON.stringify({ docs_written: result.docs_written, seconds: seconds }) + '\n');
}

async function bulk(db, docs) {
  const results = await db.bulkDocs(docs);
  for (const r of results) {
    if (r.error)
      fail(`local database: ${r.id}: ${r.error} ${r.reason || ''}`);
  }
  return results.length;
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'export' && args.length === 2)
    await exportDocuments(args[0], args[1]);
  else if (mode === 'replicate' && args.length === 3 && /^[1-9][0-9]*$/.test(args[2]))
    await replicate(args[0], args[1], parseInt(args[2], 10));
  else
    fail('usage: pouchdb-replicate.js export URL FILE | replicate FILE URL BATCH-SIZE');
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
