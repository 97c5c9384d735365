// Operating pgark unattended (issue 21): drills through the CLI, notifications to a local SMTP
// server and a local webhook receiver (CLI runs and a scheduled run of a failing database),
// notifications that cannot be sent, and the metrics file read by a Prometheus text parser.
//
// Needs PGARK_BIN, PGARK_TEST_DB (a database to back up) and psql on PATH (tests/operations/run.sh).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { SMTPServer } from 'smtp-server';

const BIN = process.env.PGARK_BIN;
const SOURCE = process.env.PGARK_TEST_DB;
const BAD = SOURCE.replace(/dbname=\S+/, 'dbname=no_such_database');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgark-ops-'));
const backups = path.join(dir, 'backups');
const metrics = path.join(dir, 'pgark.prom');
const mails = [];
const posts = [];
let smtp;
let receiver;
let env;
let scheduled;

function run(args, extra = {}) {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, ...env, ...extra } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function waitFor(predicate, seconds) {
  for (let i = 0; i < seconds * 10 && !predicate(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return predicate();
}

// The metrics file as the Prometheus parser reads it: {family: [{labels, value}]}.
function readMetrics() {
  const families = parsePrometheusTextFormat(fs.readFileSync(metrics, 'utf8'));
  const out = {};
  for (const f of families) out[f.name] = f.metrics.map((m) => ({ ...m, value: Number(m.value) }));
  return out;
}

function sample(families, name, labels) {
  return (families[name] || []).find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
}

before(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (d) => { text += d; });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
        callback();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      posts.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  env = {
    BACKUP_DIR: backups, DATABASE_URL: SOURCE, BACKUP_METRICS_FILE: metrics,
    BACKUP_NOTIFICATION_EMAIL: 'dba@example.com',
    BACKUP_SMTP_URL: `smtp://127.0.0.1:${smtp.server.address().port}`,
    BACKUP_NOTIFICATION_WEBHOOK: `http://127.0.0.1:${receiver.address().port}/hook`,
  };
  // A schedule of a database that does not exist, from the start: cron fires once a minute.
  scheduled = { log: '' };
  scheduled.child = spawn(BIN, ['schedule', '--full', '* * * * *', '--incremental', 'off'], {
    env: { ...process.env, ...env, DATABASE_URL: BAD, BACKUP_DIR: path.join(dir, 'scheduled'),
           BACKUP_METRICS_FILE: path.join(dir, 'scheduled.prom'),
           BACKUP_NOTIFICATION_EMAIL: 'scheduler@example.com',
           BACKUP_NOTIFICATION_WEBHOOK: `${env.BACKUP_NOTIFICATION_WEBHOOK}/schedule` } });
  scheduled.child.stderr.on('data', (d) => { scheduled.log += d; });
  scheduled.exit = new Promise((resolve) => scheduled.child.on('exit', resolve));
});

