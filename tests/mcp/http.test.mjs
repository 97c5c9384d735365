// Layer 3 of the MCP tests: `pgark mcp --http` on the wire, with plain fetch: the gate (Host,
// Origin, token), status codes, sessions, SSE event ids and resumption, the stateless
// 2026-07-28 revision, concurrent sessions with the same request ids, and refusals at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, TOKEN } from './http-server.mjs';

const backupDir = mkdtempSync(join(tmpdir(), 'pgark-http-'));
let server;
const auth = { Authorization: `Bearer ${TOKEN}` };
const JSON_TYPES = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

function post(body, headers = {}, url = server.url) {
  return fetch(url, { method: 'POST', headers: { ...JSON_TYPES, ...auth, ...headers },
                      body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function initialize(version = '2025-11-25') {
  const r = await post({ jsonrpc: '2.0', id: 0, method: 'initialize',
                         params: { protocolVersion: version, capabilities: {},
                                   clientInfo: { name: 'raw', version: '1' } } });
  assert.equal(r.status, 200);
  const sid = r.headers.get('mcp-session-id');
  assert.match(sid, /^[0-9a-f]{32}$/);
  const h = { 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': version };
  assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h)).status, 202);
  return h;
}

// The events of an SSE body: [{id, data}] (data parsed; the priming event has data null).
async function events(response, { until } = {}) {
  const out = [];
  const reader = response.body.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    let end;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      if (block.startsWith(':')) continue;
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      out.push({ id, data: data ? JSON.parse(data) : null });
      if (until && out.length && until(out[out.length - 1])) {
        await reader.cancel();
        return out;
      }
    }
  }
  return out;
}

before(async () => {
  server = await startHttpServer(backupDir);
});

after(async () => {
  assert.equal(await server.stop(), 0);
  assert.ok(!server.stderr().includes(TOKEN));
});

test('the gate: token, Host and Origin, before anything else', async () => {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25' } };
  let r = await fetch(server.url, { method: 'POST', headers: JSON_TYPES, body: JSON.stringify(init) });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /^Bearer realm="pgark"$/);
  r = await post(init, { Authorization: 'Bearer wrong-token-of-some-length' });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /error="invalid_token"/);
  r = await post(init, { Authorization: `Basic ${TOKEN}` });
  assert.equal(r.status, 401);
  r = await post(init, { Origin: 'http://evil.example.com' });
  assert.equal(r.status, 403);
  r = await post(init, { Origin: 'null' });
  assert.equal(r.status, 403);
  // Host is a forbidden header for fetch: ask curl.
  const port = new URL(server.url).port;
  const status = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST',
    '-H', 'Host: evil.example.com', '-H', `Authorization: Bearer ${TOKEN}`,
    '-H', 'Content-Type: application/json', '-d', JSON.stringify(init), server.url]).toString();
  assert.equal(status, '403');
  r = await post(init, { Origin: `http://localhost:${port}` });
  assert.equal(r.status, 200);
  assert.equal((await fetch(server.url.replace('/mcp', '/other'), { headers: auth })).status, 404);
});

