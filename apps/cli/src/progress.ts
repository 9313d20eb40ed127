/**
 * Live progress of `tandem sync --once`, fed by the cycle's onProgress: a bar per member app on a terminal, plain
 * lines (one per finished stage and app) otherwise, nothing with --json. Always on stderr, so stdout stays the report.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '@tandem/runtime';
import type { CliContext } from './context.js';

export interface ProgressView {
  /** A cycle of `sync` over these member apps starts. */
  begin(sync: string, apps: string[]): void;
  update(event: ProgressEvent): void;
  /** The cycle ended (also after an error). */
  end(): void;
}

const silent: ProgressView = { begin: () => undefined, update: () => undefined, end: () => undefined };

/** Bars on a terminal: one per member, its count against the stage's total when the runtime knows it. */
class BarsView implements ProgressView {
  private multibar: cliProgress.MultiBar | null = null;
  private bars = new Map<string, cliProgress.SingleBar>();
  private sync = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  begin(sync: string, apps: string[]): void {
    this.sync = sync;
    this.multibar = new cliProgress.MultiBar(
      {
        stream: this.stream,
        format: ' {sync} {app} |{bar}| {value}/{total} {stage}',
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...apps.map((a) => a.length));
    for (const app of apps) {
      this.bars.set(app, this.multibar.create(1, 0, { sync, app: app.padEnd(width), stage: 'waiting' }));
    }
  }

  update(event: ProgressEvent): void {
    const targets = event.app ? [this.bars.get(event.app)].filter((b) => b !== undefined) : [...this.bars.values()];
    for (const bar of targets) {
      if (event.app) {
        bar.setTotal(Math.max(event.total ?? event.done, event.done, 1));
        bar.update(event.done, { stage: event.stage, sync: this.sync });
      } else {
        bar.update({ stage: event.stage });
      }
    }
  }

  end(): void {
    this.multibar?.stop();
    this.multibar = null;
    this.bars.clear();
  }
}

/** Plain lines for logs and pipes: the last count of each (stage, app) once that stage moves on. */
class LinesView implements ProgressView {
  private sync = '';
  private last: ProgressEvent | null = null;

  constructor(private readonly ctx: CliContext) {}

  begin(sync: string): void {
    this.sync = sync;
    this.last = null;
  }

  update(event: ProgressEvent): void {
    if (this.last && (this.last.stage !== event.stage || this.last.app !== event.app)) this.flush();
    this.last = event;
    if (event.stage === 'done') this.flush();
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const event = this.last;
    this.last = null;
    if (!event || event.stage === 'done') return;
    const of = event.total !== undefined ? `/${event.total}` : '';
    this.ctx.stderr(`${this.sync}: ${event.stage}${event.app ? ` ${event.app}` : ''} ${event.done}${of}\n`);
  }
}

/** The progress view for this run: bars on a TTY, lines otherwise, none when `quiet` (--json). */
export function progressView(ctx: CliContext, quiet: boolean): ProgressView {
  if (quiet) return silent;
  const stream = ctx.progressStream;
  return stream?.isTTY ? new BarsView(stream) : new LinesView(ctx);
}
