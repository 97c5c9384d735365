// The repository in object storage (issue 20), against a local S3 service that verifies SigV4
// (s3-server.mjs): the same repository scenario on a local directory and on a bucket, then what
// only object storage has: objects the official AWS SDK reads, multipart uploads, one-table
// restores by ranged reads, refused credentials, dropped connections, an aborted upload, a
// damaged object, memory and local disk, MCP and the scheduler.
//
// Needs PGARK_BIN, PGARK_TEST_DB (a database to back up) and psql on PATH (tests/s3/run.sh).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3 } from './s3-server.mjs';

const BIN = process.env.PGARK_BIN;
const SOURCE = process.env.PGARK_TEST_DB;  // a conninfo: "... dbname=shop"
const BUCKET = 'pgark-test';
const KEY = 'BACKUP_ENCRYPTION_KEY=correct horse battery staple';
let s3;
let sdk;

const conninfo = (db) => SOURCE.replace(/dbname=\S+/, `dbname=${db}`);

// Runs a command without blocking the event loop: the S3 service runs in this process.
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, options);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function pgark(args, env = {}) {
  return run(BIN, args, { env: { ...process.env, ...s3.env, ...env } });
}

function psql(db, sql) {
  const r = spawnSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', conninfo(db), '-c', sql],
                      { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let dbs = 0;
function newDatabase(prefix) {
  const name = `${prefix}_${process.pid}_${++dbs}`;
  psql('postgres', `CREATE DATABASE ${name}`);
  return name;
}

// Rows of every table of the source, as a digest per table.
function digest(db) {
  return psql(db, `SELECT string_agg(format('%s:%s', c.relname,
                     (xpath('/row/d/text()', query_to_xml(format(
                       'SELECT md5(string_agg(t::text, %L ORDER BY t::text)) AS d FROM %I t',
                       '|', c.relname), false, true, '')))[1]), ',' ORDER BY c.relname)
                   FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
                   AND c.relkind = 'r'`);
}

function json(r) {
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

async function objectBytes(key) {
  const r = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await r.Body.transformToByteArray());
}

before(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  // Parts of 5 MiB (S3's smallest), so that the test database's archive is a multipart upload.
  s3.env.PGARK_S3_PART_BYTES = String(5 << 20);
  s3.env.PGARK_S3_MAX_ATTEMPTS = '5';
  sdk = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true,
                       credentials: { accessKeyId: s3.credentials.accessKey,
                                      secretAccessKey: s3.credentials.secretKey } });
});
after(async () => { await s3?.close(); });

