/**
 * What a command needs from the outside world, passed in so tests can run commands in-process and read
 * what they printed and the exit code they chose.
 */
export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Set by a command; runCli returns it. 0 ok, 1 unexpected failure, 2 user error (bad config, bad usage). */
  exitCode: number;
  /** Where live progress bars go when it is a terminal (`sync --once`); without it progress is printed as plain lines. */
  progressStream?: NodeJS.WriteStream;
}

export const EXIT = { ok: 0, unexpected: 1, user: 2 } as const;

/** A context writing to the real process streams. */
export function processContext(): CliContext {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    exitCode: EXIT.ok,
    progressStream: process.stderr,
  };
}
