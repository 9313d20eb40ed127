/**
 * Every error Tandem raises on purpose is a TandemError with a stable code. Messages carry record ids,
 * field paths and app names, never raw personal data (emails, phones, names).
 */
export class TandemError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tandem.yaml that cannot be loaded or is invalid. `issues` holds every problem found, not only the first. */
export class ConfigError extends TandemError {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super('TANDEM_CONFIG_INVALID', message, { count: issues.length });
  }
}

/** One problem in a config file, located by file, line, column and dotted path. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** A raw app value that its transform or value map cannot turn into a canonical value. */
export class MappingError extends TandemError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('TANDEM_MAPPING_FAILED', message, details);
  }
}
