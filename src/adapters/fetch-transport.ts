/**
 * HttpTransport over `fetch` (browsers and Node 20+). One POST per SyncML message; the
 * exact bytes are sent and received (HMAC is computed over them, oma-dm.md §16).
 *
 * Browsers cannot reach DM servers on other origins (no CORS headers, and
 * `application/vnd.syncml.dm+xml` and `x-syncml-hmac` trigger a preflight), so the transport
 * can go through a same-origin proxy: with `proxy: '/proxy?target='` a message for
 * `http://dm.example.net/dm` is POSTed to `/proxy?target=http%3A%2F%2Fdm.example.net%2Fdm`.
 */
import { TransportError, type HttpHeaders, type HttpResponse, type HttpTransport } from '../core/ports.ts';

export interface FetchTransportOptions {
  /** Milliseconds before a POST is abandoned as a timeout. Default 30000. */
  timeoutMs?: number;
  /** Same-origin proxy prefix; the target URL is appended URL-encoded. */
  proxy?: string;
  /** Extra headers on every request (e.g. user-agent in Node). */
  headers?: HttpHeaders;
  /** The fetch to use (tests, Node polyfills). Default the global fetch. */
  fetch?: typeof fetch;
}

function proxiedUrl(url: string, proxy: string | undefined): string {
  return proxy === undefined || proxy === '' ? url : `${proxy}${encodeURIComponent(url)}`;
}

export function createFetchTransport(options: FetchTransportOptions = {}): HttpTransport {
  const timeoutMs = options.timeoutMs ?? 30000;
  const doFetch = options.fetch ?? fetch;
  return {
    async post(url: string, body: Uint8Array, headers: HttpHeaders): Promise<HttpResponse> {
      const target = proxiedUrl(url, options.proxy);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        let res: Response;
        try {
          res = await doFetch(target, {
            method: 'POST',
            body: body as BodyInit,
            headers: { ...options.headers, ...headers },
            signal: controller.signal,
            cache: 'no-store',
            redirect: 'follow',
          });
        } catch (error) {
          if (timedOut)
            throw new TransportError('timeout', `no answer within ${timeoutMs} ms`, { url, timeoutMs });
          throw new TransportError('network', (error as Error).message || 'network error', {
            url,
            cause: String((error as Error).cause ?? error),
          });
        }
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await res.arrayBuffer());
        } catch (error) {
          if (timedOut)
            throw new TransportError('timeout', `no complete answer within ${timeoutMs} ms`, {
              url,
              timeoutMs,
            });
          throw new TransportError(
            'network',
            `the connection dropped while reading the reply: ${(error as Error).message}`,
            { url },
          );
        }
        const out: HttpHeaders = {};
        res.headers.forEach((value, name) => {
          out[name.toLowerCase()] = value;
        });
        if (res.status < 200 || res.status > 299) {
          throw new TransportError('http-status', `HTTP ${res.status} ${res.statusText}`.trim(), {
            url,
            httpStatus: res.status,
            contentType: out['content-type'] ?? '',
          });
        }
        return { status: res.status, headers: out, body: bytes };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
