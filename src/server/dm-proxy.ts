/**
 * The same-origin proxy of `ota-handset serve`: `POST /proxy?target=<url-encoded URL>`.
 * Real DM servers send no CORS headers, so the browser app posts its SyncML messages here and
 * this forwards them (decision 0091). Only the SyncML headers travel, both ways; the body is
 * bounded and the upstream call has a timeout. Failures are a 502 with a plain-text reason,
 * also in the status line so the handset's trace can show it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const PROXY_PATH = '/proxy';
export const DEFAULT_PROXY_MAX_BODY = 1024 * 1024;
export const DEFAULT_PROXY_TIMEOUT_MS = 30_000;

/** Request headers passed to the DM server. */
const FORWARDED_REQUEST = ['content-type', 'accept', 'accept-charset', 'x-syncml-hmac', 'authorization'];
/** Reply headers passed back to the app (HMAC replies carry their MAC in x-syncml-hmac). */
const FORWARDED_REPLY = ['content-type', 'x-syncml-hmac'];

export interface DmProxyOptions {
  /**
   * Allowed target origins (`http://dm.example.net:8080`); undefined allows any http(s) URL. A
   * function is asked per request (the reference DM server's URL is known only once it listens).
   */
  allowOrigins?: readonly string[] | (() => readonly string[]);
  /** Where the allow list comes from, for the refusal text (default: `--proxy-allow`). */
  allowSource?: string;
  maxBody?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Turns `--proxy-allow a,b` into origins; throws on something that is not an http(s) origin. */
export function parseAllowList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new Error(`"${s}" is not a URL origin like http://dm.example.net:8080`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`"${s}" is not an http(s) origin`);
      return url.origin;
    });
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach a server listening there. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

export const NETWORK_DEFAULT_SOURCE =
  'serving on a network address without --proxy-allow, only the reference DM server is reachable';

/**
 * What `/proxy` may reach for `ota-handset serve` (decision 0156): the `--proxy-allow` list when
 * given; any http(s) URL when the app listens on a loopback address (only this machine can post
 * to it); otherwise only the reference DM server's own origin (nothing with --no-dm), so serving
 * on a network address does not turn /proxy into an open relay for everyone on that network.
 */
export function proxyPolicy(
  host: string,
  allowList: readonly string[] | undefined,
  dmServer: () => string | undefined,
): Pick<DmProxyOptions, 'allowOrigins' | 'allowSource'> {
  if (allowList !== undefined) return { allowOrigins: allowList };
  if (isLoopbackHost(host)) return {};
  return {
    allowOrigins: () => {
      const url = dmServer();
      return url === undefined ? [] : [new URL(url).origin];
    },
    allowSource: NETWORK_DEFAULT_SOURCE,
  };
}

class ProxyFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function fail(res: ServerResponse, status: number, reason: string): void {
  // The reason also goes in the status line (latin-1, one line) where fetch shows it as statusText.
  const line = reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  res.writeHead(status, line, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${reason}\n`);
}

async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max)
    throw new ProxyFailure(413, `the message is larger than the proxy's limit of ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max)
      throw new ProxyFailure(413, `the message is larger than the proxy's limit of ${max} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function targetOf(
  req: IncomingMessage,
  allowOption: DmProxyOptions['allowOrigins'],
  allowSource: string | undefined,
): URL {
  const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('target');
  if (raw === null || raw === '')
    throw new ProxyFailure(400, 'proxy: no ?target=<url-encoded DM server URL>');
  let target: URL;
  try {
    target = new URL(raw);
  } catch {
    throw new ProxyFailure(400, `proxy: "${raw}" is not a URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new ProxyFailure(
      400,
      `proxy: only http and https DM servers can be reached, not ${target.protocol}`,
    );
  const allow = typeof allowOption === 'function' ? allowOption() : allowOption;
  if (allow !== undefined && !allow.includes(target.origin))
    throw new ProxyFailure(
      403,
      allowSource === undefined
        ? `proxy: ${target.origin} is not in the allowed origins (--proxy-allow ${allow.join(',') || '(none)'})`
        : `proxy: ${target.origin} is not allowed (${allowSource}: ${allow.join(', ') || 'none'})`,
    );
  return target;
}

/**
 * Handles `/proxy` requests; returns false for other paths so the caller serves them.
 */
export function createDmProxy(options: DmProxyOptions = {}) {
  const maxBody = options.maxBody ?? DEFAULT_PROXY_MAX_BODY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROXY_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  return async function proxy(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== PROXY_PATH) return false;
    try {
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
        res.end('proxy: POST a SyncML message\n');
        return true;
      }
      const target = targetOf(req, options.allowOrigins, options.allowSource);
      const body = await readBody(req, maxBody);
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_REQUEST) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      let reply: Response;
      let replyBody: Uint8Array;
      try {
        reply = await doFetch(target, {
          method: 'POST',
          headers,
          body: body as BodyInit,
          signal: controller.signal,
          redirect: 'follow',
        });
        replyBody = new Uint8Array(await reply.arrayBuffer());
        if (replyBody.length > maxBody)
          throw new ProxyFailure(
            502,
            `proxy: the reply from ${target.origin} is larger than ${maxBody} bytes`,
          );
      } catch (error) {
        if (error instanceof ProxyFailure) throw error;
        if (controller.signal.aborted)
          throw new ProxyFailure(502, `proxy: ${target.origin} did not answer within ${timeoutMs} ms`);
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
        throw new ProxyFailure(
          502,
          `proxy: ${target.origin} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`,
        );
      } finally {
        clearTimeout(timer);
      }
      const out: Record<string, string> = { 'cache-control': 'no-store' };
      for (const name of FORWARDED_REPLY) {
        const value = reply.headers.get(name);
        if (value !== null) out[name] = value;
      }
      out['content-length'] = String(replyBody.length);
      res.writeHead(reply.status, out);
      res.end(replyBody);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof ProxyFailure) fail(res, error.status, error.message);
      else fail(res, 502, `proxy: ${(error as Error).message}`);
    }
    return true;
  };
}