// The same scenario on both drivers.
for (const driver of ['local', 's3']) {
  describe(`repository on ${driver}`, () => {
    let dir;
    let env;
    let full;
    let fullSize;
    before(() => {
      dir = driver === 'local' ? fs.mkdtempSync(path.join(os.tmpdir(), 'pgark-s3-local-'))
                               : `s3://${BUCKET}/scenario/${process.pid}`;
      env = { BACKUP_DIR: dir, DATABASE_URL: SOURCE };
    });
    after(() => { if (driver === 'local') fs.rmSync(dir, { recursive: true, force: true }); });

    test('full backup, list, validate', async () => {
      const made = json(await pgark(['--json', 'backup', 'full'], env));
      full = made.backupFile;
      fullSize = made.size;
      const listed = json(await pgark(['--json', 'list'], env)).backups;
      assert.deepEqual(listed.map((b) => b.filename), [full]);
      assert.equal(listed[0].type, 'full');
      const v = json(await pgark(['--json', 'validate', full], env));
      assert.equal(v.valid, true, JSON.stringify(v));
    });

    test('restore full equals the source', async () => {
      const target = newDatabase('full');
      json(await pgark(['--json', '--db', conninfo(target), 'restore', 'full', full], env));
      assert.equal(digest(target), digest(sourceName()));
    });

    test('restore one table', async () => {
      const target = newDatabase('one');
      s3.resetStats();
      json(await pgark(['--json', '--db', conninfo(target), 'restore', 'table', full, '--table', 'tiny'], env));
      assert.equal(psql(target, 'SELECT count(*) FROM tiny'), psql(sourceName(), 'SELECT count(*) FROM tiny'));
      if (driver === 's3') {
        const archive = `scenario/${process.pid}/${full}`;
        const fetched = s3.stats.bytesServed[`/${BUCKET}/${archive}`] || 0;
        assert.ok(fetched > 0 && fetched < fullSize / 10, `fetched ${fetched} of ${fullSize} bytes`);
      }
    });

    test('incremental chain restores the changed source', async () => {
      const src = sourceName();
      psql(src, `UPDATE big SET t = 'changed ' || id WHERE id % 100 = 0;
                 DELETE FROM big WHERE id % 1000 = 1; INSERT INTO tiny VALUES (100000 + ${dbs}, 'new')`);
      const inc = json(await pgark(['--json', 'backup', 'incremental'], env));
      assert.equal(inc.type, 'incremental');
      const target = newDatabase('chain');
      json(await pgark(['--json', '--db', conninfo(target), 'restore', 'full', inc.backupFile], env));
      assert.equal(digest(target), digest(src));
      // Deleting the base is refused while the incremental needs it.
      const refused = await pgark(['delete', full], env);
      assert.equal(refused.code, 6, refused.err);
      const gone = json(await pgark(['--json', 'delete', full, '--cascade'], env));
      assert.equal(gone.deletedFiles.length, 2, JSON.stringify(gone));
      assert.deepEqual(json(await pgark(['--json', 'list'], env)).backups, []);
    });

    test('export and import a table', async () => {
      const exported = json(await pgark(['--json', 'export', 'csv', 'tiny'], env));
      const target = newDatabase('imp');
      psql(target, 'CREATE TABLE tiny (id int PRIMARY KEY, v text)');
      const imported = json(await pgark(['--json', '--db', conninfo(target), 'import', 'csv', 'tiny',
                                   exported.exportFile], env));
      assert.equal(imported.importedRecords, exported.recordCount);
      assert.equal(digest(target).split(',').find((d) => d.startsWith('tiny:')),
                   digest(sourceName()).split(',').find((d) => d.startsWith('tiny:')));
    });

    test('encrypted zstd backup, one table out of it, decrypt', async () => {
      const encEnv = { ...env, BACKUP_ENCRYPT: 'true', [KEY.split('=')[0]]: KEY.split('=')[1] };
      const b = json(await pgark(['--json', 'backup', 'full', '--compress', 'zstd'], encEnv));
      assert.equal(b.encrypted, true);
      assert.equal(b.compression, 'zstd');
      assert.match(b.backupFile, /\.sql\.zst\.enc$/);
      const target = newDatabase('enc');
      s3.resetStats();
      json(await pgark(['--json', '--db', conninfo(target), 'restore', 'table', b.backupFile, '--table',
                  'tiny'], encEnv));
      assert.equal(psql(target, 'SELECT count(*) FROM tiny'), psql(sourceName(), 'SELECT count(*) FROM tiny'));
      if (driver === 's3') {
        const fetched = s3.stats.bytesServed[`/${BUCKET}/scenario/${process.pid}/${b.backupFile}`] || 0;
        assert.ok(fetched < b.size / 10, `fetched ${fetched} of ${b.size} bytes`);
      }
      const wrong = await pgark(['validate', b.backupFile], { ...env, BACKUP_ENCRYPTION_KEY: 'not the key at all' });
      assert.equal(wrong.code, 4, wrong.err);
      json(await pgark(['--json', 'decrypt', b.backupFile], encEnv));
      const names = json(await pgark(['--json', 'list'], env)).backups.map((x) => x.filename);
      assert.ok(names.includes(b.backupFile));
    });

    test('prune keeps the newest full backup and its chain', async () => {
      const dry = json(await pgark(['--json', 'prune', '--dry-run', '--retention-days', '0'], env));
      assert.equal(dry.deleted.length, 0, JSON.stringify(dry));
      assert.ok(dry.kept.length >= 1);
    });
  });
}

// The database the scenario backs up.
function sourceName() { return /dbname=(\S+)/.exec(SOURCE)[1]; }

