/**
 * Structured JSON logs through pino. Log lines carry ids, codes and counts; a sanitiser still runs over every line
 * because a message may quote an app's error text, which can echo an email or a phone number.
 */
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactPii } from '@tandem/connector-sdk';
import type { RuntimeLogger } from '@tandem/runtime';

/** Keys whose values are personal data or raw payloads: never logged, whatever they hold. */
const SECRET_KEYS = new Set([
  'email', 'emails', 'phone', 'name', 'names', 'firstname', 'lastname', 'first_name', 'last_name', 'fields',
  'agreed', 'shadow', 'before', 'after', 'value', 'values', 'body', 'rawBody', 'headers', 'token', 'authorization',
]);

/** Ids are safe and look like digit runs to the phone pattern, so they are left as they are. */
function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('Id') || key.endsWith('Ids') || key === 'sync' || key === 'app';
}

/** A copy of `value` with personal data keys dropped and emails/phone-like runs masked in other strings. */
export function sanitize(value: unknown, key = '', depth = 0): unknown {
  if (SECRET_KEYS.has(key)) return '[redacted]';
  if (typeof value === 'string') return isIdKey(key) ? value : redactPii(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { type: value.name, message: redactPii(value.message), ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => sanitize(v, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, k, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a collecting stream. */
  destination?: DestinationStream;
}

/** The engine's root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'tandem-engine' },
      messageKey: 'msg',
      formatters: { log: (obj) => sanitize(obj) as Record<string, unknown> },
      hooks: {
        // The message itself may quote an app's words.
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactPii(a) : a));
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** The runtime's logger interface over pino. */
export function runtimeLogger(logger: Logger): RuntimeLogger {
  return {
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/** Routes Nest's own log calls into the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(sanitize(message)));
  }
}
