// The client side of bench/mcp_http.sh: N sessions over plain fetch, each doing ROUNDS mixed
// read-only calls, while four sessions run a full backup each. Prints a Markdown table.
const [url, sessionsArg, roundsArg] = process.argv.slice(2);
const sessions = Number(sessionsArg);
const rounds = Number(roundsArg);
const auth = { Authorization: `Bearer ${process.env.PGARK_MCP_TOKEN}`,
               'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

async function post(body, headers = {}) {
  const r = await fetch(url, { method: 'POST', headers: { ...auth, ...headers }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`HTTP ${r.status}`);
  return r;
}

async function open() {
  const r = await post({ jsonrpc: '2.0', id: 0, method: 'initialize',
                         params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  await r.text();
  const h = { 'Mcp-Session-Id': r.headers.get('mcp-session-id'), 'MCP-Protocol-Version': '2025-11-25' };
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h)).text();
  return h;
}

// One tools/call; resolves to its reply (read from the SSE stream to its end).
async function call(h, id, name, args) {
  const r = await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, h);
  const text = await r.text();
  const lines = text.split('\n').filter((l) => l.startsWith('data: ') && l.length > 6);
  const reply = JSON.parse(lines.length ? lines.at(-1).slice(6) : text);
  if (reply.error || reply.result?.isError) throw new Error(JSON.stringify(reply).slice(0, 200));
  return reply.result.structuredContent;
}

const latencies = {};
let errors = 0;
async function timed(h, id, name, args) {
  const t0 = performance.now();
  try {
    const result = await call(h, id, name, args);
    (latencies[name] ??= []).push(performance.now() - t0);
    return result;
  } catch (e) {
    errors++;
    return null;
  }
}

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p / 100 * xs.length))];

const headers = await Promise.all(Array.from({ length: sessions }, open));
const files = (await call(headers[0], 1, 'db_list_backups', {})).backups.map((b) => b.filename);
const t0 = performance.now();
let backupsRunning = 4;
const backups = headers.slice(0, 4).map((h, i) =>
  timed(h, 1000 + i, 'db_backup_full', {}).finally(() => { backupsRunning--; }));
const duringBackups = [];
const readers = headers.slice(4).map(async (h, s) => {
  for (let i = 0; i < rounds; i++) {
    const kind = ['db_list_backups', 'db_validate_backup', 'db_describe_backup'][(s + i) % 3];
    const args = kind === 'db_list_backups' ? {} : { backupFile: files[i % files.length] };
    const start = performance.now();
    await timed(h, i + 2, kind, args);
    if (kind === 'db_list_backups' && backupsRunning > 0) duringBackups.push(performance.now() - start);
  }
});
await Promise.all([...backups, ...readers]);
const wall = (performance.now() - t0) / 1000;

console.log(`\n${sessions} sessions, ${rounds} rounds each, 4 concurrent full backups; ${wall.toFixed(1)} s wall, ${errors} errors\n`);
console.log('| tool | calls | p50 ms | p99 ms | max ms |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, xs] of Object.entries(latencies)) {
  console.log(`| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
}
if (duringBackups.length) {
  console.log(`| db_list_backups while backups ran | ${duringBackups.length} | ${pct(duringBackups, 50).toFixed(1)} | ${pct(duringBackups, 99).toFixed(1)} | ${Math.max(...duringBackups).toFixed(1)} |`);
}
await Promise.all(headers.map((h) => fetch(url, { method: 'DELETE', headers: { ...auth, ...h } })));
