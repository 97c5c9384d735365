// Layer 2 of the MCP tests: the official TypeScript SDK client, used as a host would. It
// validates every structuredContent against the tool's outputSchema (listTools arms that), so
// a call that returns a wrong shape throws. PGARK_MCP_TRANSPORT=http runs the same tests over
// Streamable HTTP (`pgark mcp --http`, with a bearer token) instead of stdio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, TOKEN } from './http-server.mjs';

const EXPECTED = ['db_backup_full', 'db_backup_table', 'db_backup_incremental', 'db_export_json',
  'db_export_csv', 'db_restore_full', 'db_restore_table', 'db_import_json', 'db_import_csv',
  'db_list_backups', 'db_delete_backup', 'db_validate_backup', 'db_drill_backup',
  'db_describe_backup', 'db_list_tables', 'db_job_status', 'db_job_cancel'];
const backupDir = mkdtempSync(join(tmpdir(), 'pgark-sdk-'));
const errors = [];
const logs = [];
const questions = [];  // what the server asked the user to confirm
let answer = 'accept';  // how the user answers
const overHttp = process.env.PGARK_MCP_TRANSPORT === 'http';
let client;
let transport;
let httpServer;

function sql(query) {
  return execFileSync('psql', ['-X', '-At', '-d', process.env.PGARK_TEST_DB, '-c', query]).toString().trim();
}

async function call(name, args, options = {}) {
  return client.callTool({ name, arguments: args }, undefined,
                         { timeout: 600000, resetTimeoutOnProgress: true, ...options });
}

