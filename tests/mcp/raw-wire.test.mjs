// Layer 1 of the MCP tests: the wire itself, driven over pipes without an SDK. Every line the
// server writes must be one JSON-RPC 2.0 message; edge cases of ids, notifications, batches,
// framing, and exit on stdin EOF.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = [];
after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'pgark-raw-'));
  const child = spawn(process.env.PGARK_BIN, ['--db', process.env.PGARK_TEST_DB, '--backup-dir', dir, 'mcp'],
                      { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(child);
  const lines = [];
  const waiters = [];
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        msg = { notJson: line };  // fails the test through the check below, not the process
      }
      for (const m of Array.isArray(msg) ? msg : [msg]) {
        if (m.jsonrpc !== '2.0') msg = { notJsonRpc: line };
      }
      lines.push(msg);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const server = {
    child,
    sendRaw: (text) => child.stdin.write(text),
    send: (obj) => child.stdin.write(JSON.stringify(obj) + '\n'),
    async next(ms = 5000) {
      const deadline = Date.now() + ms;
      while (lines.length === 0) {
        if (Date.now() > deadline) throw new Error('no message within ' + ms + ' ms');
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
      const msg = lines.shift();
      assert.ok(!msg.notJson && !msg.notJsonRpc, 'not a JSON-RPC 2.0 line: ' + JSON.stringify(msg));
      return msg;
    },
    // The next message that is not a log line (tool calls log their start and end at "info").
    async reply(ms = 5000) {
      for (;;) {
        const msg = await server.next(ms);
        if (msg.method !== 'notifications/message') return msg;
      }
    },
    async silence(ms) {
      await new Promise((r) => setTimeout(r, ms));
      assert.deepEqual(lines, [], 'expected no output');
    },
    async initialize(version = '2025-11-25') {
      server.send({ jsonrpc: '2.0', id: 0, method: 'initialize',
                    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
      const r = await server.next();
      server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return r;
    },
  };
  return server;
}

test('ping and server/discover before initialize', async () => {
  const s = startServer();
  s.send({ jsonrpc: '2.0', id: 'p', method: 'ping' });
  assert.deepEqual((await s.next()).result, {});
  const t0 = Date.now();
  s.send({ jsonrpc: '2.0', id: 'discover-1', method: 'server/discover' });
  const r = await s.next();
  assert.equal(r.error.code, -32601);
  assert.equal(r.id, 'discover-1');
  assert.ok(Date.now() - t0 < 1000);
  s.child.stdin.end();
});

test('every supported version is echoed, an unknown one gets 2025-11-25', async () => {
  for (const v of ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2099-01-01']) {
    const s = startServer();
    const r = await s.initialize(v);
    assert.equal(r.result.protocolVersion, v === '2099-01-01' ? '2025-11-25' : v);
    assert.equal(r.result.serverInfo.name, 'pgark');
    s.child.stdin.end();
  }
});

test('ids keep their type, notifications get no reply, garbage gets -32700 without id', async () => {
  const s = startServer();
  await s.initialize();
  s.send({ jsonrpc: '2.0', id: 0, method: 'ping' });
  assert.strictEqual((await s.next()).id, 0);
  s.send({ jsonrpc: '2.0', id: '123', method: 'ping' });
  assert.strictEqual((await s.next()).id, '123');
  s.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
  s.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 42 } });
  await s.silence(400);
  s.sendRaw('this is not json\n');
  const e = await s.next();
  assert.equal(e.error.code, -32700);
  assert.equal('id' in e, false);
  s.sendRaw('{"jsonrpc":"1.0","id":9,"method":"ping"}\n');
  assert.equal((await s.next()).error.code, -32600);
  s.sendRaw('\n\r\n{"method":"ping","jsonrpc":"2.0","id":10}\r\n');  // empty lines, CRLF, key order
  assert.deepEqual(await s.next(), { jsonrpc: '2.0', id: 10, result: {} });
  s.send([{ jsonrpc: '2.0', id: 11, method: 'ping' }]);  // no batches in 2025-11-25
  const b = await s.next();
  assert.equal(b.error.code, -32600);
  assert.equal('id' in b, false);
  s.send({ jsonrpc: '2.0', id: 12, method: 'tools/list', params: { cursor: 'garbage' } });
  assert.equal((await s.next()).error.code, -32602);
  s.send({ jsonrpc: '2.0', id: 13, method: 'logging/setLevel', params: { level: 'verbose' } });
  assert.equal((await s.next()).error.code, -32602);
  s.send({ jsonrpc: '2.0', id: 14, method: 'initialize', params: { protocolVersion: '2025-11-25' } });
  assert.equal((await s.next()).error.code, -32600);
  s.child.stdin.end();
});

test('batches under 2025-03-26; bare tools under 2024-11-05', async () => {
  const s = startServer();
  await s.initialize('2025-03-26');
  s.send([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/x' },
          { jsonrpc: '2.0', id: 2, method: 'ping' }]);
  const replies = await s.next();
  assert.ok(Array.isArray(replies));
  assert.deepEqual(replies.map((r) => r.id), [1, 2]);
  s.child.stdin.end();
  const old = startServer();
  await old.initialize('2024-11-05');
  old.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const tools = (await old.next()).result.tools;
  assert.equal(tools.length, 17);
  for (const t of tools) assert.deepEqual(Object.keys(t).sort(), ['description', 'inputSchema', 'name']);
  old.child.stdin.end();
});

test('ping is answered while a long backup runs', async () => {
  const s = startServer();
  await s.initialize();
  s.send({ jsonrpc: '2.0', id: 'backup', method: 'tools/call',
           params: { name: 'db_backup_table', arguments: { table: 'big' } } });
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  s.send({ jsonrpc: '2.0', id: 'ping', method: 'ping' });
  const first = await s.reply(10000);
  assert.equal(first.id, 'ping', 'the ping reply must overtake the running backup');
  assert.ok(Date.now() - t0 < 1000);
  const result = await s.reply(60000);
  assert.equal(result.id, 'backup');
  assert.equal(result.result.isError, undefined);
  s.child.stdin.end();
});

test('closing stdin ends the process with status 0 within 2 s', async () => {
  const s = startServer();
  await s.initialize();
  const exited = new Promise((resolve) => s.child.on('exit', (code) => resolve(code)));
  const t0 = Date.now();
  s.child.stdin.end();
  assert.equal(await exited, 0);
  assert.ok(Date.now() - t0 < 2000, 'exit took ' + (Date.now() - t0) + ' ms');
});