describe('object storage', () => {
  const prefix = `objects/${process.pid}`;
  const dir = `s3://${BUCKET}/${prefix}`;
  const env = () => ({ BACKUP_DIR: dir, DATABASE_URL: SOURCE });
  let full;
  // `pgark schedule` on a bucket of its own, from the start (cron fires once a minute); the last
  // test looks at what it did.
  const scheduled = { dir: `s3://${BUCKET}/scheduled/${process.pid}`, log: '' };
  before(() => {
    scheduled.child = spawn(BIN, ['schedule', '--full', '* * * * *'], {
      env: { ...process.env, ...s3.env, BACKUP_DIR: scheduled.dir, DATABASE_URL: SOURCE } });
    scheduled.child.stderr.on('data', (d) => { scheduled.log += d; });
    scheduled.exit = new Promise((resolve) => scheduled.child.on('exit', (code) => resolve(code)));
  });

  test('a backup is ordinary S3 objects: the SDK reads it, it gunzips, its SHA-256 is the manifest\'s', async () => {
    s3.resetStats();
    full = json(await pgark(['--json', 'backup', 'full'], env()));
    assert.ok(s3.stats.operations.UploadPart >= 2, JSON.stringify(s3.stats.operations));
    assert.equal(s3.stats.operations.CompleteMultipartUpload, 1);
    const listed = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    const keys = listed.Contents.map((o) => o.Key);
    const manifestName = full.backupFile.replace(/\.sql\.gz$/, '-manifest.json');
    assert.ok(keys.includes(`${prefix}/${full.backupFile}`), keys.join(' '));
    assert.ok(keys.includes(`${prefix}/${manifestName}`), keys.join(' '));
    const archive = await objectBytes(`${prefix}/${full.backupFile}`);
    const manifest = JSON.parse((await objectBytes(`${prefix}/${manifestName}`)).toString());
    assert.equal(crypto.createHash('sha256').update(archive).digest('hex'), manifest.checksum);
    assert.equal(archive.length, manifest.size);
    assert.match(zlib.gunzipSync(archive).toString(), /COPY "public"."big"/);
    for (const key of keys) {
      const text = (await objectBytes(key)).toString('latin1');
      assert.ok(!text.includes(s3.credentials.secretKey), `the secret is in ${key}`);
    }
  });

  test('requests are signed: a wrong secret, a missing bucket and an unsigned request are refused', async () => {
    const wrong = await pgark(['list'], { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret-0123456789' });
    assert.equal(wrong.code, 4, wrong.err);
    assert.match(wrong.err, /refused the credentials \(SignatureDoesNotMatch\)/);
    assert.ok(!wrong.err.includes('wrong-secret'));
    // A HEAD (restore, validate) has no error body: the refusal is still named as such.
    const head = await pgark(['validate', full.backupFile], { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret-0123456789' });
    assert.equal(head.code, 4, head.err);
    const missing = await pgark(['backup', 'full'], { ...env(), BACKUP_DIR: 's3://no-such-bucket/x' });
    assert.equal(missing.code, 7, missing.err);
    assert.match(missing.err, /bucket "no-such-bucket" does not exist/);
    const unsigned = await fetch(`${s3.endpoint}/${BUCKET}/${prefix}/${full.backupFile}`);
    assert.equal(unsigned.status, 403);
    const bad = await pgark(['list'], { ...env(), BACKUP_DIR: 's3://Bad_Bucket/x' });
    assert.equal(bad.code, 2, bad.err);
  });

  test('dropped connections and SlowDown are retried, mid-upload and mid-download', async () => {
    s3.resetStats();
    s3.faults.dropUploads = 2;
    s3.faults.slowDown = 2;
    const b = json(await pgark(['--json', 'backup', 'full'], env()));
    assert.equal(s3.stats.faultsInjected, 4);
    s3.faults.dropDownloads = 2;
    const target = newDatabase('faults');
    json(await pgark(['--json', '--db', conninfo(target), 'restore', 'full', b.backupFile], env()));
    assert.equal(s3.stats.faultsInjected, 6);
    assert.equal(digest(target), digest(sourceName()));
    assert.equal(json(await pgark(['--json', 'validate', b.backupFile], env())).valid, true);
  });

  test('a failed upload is aborted and leaves no object', async () => {
    s3.resetStats();
    s3.faults.failParts = true;
    const before = json(await pgark(['--json', 'list'], env())).backups.length;
    const r = await pgark(['backup', 'full'], { ...env(), PGARK_S3_MAX_ATTEMPTS: '2' });
    s3.faults.failParts = false;
    assert.notEqual(r.code, 0);
    assert.match(r.err, /HTTP 500|InternalError/);
    assert.equal(s3.stats.operations.AbortMultipartUpload, 1, JSON.stringify(s3.stats.operations));
    assert.equal(json(await pgark(['--json', 'list'], env())).backups.length, before);
  });

  test('a damaged object fails validate and restore, and changes nothing', async () => {
    const key = `${prefix}/${full.backupFile}`;
    const bytes = await objectBytes(key);
    bytes[Math.floor(bytes.length / 2)] ^= 0x55;
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
    const v = await pgark(['--json', 'validate', full.backupFile], env());
    assert.equal(v.code, 3, v.out + v.err);
    const target = newDatabase('damaged');
    const r = await pgark(['--db', conninfo(target), 'restore', 'full', full.backupFile], env());
    assert.equal(r.code, 3, r.err);
    assert.equal(psql(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), '0');
  });

  test('bounded memory, nothing on local disk', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgark-s3-disk-'));
    const measure = async (args) => {
      const r = await run('python3', ['-c', `import resource, subprocess, sys
r = subprocess.run(sys.argv[1:])
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)`, BIN, ...args],
      { env: { ...process.env, ...s3.env, ...env(), TMPDIR: scratch }, cwd: scratch });
      const [code, kib] = r.out.trim().split('\n').pop().split(' ').map(Number);
      assert.equal(code, 0, r.err);
      return kib;
    };
    const backupKib = await measure(['--quiet', 'backup', 'full']);
    const newest = json(await pgark(['--json', 'list', '--limit', '1'], env())).backups[0].filename;
    const target = newDatabase('rss');
    const restoreKib = await measure(['--quiet', '--db', conninfo(target), 'restore', 'full', newest]);
    assert.deepEqual(fs.readdirSync(scratch), []);
    fs.rmSync(scratch, { recursive: true });
    assert.ok(backupKib < 256 * 1024, `backup peak RSS ${backupKib} KiB`);
    assert.ok(restoreKib < 256 * 1024, `restore peak RSS ${restoreKib} KiB`);
  });

  test('MCP tools work unchanged on a bucket', async () => {
    const child = spawn(BIN, ['mcp'], { env: { ...process.env, ...s3.env, ...env() } });
    const replies = [];
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        replies.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
      }
    });
    const call = async (id, method, params) => {
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
      for (let i = 0; i < 600; i++) {
        const r = replies.find((m) => m.id === id);
        if (r) return r;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no answer to ${method}`);
    };
    await call(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {},
                                  clientInfo: { name: 's3-test', version: '1' } });
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const made = await call(2, 'tools/call', { name: 'db_backup_full', arguments: {} });
    assert.notEqual(made.result.isError, true, JSON.stringify(made));
    const file = made.result.structuredContent.backupFile;
    const list = await call(3, 'tools/call', { name: 'db_list_backups', arguments: {} });
    assert.ok(list.result.structuredContent.backups.some((b) => b.filename === file));
    const valid = await call(4, 'tools/call', { name: 'db_validate_backup', arguments: { backupFile: file } });
    assert.equal(valid.result.structuredContent.valid, true, JSON.stringify(valid));
    child.stdin.end();
    await new Promise((resolve) => child.on('exit', resolve));
  });

  test('pgark schedule backs up into the bucket, validates, and holds its lock', async () => {
    for (let i = 0; i < 200 && !/; valid/.test(scheduled.log); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.match(scheduled.log, /; valid/);
    const second = await pgark(['schedule', '--full', '* * * * *'], { BACKUP_DIR: scheduled.dir });
    assert.equal(second.code, 6, second.err);
    assert.match(second.err, /already running/);
    scheduled.child.kill('SIGTERM');
    assert.equal(await scheduled.exit, 0, scheduled.log);
    const listed = json(await pgark(['--json', 'list'], { BACKUP_DIR: scheduled.dir })).backups;
    assert.ok(listed.length >= 1 && listed.every((b) => b.validAtLastCheck !== false), JSON.stringify(listed));
  });
});