before(async () => {
  // The same file runs twice (stdio, then HTTP) on one database: undo the last run's insert.
  sql("DELETE FROM series WHERE title = 'Added after the backup'");
  if (overHttp) {
    httpServer = await startHttpServer(backupDir);
    transport = new StreamableHTTPClientTransport(new URL(httpServer.url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
  } else {
    transport = new StdioClientTransport({
      command: process.env.PGARK_BIN,
      args: ['--db', process.env.PGARK_TEST_DB, '--backup-dir', backupDir, 'mcp'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/root' },
      stderr: 'pipe',
    });
  }
  client = new Client({ name: 'pgark-tests', version: '0' },
                      { enforceStrictCapabilities: true, capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    questions.push(request.params.message);
    return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: answer };
  });
  client.onerror = (e) => errors.push(String(e));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
  await client.connect(transport);
});

after(async () => {
  if (overHttp) {
    await transport.terminateSession();
    await client.close();
    assert.equal(await httpServer.stop(), 0, 'SIGTERM ends the HTTP server cleanly');
    assert.ok(!httpServer.stderr().includes(TOKEN), 'the token is never printed');
    return;
  }
  const pid = transport.pid;
  await client.close();
  await new Promise((r) => setTimeout(r, 300));
  assert.throws(() => process.kill(pid, 0), 'the server should have exited');
});

test('handshake', () => {
  assert.equal(client.getServerVersion().name, 'pgark');
  assert.ok(client.getServerCapabilities().tools);
  assert.match(client.getInstructions(), /destructive/);
  assert.deepEqual(errors, []);
});

test('tools/list: twelve tools with schemas and annotations, in a stable order', async () => {
  const first = await client.listTools();
  const second = await client.listTools();
  assert.deepEqual(first.tools.map((t) => t.name), EXPECTED);
  assert.deepEqual(first, second);
  for (const t of first.tools) {
    assert.ok(t.description.length > 20, t.name);
    assert.equal(t.inputSchema.type, 'object');
    assert.equal(t.outputSchema.type, 'object');
    for (const v of Object.values(t.annotations)) assert.equal(typeof v, 'boolean');
  }
  const byName = Object.fromEntries(first.tools.map((t) => [t.name, t]));
  assert.equal(byName.db_list_backups.annotations.readOnlyHint, true);
  assert.equal(byName.db_restore_full.annotations.destructiveHint, true);
  assert.equal(byName.db_delete_backup.annotations.destructiveHint, true);
});

test('every tool, end to end', async () => {
  await client.listTools();  // arms the SDK's outputSchema validation
  let r = await call('db_list_backups', {});
  assert.deepEqual(r.structuredContent.backups, []);

  const seen = [];
  r = await call('db_backup_full', { compress: true }, { onprogress: (p) => seen.push(p) });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.content[0].type, 'text');
  assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
  const full = r.structuredContent.backupFile;
  const fullLinks = r.content.filter((c) => c.type === 'resource_link').map((c) => c.uri);
  assert.match(full, /^backup-full-\d{8}-\d{6}\.sql\.gz$/);
  assert.equal(r.structuredContent.tables, 6);
  assert.ok(seen.length >= 1, 'progress notifications');
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].progress > seen[i - 1].progress);
  // The catalog's estimate is the total, so that a host can show a percentage.
  assert.ok(seen.every((p) => p.total > 0 && p.total >= p.progress), JSON.stringify(seen));
  // Log lines at the default level: the call's start and end.
  const lines = logs.map((l) => `${l.level} ${l.data}`);
  assert.ok(lines.includes('info db_backup_full: started'), JSON.stringify(lines));
  assert.ok(lines.some((l) => /^info db_backup_full: done in \d+ ms$/.test(l)), JSON.stringify(lines));

  r = await call('db_backup_table', { table: 'books', compression: 'zstd:5' });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.structuredContent.table, 'books');
  assert.equal(r.structuredContent.compression, 'zstd');
  assert.match(r.structuredContent.backupFile, /\.sql\.zst$/);
  assert.equal(r.structuredContent.recordCount, 12);
  const tableBackup = r.structuredContent.backupFile;

  r = await call('db_validate_backup', { backupFile: full });
  assert.equal(r.structuredContent.valid, true);
  assert.equal(r.structuredContent.fileType, 'full');

  r = await call('db_list_backups', { type: 'table', sortBy: 'size', limit: 5 });
  assert.deepEqual(r.structuredContent.backups.map((b) => b.filename), [tableBackup]);
  r = await call('db_list_backups', { sortBy: 'size', offset: 1 });
  assert.deepEqual(r.structuredContent.backups.map((b) => b.filename), [tableBackup]);
  r = await call('db_list_backups', { sortBy: 'size', limit: 1 });
  assert.equal(r.structuredContent.backups[0].filename, full);
  assert.equal(r.structuredContent.backups[0].validAtLastCheck, true);
  assert.equal(r.structuredContent.backups[0].encrypted, false);

  // The backup is a resource: linked from the result, listed, readable; so are the others.
  assert.deepEqual(fullLinks, [`pgark://backups/${full}`]);
  const resources = (await client.listResources()).resources.map((x) => x.uri);
  assert.ok(resources.includes(`pgark://backups/${full}`), JSON.stringify(resources));
  assert.ok(resources.includes(`pgark://manifests/${full}`));
  assert.ok(resources.includes('pgark://audit-log'));
  let read = await client.readResource({ uri: `pgark://backups/${full}` });
  assert.equal(JSON.parse(read.contents[0].text).tables.find((t) => t.name === 'books').rows, 12);
  read = await client.readResource({ uri: `pgark://manifests/${full}` });
  assert.equal(JSON.parse(read.contents[0].text).backupFile, full);
  read = await client.readResource({ uri: 'pgark://audit-log' });
  assert.match(read.contents[0].text, /"db_backup_full"/);
  for (const uri of ['pgark://backups/nope.sql.gz', 'pgark://manifests/..%2Fetc', 'pgark://exports/../audit.log', 'file:///etc/passwd']) {
    await assert.rejects(client.readResource({ uri }), (e) => e instanceof McpError, uri);
  }
  assert.equal((await client.listResourceTemplates()).resourceTemplates.length, 3);

  r = await call('db_list_tables', {});
  const books = r.structuredContent.tables.find((t) => t.name === 'books');
  assert.equal(books.kind, 'table');
  assert.ok(books.sizeBytes > 0, JSON.stringify(books));
  r = await call('db_describe_backup', { backupFile: full });
  assert.equal(r.structuredContent.type, 'full');
  assert.equal(r.structuredContent.encrypted, false);
  assert.equal(r.structuredContent.lastValidation.valid, true);
  const described = r.structuredContent.tables.find((t) => t.name === 'books');
  assert.equal(described.rows, 12);
  assert.ok(described.storedBytes > 0 && described.rawBytes > 0);

  // A drill restores into a scratch database of its own, checks it, drops it, records it.
  r = await call('db_drill_backup', { backupFile: full });
  assert.equal(r.structuredContent.passed, true, JSON.stringify(r.structuredContent));
  assert.ok(r.structuredContent.rtoSeconds >= 0);
  assert.deepEqual(r.structuredContent.problems, []);
  r = await call('db_list_backups', {});
  const drilled = r.structuredContent.backups.find((b) => b.filename === full);
  assert.equal(drilled.lastDrill.passed, true, JSON.stringify(drilled));

  // A dry run says what would happen and changes nothing; a declined confirmation neither.
  sql("UPDATE books SET title = 'changed' WHERE id = 1");
  r = await call('db_restore_table', { backupFile: tableBackup, table: 'books', onConflict: 'update', dryRun: true });
  assert.equal(r.structuredContent.dryRun, true);
  assert.deepEqual(r.structuredContent.plan.tables.map((t) => [t.name, t.rows, t.exists]), [['books', 12, true]]);
  assert.match(r.structuredContent.plan.tables[0].action, /overwritten/);
  assert.equal(sql('SELECT title FROM books WHERE id = 1'), 'changed');
  answer = 'decline';
  r = await call('db_restore_table', { backupFile: tableBackup, table: 'books', onConflict: 'update' });
  answer = 'accept';
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /declined/);
  assert.equal(sql('SELECT title FROM books WHERE id = 1'), 'changed');
  assert.match(questions.at(-1), /books|1 of its 1 tables/);
  r = await call('db_restore_table', { backupFile: tableBackup, table: 'books', onConflict: 'update' });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.structuredContent.recordCount, 12);
  assert.equal(sql('SELECT title FROM books WHERE id = 1'), 'The Salt Roads: Book 1');

  sql("DELETE FROM chapters WHERE number > 6");
  r = await call('db_restore_full', { backupFile: full, dropExisting: true, jobs: 2 });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(sql('SELECT count(*) FROM chapters'), '144');
  // The database is not empty, so the parallel restore says why it used one transaction.
  assert.ok(r.structuredContent.warnings.some((w) => /not empty; restored on one connection/.test(w)),
            JSON.stringify(r.structuredContent.warnings));

  r = await call('db_delete_backup', { backupFile: tableBackup });
  assert.equal(r.structuredContent.deletedFile, tableBackup);
  assert.ok(r.structuredContent.freedSpace > 0);
  assert.ok(!readdirSync(backupDir).includes(tableBackup));

  r = await call('db_export_json', { table: 'books', where: { status: ['published', 'editing'] }, limit: 5 });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.structuredContent.format, 'json');
  assert.equal(r.structuredContent.recordCount, 5);
  assert.match(r.structuredContent.exportFile, /^export-books-\d{8}-\d{6}(-\d+)?\.json$/);
  const exportLink = r.content.find((c) => c.type === 'resource_link');
  assert.equal(exportLink.uri, `pgark://exports/${r.structuredContent.exportFile}`);
  read = await client.readResource({ uri: exportLink.uri });
  assert.equal(JSON.parse(read.contents[0].text).length, 5);
  r = await call('db_export_csv', { table: 'characters', where: { home_id: null }, columns: ['name'] });
  assert.equal(r.structuredContent.recordCount, 1);
  r = await call('db_export_json', { table: 'books', where: { "status' OR 1=1 --": 'x' } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /has no column/);

  const jsonExport = (await call('db_export_json', { table: 'books' })).structuredContent.exportFile;
  r = await call('db_import_json', { table: 'books', jsonFile: jsonExport, onConflict: 'skip' });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.structuredContent.totalRecords, 12);
  assert.equal(r.structuredContent.skippedRows, 12);
  const csvExport = (await call('db_export_csv', { table: 'books' })).structuredContent.exportFile;
  r = await call('db_import_csv', { table: 'books', csvFile: csvExport, hasHeaders: true, onConflict: 'update' });
  assert.equal(r.structuredContent.importedRecords, 12);
  r = await call('db_import_json', { table: 'books', jsonFile: '../secrets.json' });
  assert.equal(r.isError, true);

  sql("UPDATE books SET title = title || '!' WHERE id = 2");
  r = await call('db_backup_incremental', {});
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.equal(r.structuredContent.type, 'incremental');
  assert.equal(r.structuredContent.baseBackup, full);
  assert.deepEqual(r.structuredContent.dependencies, [full]);
  assert.equal(r.structuredContent.changedRows.updated, 1);
  r = await call('db_backup_incremental', { baseBackup: 'backup-full-19990101-000000.sql.gz' });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /not found/);

  // Every call is audited, failed ones included, and the connection string never is.
  const auditPath = join(backupDir, 'audit.log');
  assert.equal(statSync(auditPath).mode & 0o777, 0o600);
  const audit = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(audit.some((e) => e.operation === 'db_backup_full' && e.via === 'mcp' && e.outcome === 'ok'));
  assert.ok(audit.some((e) => e.operation === 'db_backup_incremental' && e.outcome === 'error'));
  assert.ok(!readFileSync(auditPath, 'utf8').includes('host='));
  assert.deepEqual(errors, []);
});

