/**
 * The service's log: one JSON line per event with chosen fields only (never headers or bodies), and every
 * line passed through `redact`, so an API key, an OpenRouter key or a webhook secret that found its way into
 * an error message is masked before it is written. Log lines name a caller by its key's prefix at most.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

const SECRETS = [
  /\bhl_[A-Za-z0-9]{32}\b/g, // hitline API keys
  /\bsk-or-[A-Za-z0-9-]{8,}/g, // OpenRouter keys
  /\bwhsec_[A-Za-z0-9]{16,}/g, // webhook secrets
  /\b(Bearer\s+)[^\s"']+/gi,
  /\brediss?:\/\/[^\s/@]*:(?!\*\*\*@)[^\s/@]+@/gi, // a queue URL's password (unless already masked as ***)
];

export function redact(text: string): string {
  let out = text;
  for (const pattern of SECRETS) out = out.replace(pattern, (match, bearer?: string) => (typeof bearer === 'string' && /^Bearer/i.test(match) ? `${bearer}[redacted]` : '[redacted]'));
  return out;
}

/** A logger writing redacted JSON lines to a stream (stderr by default). */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stderr, now: () => Date = () => new Date()): Logger {
  return {
    log(level, message, fields = {}) {
      const line = JSON.stringify({ time: now().toISOString(), level, message, ...fields });
      stream.write(redact(line) + '\n');
    },
  };
}

export const silentLogger: Logger = { log() {} };
