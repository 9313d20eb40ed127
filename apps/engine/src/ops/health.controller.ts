/**
 * `/health`: the process answers and its database does. `/ready`: also every migration is applied, so a load balancer
 * sends no traffic to a process whose schema is behind (Terminus answers 503 when an indicator is down).
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { EngineCore } from '../core/engine-core.js';

const CHECK_TIMEOUT_MS = 3000;

@Controller()
export class HealthController {
  constructor(
    @Inject(EngineCore) private readonly core: EngineCore,
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database()]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database(), () => this.migrations()]);
  }

  private async database() {
    const session = this.indicators.check('database');
    try {
      await withTimeout(this.core.ledger.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS);
      return session.up({ kind: this.core.ledger.kind });
    } catch {
      return session.down({ kind: this.core.ledger.kind, message: 'database unreachable' });
    }
  }

  private async migrations() {
    const session = this.indicators.check('migrations');
    try {
      const pending = await withTimeout(this.core.ledger.dataSource.showMigrations(), CHECK_TIMEOUT_MS);
      return pending ? session.down({ message: 'migrations pending' }) : session.up();
    } catch {
      return session.down({ message: 'migrations cannot be checked' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