async function waitForJob(jobId) {
  for (let i = 0; i < 600; i++) {
    const s = (await call('db_job_status', { jobId })).structuredContent;
    if (s.status !== 'running') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job still running after 60 s');
}

test('async calls run as jobs: status, result, cancel', async () => {
  await client.listTools();
  let r = await call('db_backup_full', { async: true });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.match(r.structuredContent.jobId, /^[0-9a-f]{32}$/);
  assert.equal(r.structuredContent.status, 'running');
  const done = await waitForJob(r.structuredContent.jobId);
  assert.equal(done.status, 'succeeded', JSON.stringify(done));
  assert.match(done.result.backupFile, /^backup-full-/);
  assert.ok(readdirSync(backupDir).includes(done.result.backupFile));

  const before = readdirSync(backupDir).filter((f) => f.startsWith('backup-table-big') && f.endsWith('.sql.gz')).length;
  r = await call('db_backup_table', { table: 'big' });  // the table tool has no async: a plain call
  assert.ok(!r.isError);
  r = await call('db_restore_table', { backupFile: r.structuredContent.backupFile, table: 'big',
                                        onConflict: 'update', async: true });
  const jobId = r.structuredContent.jobId;
  r = await call('db_job_cancel', { jobId });
  assert.ok(['running', 'cancelled'].includes(r.structuredContent.status));
  const cancelled = await waitForJob(jobId);
  assert.equal(cancelled.status, 'cancelled', JSON.stringify(cancelled));
  assert.equal(sql('SELECT count(*) FROM big'), '300000');
  assert.equal(readdirSync(backupDir).filter((f) => f.startsWith('backup-table-big') && f.endsWith('.sql.gz')).length, before + 1);
  r = await call('db_job_status', { jobId: 'ffffffffffffffffffffffffffffffff' });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /no job/);
});