after(async () => {
  scheduled?.child.kill('SIGTERM');
  await new Promise((resolve) => smtp?.close(resolve));
  receiver?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a drill passes a good backup, and list and the metrics show it', async () => {
  const made = await run(['--json', 'backup', 'full']);
  assert.equal(made.code, 0, made.err);
  const drill = await run(['--json', 'drill']);
  assert.equal(drill.code, 0, drill.err);
  const r = JSON.parse(drill.out);
  assert.equal(r.passed, true);
  assert.ok(r.tableCount >= 2 && r.rtoSeconds >= 0, drill.out);
  const listed = JSON.parse((await run(['--json', 'list'])).out).backups[0];
  assert.equal(listed.lastDrill.passed, true);
  const m = readMetrics();
  assert.equal(sample(m, 'pgark_last_drill_passed', { database: 'shop' }), 1);
  assert.ok(sample(m, 'pgark_backups', { type: 'full' }) >= 1);
  assert.equal(cliMails().length, 0);  // BACKUP_NOTIFY_ON=failure: nothing to say
  assert.equal(cliPosts().length, 0);
  const dbs = await run(['--json', 'drill', '--keep', '--target-db', 'pgark_drill_kept']);
  assert.equal(JSON.parse(dbs.out).kept, true, dbs.err);
  const again = await run(['drill', '--target-db', 'pgark_drill_kept']);
  assert.equal(again.code, 6, again.err);  // an existing database is never drilled into
  // An incremental chain, restored on the server --drill-db names.
  const psql = spawn('psql', ['-Xq', '-d', SOURCE, '-c',
    "UPDATE tiny SET v = 'changed' WHERE id % 10 = 0; DELETE FROM tiny WHERE id > 190"]);
  assert.equal(await new Promise((resolve) => psql.on('exit', resolve)), 0);
  assert.equal((await run(['backup', 'incremental'])).code, 0);
  const chain = await run(['--json', 'drill', '--drill-db', SOURCE.replace(/dbname=\S+/, 'dbname=postgres')]);
  assert.equal(chain.code, 0, chain.err);
  assert.match(JSON.parse(chain.out).backupFile, /^backup-incremental-/);
  assert.equal(JSON.parse(chain.out).passed, true);
  // Over two connections, straight into the scratch database (no staged copy of it).
  const parallel = await run(['--json', 'drill', '--jobs', '2']);
  assert.equal(parallel.code, 0, parallel.err);
  assert.equal(JSON.parse(parallel.out).passed, true);
});

// What the CLI runs sent (the scheduler's go to their own recipient and path).
const cliMails = () => mails.filter((m) => m.to.includes('dba@example.com'));
const cliPosts = () => posts.filter((p) => p.path === '/hook');

test('a failed backup sends one mail and one webhook POST, and the metrics move', async () => {
  const before = readMetrics();
  const [mailsBefore, postsBefore] = [cliMails().length, cliPosts().length];
  const failed = await run(['backup', 'full'], { DATABASE_URL: BAD });
  assert.equal(failed.code, 5, failed.err);  // not found: the database
  assert.ok(await waitFor(() => cliMails().length === mailsBefore + 1 &&
                                cliPosts().length === postsBefore + 1, 10));
  const mail = cliMails().at(-1);
  assert.match(mail.text, /Subject: pgark backup full of database "no_such_database" FAILED/);
  assert.match(mail.text, /error: cannot connect to PostgreSQL/);
  const hook = cliPosts().at(-1).body;
  assert.equal(cliPosts().at(-1).type, 'application/json');
  assert.equal(hook.operation, 'backup full');
  assert.equal(hook.database, 'no_such_database');
  assert.equal(hook.outcome, 'failure');
  assert.match(hook.error, /does not exist/);
  assert.match(hook.text, /FAILED/);
  const after = readMetrics();
  const labels = { operation: 'backup full', database: 'no_such_database' };
  assert.ok(sample(after, 'pgark_last_failure_timestamp_seconds', labels) > 0);
  assert.equal(sample(after, 'pgark_operations_total', { ...labels, outcome: 'failure' }), 1);
  // What was there before stays.
  assert.equal(sample(after, 'pgark_last_drill_passed', { database: 'shop' }),
               sample(before, 'pgark_last_drill_passed', { database: 'shop' }));
  const ok = await run(['backup', 'full'], { BACKUP_NOTIFY_ON: 'always' });
  assert.equal(ok.code, 0, ok.err);
  assert.ok(await waitFor(() => cliPosts().length === postsBefore + 2, 10));
  assert.equal(cliPosts().at(-1).body.outcome, 'success');
  const moved = readMetrics();
  const shop = { operation: 'backup full', database: 'shop' };
  assert.equal(sample(moved, 'pgark_operations_total', { ...shop, outcome: 'success' }),
               sample(after, 'pgark_operations_total', { ...shop, outcome: 'success' }) + 1);
  assert.ok(sample(moved, 'pgark_last_size_bytes', shop) > 0);
  assert.equal(fs.statSync(metrics).mode & 0o777, 0o644);
});

