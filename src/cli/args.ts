/**
 * Option values the CLI verbs share, checked the same way everywhere: a bad one is a usage
 * error (exit 2) that names the option.
 */
import { UsageError } from './io.ts';

/** A TCP port 0-65535 (0 picks a free one); `fallback` when the option is absent or empty. */
export function parsePort(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${name} must be a port number 0-65535, got "${text}"`);
  return port;
}

/** The reference DM server's URL (`--server`), returned as given once it parses as a URL. */
export function parseServerUrl(text: string): string {
  try {
    new URL(text);
  } catch {
    throw new UsageError(`--server: "${text}" is not a URL`);
  }
  return text;
}