test('status codes of the transport', async () => {
  const h = await initialize();
  assert.equal((await post('{"jsonrpc":', h)).status, 400);
  assert.equal((await post('[]', h)).status, 400);  // no batches after 2025-03-26
  assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { ...h, 'Content-Type': 'text/plain' })).status, 415);
  assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { ...h, Accept: 'text/html' })).status, 406);
  assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { ...h, 'MCP-Protocol-Version': '1999-01-01' })).status, 400);
  assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'ping' })).status, 400);  // no session
  const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { x: 'y'.repeat(5 << 20) } });
  assert.equal((await post(big, h)).status, 413);
  let r = await fetch(server.url, { headers: { ...auth, ...h, Accept: 'text/event-stream' } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, POST, DELETE');
  assert.equal((await fetch(server.url, { method: 'PUT', headers: { ...auth, ...h } })).status, 405);
  r = await post({ jsonrpc: '2.0', id: 7, method: 'ping' }, h);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { jsonrpc: '2.0', id: 7, result: {} });
  r = await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'nope' } }, h);
  assert.equal(r.status, 200);  // a protocol error in a 200, never a 404; JSON, as nothing ran
  assert.equal((await r.json()).error.code, -32602);
  r = await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'nope' } },
                 { ...h, Accept: 'text/event-stream' });
  const [reply] = (await events(r)).filter((e) => e.data);
  assert.equal(reply.data.error.code, -32602);
  assert.equal((await post({ jsonrpc: '2.0', id: 9, result: {} }, h)).status, 202);
  // Members of the wrong type are refused in kind, never a 500.
  for (const body of [{ jsonrpc: '2.0', id: 11, method: 5 }, { jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 7 } },
                      { jsonrpc: '2.0', id: 13, method: 'tools/call', params: 'x' }]) {
    r = await post(body, h);
    assert.ok(r.status === 200 || r.status === 400, `${r.status} for ${JSON.stringify(body)}`);
    const text = await r.text();
    assert.match(text, /"error"/);
  }
  assert.equal((await fetch(server.url, { method: 'DELETE', headers: { ...auth, ...h } })).status, 204);
  assert.equal((await post({ jsonrpc: '2.0', id: 10, method: 'ping' }, h)).status, 404);
  assert.equal((await fetch(server.url, { method: 'DELETE', headers: { ...auth, ...h } })).status, 404);
});

test('a tool call streams ids, survives a dropped connection and resumes by Last-Event-ID', async () => {
  const h = await initialize();
  const call = { jsonrpc: '2.0', id: 'b1', method: 'tools/call',
                 params: { name: 'db_backup_table', arguments: { table: 'big' }, _meta: { progressToken: 'p' } } };
  const r = await post(call, h);
  assert.equal(r.headers.get('content-type'), 'text/event-stream');
  // Read the priming event and one progress notification, then drop the connection.
  const first = await events(r, { until: (e) => e.data?.method === 'notifications/progress' });
  assert.equal(first[0].data, null);
  assert.match(first[0].id, /^s\d+-0$/);
  const last = first[first.length - 1];
  assert.ok(last.data.params.total > 0);
  const resumed = await fetch(server.url, { headers: { ...auth, ...h, Accept: 'text/event-stream',
                                                         'Last-Event-ID': last.id } });
  assert.equal(resumed.status, 200);
  const rest = await events(resumed);
  const seqOf = (id) => Number(id.split('-').pop());
  assert.ok(rest.every((e) => seqOf(e.id) > seqOf(last.id)), 'only what followed');
  const reply = rest[rest.length - 1].data;
  assert.equal(reply.id, 'b1');
  assert.ok(!reply.result.isError, JSON.stringify(reply));
  assert.match(reply.result.structuredContent.backupFile, /^backup-table-/);
  const gone = await fetch(server.url, { headers: { ...auth, ...h, Accept: 'text/event-stream',
                                                      'Last-Event-ID': 's999-1' } });
  assert.equal(gone.status, 404);
});

test('sessions are apart: the same ids at once, and a cancel reaches only its own call', async () => {
  const a = await initialize();
  const b = await initialize('2025-06-18');
  const backup = (id) => ({ jsonrpc: '2.0', id, method: 'tools/call',
                            params: { name: 'db_backup_table', arguments: { table: 'big' } } });
  const ra = post(backup(1), a);
  const rb = post(backup(1), b);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/cancelled',
                             params: { requestId: 1 } }, a)).status, 202);
  const ea = await events(await ra);
  const eb = await events(await rb);
  assert.ok(!ea.some((e) => e.data?.id === 1), 'the cancelled call sends no reply');
  const replyB = eb.find((e) => e.data?.id === 1).data;
  assert.ok(!replyB.result.isError, JSON.stringify(replyB));
  assert.ok(!replyB.result.structuredContent || replyB.result.structuredContent.success);
});

