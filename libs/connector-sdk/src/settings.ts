/**
 * Typed readers for a connection's `settings` in tandem.yaml (secrets already interpolated). Every connector reads its
 * settings through one SettingsReader, so a bad value fails the same way everywhere: a ConnectorConfigError whose
 * message names the connection and the key and says what was expected, never the value (settings hold tokens).
 * An absent key and an explicit null (`key:` left empty in YAML) both read as "not set".
 */
import { ConnectorConfigError } from './errors.js';

export type Settings = Readonly<Record<string, unknown>>;

export interface IntegerBounds {
  /** Default 1. */
  min?: number;
  /** Default: no upper bound. */
  max?: number;
}

export class SettingsReader {
  /**
   * @param app the connector type, as it appears in messages (`hubspot setting token is required`)
   * @param connection the connection's name in tandem.yaml
   */
  constructor(
    readonly app: string,
    readonly connection: string,
    private readonly settings: Settings,
  ) {}

  /** The error for `key`; `why` says what was expected and must not quote the value. */
  invalid(key: string, why: string): ConnectorConfigError {
    return new ConnectorConfigError(this.connection, key, `connection ${this.connection}: ${this.app} setting ${key} ${why}`);
  }

  /** Whether the key is set at all (null counts as unset). */
  has(key: string): boolean {
    const value = this.settings[key];
    return value !== undefined && value !== null;
  }

  /** A non-empty string, trimmed. */
  text(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.settings[key];
    if (typeof value !== 'string' || value.trim() === '') throw this.invalid(key, 'must be a non-empty string');
    return value.trim();
  }

  requiredText(key: string): string {
    const value = this.text(key);
    if (value === undefined) throw this.invalid(key, 'is required');
    return value;
  }

  /** An integer within the bounds (from 1 up, unbounded, when none are given). */
  integer(key: string, bounds: IntegerBounds = {}): number | undefined {
    if (!this.has(key)) return undefined;
    const { min = 1, max = Number.MAX_SAFE_INTEGER } = bounds;
    const value = this.settings[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      throw this.invalid(key, `must be an integer ${range}`);
    }
    return value;
  }

  flag(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.settings[key];
    if (typeof value !== 'boolean') throw this.invalid(key, 'must be true or false');
    return value;
  }

  /** A part of a whole, in (0, 1] (e.g. the share of an API quota one connection may use). */
  fraction(key: string): number | undefined {
    if (!this.has(key)) return undefined;
    const value = this.settings[key];
    if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw this.invalid(key, 'must be in (0, 1]');
    return value;
  }

  /** One of a fixed list of strings. */
  oneOf<T extends string>(key: string, options: readonly T[]): T | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    if (!(options as readonly string[]).includes(value)) throw this.invalid(key, `must be one of ${options.join(', ')}`);
    return value as T;
  }

  /** A list of non-empty strings. */
  textList(key: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.settings[key];
    if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.trim() !== '')) {
      throw this.invalid(key, 'must be a list of non-empty strings');
    }
    return value.map((s: string) => s.trim());
  }

  /**
   * Webhook signing secrets: `webhookSecret`, plus `webhookSecrets` (the old and the new one during a rotation),
   * without repeats. Empty when webhooks are not configured.
   */
  webhookSecrets(): string[] {
    const one = this.text('webhookSecret');
    return [...new Set([...(one === undefined ? [] : [one]), ...(this.textList('webhookSecrets') ?? [])])];
  }
}

/** A reader over one connection's settings. */
export function readSettings(app: string, connection: string, settings: Settings): SettingsReader {
  return new SettingsReader(app, connection, settings);
}
