'use strict';
// The connect-mongo stack of `./build.sh load --stack connect-mongo`: express + express-session + connect-mongo with
// the demo's two routes. GET /healthz answers "ok" and touches no session; GET /views increments the session's
// counter, which express-session saves through connect-mongo (one updateOne upsert) before it answers the new count
// as text/plain. The session is a signed cookie holding the id, as the demo's is.
const crypto = require('node:crypto');
const express = require('express');
const session = require('express-session');
const { MongoClient } = require('mongodb');
const { MongoStore } = require('connect-mongo');

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error('usage: node server.js --port N --mongo mongodb://host:port/database');
    process.exit(2);
  }
  return process.argv[i + 1];
}

// the demo's headers, so both answer the same bytes but for the cookie
function text(res, body) {
  res.set({
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.send(body);
}

async function main() {
  const port = Number(option('--port'));
  // connected (and the server answered a ping) before we say we listen, as the demo connects its store first
  const client = await MongoClient.connect(option('--mongo'));
  await client.db().command({ ping: 1 });
  const sessions = session({
    secret: crypto.randomBytes(32).toString('hex'),
    resave: false,
    saveUninitialized: false,
    store: MongoStore.create({ client, collectionName: 'sessions' }),
    cookie: { httpOnly: true, sameSite: 'lax' },
  });
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/healthz', (req, res) => text(res, 'ok'));
  app.get('/views', sessions, (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    text(res, String(req.session.views));
  });
  app.listen(port, '127.0.0.1', () => console.log(`connect-mongo listening on http://127.0.0.1:${port}/`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