test('twenty concurrent sessions', async () => {
  const sessions = await Promise.all(Array.from({ length: 20 }, () => initialize()));
  const replies = await Promise.all(sessions.map(async (h, i) => {
    const r = await post({ jsonrpc: '2.0', id: i, method: 'tools/call',
                           params: { name: 'db_list_backups', arguments: {} } }, h);
    return (await events(r)).find((e) => e.data?.id === i).data;
  }));
  for (const r of replies) assert.equal(r.result.structuredContent.success, true);
});

test('the stateless 2026-07-28 revision on the same endpoint', async () => {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                 'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1' },
                 'io.modelcontextprotocol/clientCapabilities': {} };
  const modern = (method, params = {}, headers = {}) =>
    post({ jsonrpc: '2.0', id: 'm', method, params: { ...params, _meta: { ...meta, ...params._meta } } },
         { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': method, ...headers });
  let r = await modern('server/discover');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('mcp-session-id'), null);
  const discovered = (await r.json()).result;
  assert.equal(discovered.resultType, 'complete');
  assert.ok(discovered.supportedVersions.includes('2026-07-28'));
  assert.ok(discovered.supportedVersions.includes('2025-11-25'));
  assert.ok(discovered.capabilities.tools);
  r = await modern('tools/list');
  const list = (await r.json()).result;
  assert.equal(list.tools.length, 17);
  assert.ok(list.ttlMs > 0);
  r = await modern('tools/call', { name: 'db_list_backups', arguments: {} }, { 'Mcp-Name': 'db_list_backups' });
  const reply = (await events(r)).find((e) => e.data?.id === 'm').data;
  assert.equal(reply.result.resultType, 'complete');
  assert.equal(reply.result.structuredContent.success, true);
  r = await modern('tools/call', { name: 'db_list_backups', arguments: {} }, { 'Mcp-Name': 'db_backup_full' });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, -32020);
  r = await modern('ping');
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, -32601);
  r = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list',
                   params: { _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } },
                 { 'MCP-Protocol-Version': '2099-01-01', 'Mcp-Method': 'tools/list' });
  assert.equal(r.status, 400);
  const unsupported = (await r.json()).error;
  assert.equal(unsupported.code, -32022);
  assert.deepEqual(unsupported.data.supported, ['2026-07-28']);
});

test('refusals at start: an open address without a token, a token file others can read', () => {
  const run = (args, env = {}) => spawnSync(process.env.PGARK_BIN,
    ['--db', process.env.PGARK_TEST_DB, '--backup-dir', backupDir, 'mcp', ...args],
    { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 10000 });
  let r = run(['--http', '0.0.0.0:0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /without authentication/);
  const tokenFile = join(backupDir, 'token');
  writeFileSync(tokenFile, TOKEN + '\n');
  chmodSync(tokenFile, 0o644);
  r = run(['--http', '127.0.0.1:0', '--token-file', tokenFile]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /chmod 600/);
  r = run(['--http', 'localhost:http']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ADDR:\]PORT/);
});

test('an idle session expires; a busy one does not', async () => {
  const short = await startHttpServer(backupDir, { extra: ['--session-idle', '1'] });
  try {
    const init = (await post({ jsonrpc: '2.0', id: 0, method: 'initialize',
                               params: { protocolVersion: '2025-11-25', capabilities: {},
                                         clientInfo: { name: 'idle', version: '1' } } }, {}, short.url));
    const h = { 'Mcp-Session-Id': init.headers.get('mcp-session-id') };
    assert.equal((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, h, short.url)).status, 200);
    await new Promise((r) => setTimeout(r, 11500));  // the reaper looks every 10 s
    assert.equal((await post({ jsonrpc: '2.0', id: 2, method: 'ping' }, h, short.url)).status, 404);
  } finally {
    await short.stop();
  }
});

