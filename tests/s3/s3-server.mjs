// A local S3 service for tests and benchmarks: npm's s3rver, behind a proxy that does what s3rver
// does not and real S3 does: it verifies every request's AWS Signature V4 (and the payload's
// SHA-256) and refuses unsigned or wrongly signed ones with S3's own error codes. The proxy also
// counts what it serves (bytes read per object, operations) and injects faults on request:
// connections dropped mid-upload and mid-download, 503 SlowDown, failing parts.
//
//   import { startS3 } from './s3-server.mjs';
//   const s3 = await startS3({ buckets: ['pgark-test'] });  // s3.endpoint, s3.env
//   s3.faults.dropUploads = 2; ... s3.stats ... await s3.close();
//
// Standalone (bench/): node s3-server.mjs [--port N] [--bucket NAME]... prints one JSON line
// {"endpoint": ..., "accessKey": ..., "secretKey": ...} and serves until killed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

const REGION = 'us-east-1';
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

function s3Error(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
          `<Message>${message}</Message></Error>`);
}

// RFC 3986 encoding as SigV4 wants it.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g,
  (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function canonicalQuery(raw) {
  if (!raw) return '';
  return raw.split('&').filter((p) => p.length > 0).map((p) => {
    const i = p.indexOf('=');
    const k = decodeURIComponent(i < 0 ? p : p.slice(0, i));
    const v = decodeURIComponent(i < 0 ? '' : p.slice(i + 1));
    return [encode(k), encode(v)];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

// null when the request is signed correctly, else [status, code, message].
export function checkSignature(req, body, credentials) {
  const auth = req.headers.authorization;
  if (!auth) return [403, 'AccessDenied', 'Anonymous access is forbidden'];
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [400, 'AuthorizationHeaderMalformed', 'Malformed Authorization header'];
  const [, accessKey, date, region, signedHeaders, signature] = m;
  if (accessKey !== credentials.accessKey) {
    return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id does not exist in our records'];
  }
  const amzDate = req.headers['x-amz-date'] || '';
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
                                          '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(date) || !(Math.abs(Date.now() - when) < 15 * 60 * 1000)) {
    return [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large'];
  }
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!names.includes(required)) return [403, 'SignatureDoesNotMatch', `${required} is not signed`];
  }
  const payload = req.headers['x-amz-content-sha256'];
  if (payload !== 'UNSIGNED-PAYLOAD' && payload !== sha256(body)) {
    return [400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 does not match'];
  }
  if (credentials.sessionToken && req.headers['x-amz-security-token'] !== credentials.sessionToken) {
    return [403, 'InvalidToken', 'The provided token is malformed or otherwise invalid'];
  }
  const [rawPath, rawQuery] = req.url.split(/\?(.*)/s);
  const headers = names.map((n) => {
    const v = req.headers[n];
    if (v === undefined) return null;
    return `${n}:${String(v).trim().replace(/\s+/g, ' ')}\n`;
  });
  if (headers.includes(null)) return [403, 'SignatureDoesNotMatch', 'a signed header is missing'];
  const canonical = [req.method, rawPath, canonicalQuery(rawQuery), headers.join(''),
                     signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${credentials.secretKey}`, date);
  for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, toSign).toString('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided'];
  }
  return null;
}

function operation(req) {
  const q = new URL(req.url, 'http://x').searchParams;
  const keyed = req.url.split('?')[0].split('/').filter(Boolean).length > 1;
  if (req.method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (req.method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (req.method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (req.method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (req.method === 'GET' && !keyed) return 'ListObjects';
  return `${req.method}Object`;
}

function newStats() {
  return { requests: 0, refused: 0, operations: {}, bytesServed: {}, faultsInjected: 0 };
}

export async function startS3({ buckets = ['pgark-test'], port = 0, credentials } = {}) {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    throw new Error('s3rver encrypts continuation tokens with DES: run node with ' +
                    '--openssl-legacy-provider (NODE_OPTIONS)');
  }
  const creds = credentials || {
    accessKey: 'PGARKTESTKEY0000', secretKey: crypto.randomBytes(20).toString('hex'),
  };
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const backend = new S3rver({
    port: 0, address: '127.0.0.1', silent: true, directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port: backendPort } = await backend.run();
  const faults = { dropUploads: 0, dropDownloads: 0, slowDown: 0, failParts: false };
  const state = { stats: newStats() };

  const server = http.createServer((req, res) => {
    if (req.url === '/__pgark_test/stats') {  // for bench/: what was served, then reset
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(state.stats));
      state.stats = newStats();
      return;
    }
    const chunks = [];
    let received = 0;
    const op = operation(req);
    req.on('data', (c) => {
      received += c.length;
      chunks.push(c);
      const expected = Number(req.headers['content-length'] || 0);
      if (op === 'UploadPart' && faults.dropUploads > 0 && received > expected / 2) {
        faults.dropUploads--;
        state.stats.faultsInjected++;
        req.socket.destroy();  // the connection dies mid-upload
      }
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks), op));
  });

  function handle(req, res, body, op) {
    const stats = state.stats;
    stats.requests++;
    const refusal = checkSignature(req, body, creds);
    if (refusal) {
      stats.refused++;
      return s3Error(res, ...refusal);
    }
    stats.operations[op] = (stats.operations[op] || 0) + 1;
    if (faults.slowDown > 0) {
      faults.slowDown--;
      stats.faultsInjected++;
      return s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.');
    }
    if (op === 'UploadPart' && faults.failParts) {
      stats.faultsInjected++;
      return s3Error(res, 500, 'InternalError', 'We encountered an internal error.');
    }
    const headers = { ...req.headers, host: `127.0.0.1:${backendPort}` };
    delete headers.authorization;  // s3rver takes anonymous requests; the proxy checked this one
    headers['content-length'] = String(body.length);
    const upstream = http.request({ host: '127.0.0.1', port: backendPort, method: req.method,
                                    path: req.url, headers }, (up) => relay(req, res, up, op));
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  function relay(req, res, up, op) {
    const key = decodeURIComponent(req.url.split('?')[0]);
    const drop = op === 'GETObject' && up.statusCode === 206 && faults.dropDownloads > 0;
    if (drop) faults.dropDownloads--;
    res.writeHead(up.statusCode, up.headers);
    let sent = 0;
    const total = Number(up.headers['content-length'] || 0);
    up.on('data', (c) => {
      if (op === 'GETObject') {
        state.stats.bytesServed[key] = (state.stats.bytesServed[key] || 0) + c.length;
      }
      if (drop && sent + c.length > total / 2) {
        state.stats.faultsInjected++;
        res.write(c.subarray(0, Math.max(0, Math.floor(total / 2) - sent)));
        res.socket.destroy();  // the connection dies mid-download
        up.destroy();
        return;
      }
      sent += c.length;
      res.write(c);
    });
    up.on('end', () => res.end());
  }

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  return {
    endpoint,
    credentials: creds,
    directory,
    faults,
    get stats() { return state.stats; },
    resetStats() { state.stats = newStats(); },
    env: {
      AWS_ACCESS_KEY_ID: creds.accessKey,
      AWS_SECRET_ACCESS_KEY: creds.secretKey,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: endpoint,
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await backend.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const buckets = [];
  let port = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--bucket') buckets.push(args[++i]);
  }
  const s3 = await startS3({ buckets: buckets.length ? buckets : undefined, port });
  process.stdout.write(JSON.stringify({ endpoint: s3.endpoint, accessKey: s3.credentials.accessKey,
                                        secretKey: s3.credentials.secretKey }) + '\n');
  const stop = async () => { await s3.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
