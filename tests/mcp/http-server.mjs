// Starts `pgark mcp --http 127.0.0.1:0` for the HTTP tests and reads the URL it prints.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const TOKEN = randomBytes(24).toString('hex');

// `extra` are more arguments after `mcp`; `env` more variables. Resolves to { child, url, stop }.
export function startHttpServer(backupDir, { extra = [], env = {}, token = TOKEN } = {}) {
  const child = spawn(process.env.PGARK_BIN,
                      ['--db', process.env.PGARK_TEST_DB, '--backup-dir', backupDir, 'mcp',
                       '--http', '127.0.0.1:0', ...extra],
                      { stdio: ['ignore', 'pipe', 'pipe'],
                        env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/root',
                               ...(token ? { PGARK_MCP_TOKEN: token } : {}), ...env } });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c) => { stdout += c; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL on stderr: ' + stderr)), 10000);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /serving MCP on (http\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      const exited = new Promise((r) => child.on('exit', (code) => r(code)));
      resolve({
        child, url: m[1], stderr: () => stderr, stdout: () => stdout,
        async stop() { child.kill('SIGTERM'); return exited; },
      });
    });
  });
}