test('hostile and wrong arguments are tool errors, and the server stays up', async () => {
  await client.listTools();
  const cases = [
    ['db_restore_full', { backupFile: '../../etc/passwd' }, /plain file name|pattern|backupFile/],
    ['db_validate_backup', { backupFile: '/etc/passwd' }, /plain file name|backupFile/],
    ['db_backup_table', { table: 'books; DROP TABLE series; --' }, /does not exist/],
    ['db_backup_table', { table: 42 }, /must be a string/],
    ['db_list_backups', { limit: 'many' }, /must be an integer/],
    ['db_list_backups', { sortBy: 'random' }, /must be one of/],
    ['db_restore_full', { backupFile: 'backup-full-20990101-000000.sql.gz' }, /not found/],
    ['db_restore_full', {}, /required/],
    ['db_restore_full', { backupFile: 'backup-full-20990101-000000.sql.gz', jobs: 0 }, /at least 1/],
    ['db_restore_full', { backupFile: 'backup-full-20990101-000000.sql.gz', jobs: 'two' }, /integer/],
    ['db_backup_full', { bogus: true }, /unknown argument/],
    ['db_backup_full', { compression: 'lz4' }, /must match/],
    ['db_backup_full', { compression: 'zstd:20' }, /out of range 1-19/],
    ['db_backup_full', { compress: false, compression: 'zstd' }, /exclude each other/],
  ];
  for (const [name, args, pattern] of cases) {
    const r = await call(name, args);
    assert.equal(r.isError, true, name + ' ' + JSON.stringify(args));
    assert.match(r.content[0].text, pattern, name + ' ' + JSON.stringify(args));
  }
  assert.equal(sql('SELECT count(*) FROM series'), '3');
  await assert.rejects(call('db_frobnicate', {}), (e) => e instanceof McpError && e.code === -32602);
  await client.ping();
});

test('a cancelled restore leaves the database unchanged', async () => {
  await client.listTools();
  const backup = (await call('db_backup_full', {})).structuredContent.backupFile;
  sql("INSERT INTO series (title) VALUES ('Added after the backup')");
  const before = sql("SELECT count(*) || '/' || (SELECT count(*) FROM big) FROM series");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1500);
  const pending = call('db_restore_full', { backupFile: backup, dropExisting: true },
                       { signal: controller.signal, onprogress: () => controller.abort() });
  await assert.rejects(pending);
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 1500));  // let the server roll back
  assert.equal(sql("SELECT count(*) || '/' || (SELECT count(*) FROM big) FROM series"), before);
  const listed = (await call('db_list_backups', {})).structuredContent.backups;
  assert.ok(listed.every((b) => b.type !== 'incomplete'));
  await client.ping();
});