test('a notification that cannot be sent is a warning, never a failed backup', async () => {
  const r = await run(['backup', 'full'], {
    BACKUP_NOTIFY_ON: 'always', BACKUP_SMTP_URL: 'smtp://127.0.0.1:1',
    BACKUP_NOTIFICATION_WEBHOOK: 'http://127.0.0.1:1/hook' });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: notification mail not sent/);
  assert.match(r.err, /warning: notification webhook not sent/);
  const audit = fs.readFileSync(path.join(backups, 'audit.log'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(audit.some((e) => e.operation === 'notify' && e.outcome === 'error'));
  const bad = await run(['backup', 'full'], { BACKUP_NOTIFY_ON: 'sometimes' });
  assert.match(bad.err, /BACKUP_NOTIFY_ON must be failure or always/);
});

test('a scheduled run of a failing database sends one mail and one webhook POST', async () => {
  const ofSchedule = () => [mails.filter((m) => m.to.includes('scheduler@example.com')),
                            posts.filter((p) => p.path === '/hook/schedule')];
  assert.ok(await waitFor(() => /full backup failed/.test(scheduled.log), 90), scheduled.log);
  scheduled.child.kill('SIGTERM');  // before a second minute's run
  assert.equal(await scheduled.exit, 0, scheduled.log);
  assert.ok(await waitFor(() => ofSchedule()[0].length === 1 && ofSchedule()[1].length === 1, 10));
  const [[mail], [post]] = ofSchedule();
  assert.match(mail.text, /Subject: pgark backup full of database "no_such_database" FAILED/);
  assert.equal(post.body.via, 'schedule');
  assert.equal(post.body.outcome, 'failure');
  const m = parsePrometheusTextFormat(fs.readFileSync(path.join(dir, 'scheduled.prom'), 'utf8'));
  assert.ok(m.some((f) => f.name === 'pgark_last_failure_timestamp_seconds'));
});

test('--verbose and PGARK_LOG log phases, tables and SQL with values elided, never a secret', async () => {
  const withPassword = `${SOURCE} password=s3cr3t-never-logged`;
  const verbose = await run(['--verbose', 'backup', 'full'], { DATABASE_URL: withPassword });
  assert.equal(verbose.code, 0, verbose.err);
  assert.match(verbose.err, /^\d{4}-\d\d-\d\dT[\d:.]+Z pgark info backup: full backup into /m);
  assert.match(verbose.err, /pgark info backup: table "books": \d+ rows, \d+ bytes in [\d.]+ s \([\d.]+ MB\/s\)/);
  assert.match(verbose.err, /pgark debug sql: BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY/);
  assert.match(verbose.err, /SET LOCAL TimeZone = '\?'/);  // the value elided
  assert.ok(!verbose.err.includes('s3cr3t'));
  const json = await run(['backup', 'full'], { PGARK_LOG: 'info', PGARK_LOG_FORMAT: 'json' });
  const lines = json.err.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 3 && lines.every((l) => l.time && l.level === 'info' && l.phase));
  const quiet = await run(['backup', 'full']);
  assert.equal(quiet.err, '');
  const seed = await run(['backup', 'full'], { DEBUG: 'backup:*' });
  assert.match(seed.err, /pgark debug sql:/);
  assert.match((await run(['list'], { PGARK_LOG: 'loud' })).err, /PGARK_LOG must be/);
});

test('pgark mcp --http serves the metrics at /metrics, behind its token', async () => {
  const token = 'metrics-token-0123456789';
  const child = spawn(BIN, ['mcp', '--http', '127.0.0.1:0'],
                      { env: { ...process.env, ...env, PGARK_MCP_TOKEN: token } });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  assert.ok(await waitFor(() => /serving MCP on/.test(log), 10), log);
  const base = /(http:\/\/[^ /]+)/.exec(log)[1];
  try {
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    const r = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await r.text());
    const names = families.map((f) => f.name);
    assert.ok(names.includes('pgark_backups') && names.includes('pgark_last_drill_passed'), names.join());
  } finally {
    child.kill('SIGTERM');
  }
});
