/**
 * Graceful shutdown (Nest's shutdown hooks, on SIGTERM/SIGINT): stop taking jobs, let the running cycle finish its
 * batch within the timeout — or abandon it; its run stops heartbeating and the next process takes it over, and
 * write-ahead intents make the replay safe — then close the connectors and the ledger.
 */
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { EngineCore } from './engine-core.js';

@Injectable()
export class EngineLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(EngineCore) private readonly core: EngineCore) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const { logger, timing } = this.core;
    const started = Date.now();
    logger.info({ signal }, 'engine stopping');
    await this.core.drain.stop(timing.shutdownTimeoutMs);
    await this.core.queue.stop(Math.max(0, timing.shutdownTimeoutMs - (Date.now() - started))).catch((error: unknown) => logger.warn({ err: error }, 'job queue stop failed'));
    const left = Math.max(0, timing.shutdownTimeoutMs - (Date.now() - started));
    if (!(await this.core.runner.idle(left))) {
      logger.warn({}, 'a cycle is still running at shutdown; abandoned, another process takes it over');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const connectors = Object.values(this.core.connectors());
    await Promise.allSettled(connectors.map((c) => c.close?.()));
    await this.core.ledger.close();
    this.core.logger.info({}, 'engine stopped');
  }
}