test('OAuth resource server: RFC 9728 metadata and RS256 access tokens checked', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwksFile = join(backupDir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }));
  const issuer = 'https://auth.example.test';
  const oauth = await startHttpServer(backupDir, { token: null,
    extra: ['--authorization-server', issuer, '--jwks-file', jwksFile] });
  const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const jwt = (claims, { key = privateKey, header = { alg: 'RS256', kid: 'k1', typ: 'at+jwt' } } = {}) => {
    const body = `${b64(header)}.${b64({ iss: issuer, aud: oauth.url, sub: 'agent-1', exp: now + 300, ...claims })}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
  };
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize',
                 params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'o', version: '1' } } };
  const tryToken = (token) => post(init, token ? { Authorization: `Bearer ${token}` } : { Authorization: '' }, oauth.url);
  try {
    const origin = new URL(oauth.url).origin;
    const meta = await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json();
    assert.equal(meta.resource, oauth.url);
    assert.deepEqual(meta.authorization_servers, [issuer]);
    let r = await fetch(oauth.url, { method: 'POST', headers: JSON_TYPES, body: JSON.stringify(init) });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);
    r = await tryToken(jwt({}));
    assert.equal(r.status, 200);
    const sid = r.headers.get('mcp-session-id');
    for (const [why, token] of [
      ['expired', jwt({ exp: now - 3600 })],
      ['another audience', jwt({ aud: 'https://other.example/mcp' })],
      ['another issuer', jwt({ iss: 'https://evil.example' })],
      ['another key', jwt({}, { key: other.privateKey })],
      ['alg none', `${b64({ alg: 'none' })}.${b64({ iss: issuer, aud: oauth.url, exp: now + 300 })}.`],
      ['not yet valid', jwt({ nbf: now + 3600 })],
      ['garbage', 'a.b.c'],
    ]) {
      r = await tryToken(token);
      assert.equal(r.status, 401, why);
      assert.match(r.headers.get('www-authenticate'), /error="invalid_token"/, why);
    }
    // A session belongs to its subject: another agent's valid token cannot use it.
    r = await post({ jsonrpc: '2.0', id: 1, method: 'ping' },
                   { Authorization: `Bearer ${jwt({ sub: 'agent-2' })}`, 'Mcp-Session-Id': sid }, oauth.url);
    assert.equal(r.status, 404);
    r = await post({ jsonrpc: '2.0', id: 1, method: 'ping' },
                   { Authorization: `Bearer ${jwt({})}`, 'Mcp-Session-Id': sid }, oauth.url);
    assert.equal(r.status, 200);
  } finally {
    await oauth.stop();
  }
});

test('TLS with --tls-cert and --tls-key', async () => {
  const cert = join(backupDir, 'cert.pem');
  const key = join(backupDir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
                           '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
               { stdio: 'ignore' });
  const tls = await startHttpServer(backupDir, { extra: ['--tls-cert', cert, '--tls-key', key] });
  try {
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    const out = execFileSync('curl', ['-s', '--cacert', cert, '-X', 'POST', '-H', `Authorization: Bearer ${TOKEN}`,
      '-H', 'Content-Type: application/json', '-H', 'Accept: application/json', '-d', body, tls.url]).toString();
    assert.equal(JSON.parse(out).result.serverInfo.name, 'pgark');
    // Plain HTTP to the TLS port gets nothing.
    const plain = spawnSync('curl', ['-s', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}',
                                     tls.url.replace('https:', 'http:')], { encoding: 'utf8' });
    assert.notEqual(plain.stdout, '200');
  } finally {
    await tls.stop();
  }
});

test('--read-only serves only the tools that change nothing', async () => {
  const ro = await startHttpServer(backupDir, { extra: ['--read-only'] });
  try {
    const r = await post({ jsonrpc: '2.0', id: 0, method: 'initialize',
                           params: { protocolVersion: '2025-11-25', capabilities: {},
                                     clientInfo: { name: 'ro', version: '1' } } }, {}, ro.url);
    const h = { 'Mcp-Session-Id': r.headers.get('mcp-session-id') };
    const tools = (await (await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, h, ro.url)).json()).result.tools;
    assert.ok(tools.length > 0);
    assert.ok(tools.every((t) => t.annotations.readOnlyHint === true), tools.map((t) => t.name).join());
    assert.ok(!tools.some((t) => t.name === 'db_restore_full'));
  } finally {
    await ro.stop();
  }
});
