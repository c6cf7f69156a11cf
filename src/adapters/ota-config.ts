/**
 * `/ota-config.json`: what `ota-handset serve` tells the app about its surroundings, the
 * reference DM server (push channel) and the same-origin proxy for DM servers without CORS.
 * A missing or unreadable file is normal (`npm run dev`, static hosting): no proxy, no push.
 */
import { createFetchTransport } from './fetch-transport.ts';
import type { HttpTransport } from '../core/ports.ts';

export interface OtaConfig {
  /** Base URL of the reference DM server (its push channel), when serve started one. */
  dmServer?: string;
  /** Same-origin proxy prefix; the target URL is appended URL-encoded. */
  proxy?: string;
}

export interface OtaConfigLoad {
  config: OtaConfig;
  /** Why there is no configuration, in words, when the file could not be used. */
  problem?: string;
}

export const OTA_CONFIG_PATH = '/ota-config.json';

/** Reads the configuration; never throws. Unknown or mistyped fields are ignored. */
export async function loadOtaConfig(doFetch: typeof fetch = fetch): Promise<OtaConfigLoad> {
  let res: Response;
  try {
    res = await doFetch(OTA_CONFIG_PATH, { cache: 'no-store' });
  } catch (error) {
    return { config: {}, problem: `${OTA_CONFIG_PATH} could not be fetched: ${(error as Error).message}` };
  }
  if (!res.ok) return { config: {}, problem: `${OTA_CONFIG_PATH} is not served (HTTP ${res.status})` };
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return { config: {}, problem: `${OTA_CONFIG_PATH} is not JSON` };
  }
  const config: OtaConfig = {};
  if (json && typeof json === 'object') {
    const { dmServer, proxy } = json as Record<string, unknown>;
    if (typeof dmServer === 'string' && /^https?:\/\//.test(dmServer))
      config.dmServer = dmServer.replace(/\/+$/, '');
    if (typeof proxy === 'string' && proxy !== '') config.proxy = proxy;
  }
  return { config };
}

/**
 * True when `url` needs the proxy from a page at `pageOrigin`: another origin, and a proxy
 * exists. Same-origin targets and a missing proxy go direct (decision 0091).
 */
export function useProxyFor(url: string, pageOrigin: string, config: OtaConfig): boolean {
  if (config.proxy === undefined) return false;
  try {
    return new URL(url, pageOrigin).origin !== pageOrigin;
  } catch {
    return false;
  }
}

/**
 * An HTTP transport that picks, per message, the proxy or a direct POST (a server's RespURI
 * may move the session to another origin mid-way).
 */
export function routingTransport(
  pageOrigin: string,
  config: OtaConfig,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): HttpTransport {
  const direct = createFetchTransport(options);
  const proxied =
    config.proxy === undefined ? direct : createFetchTransport({ ...options, proxy: config.proxy });
  return {
    post: (url, body, headers) =>
      (useProxyFor(url, pageOrigin, config) ? proxied : direct).post(url, body, headers),
  };
}
