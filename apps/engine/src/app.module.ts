/** The engine's Nest application: core (global), scheduler, health, metrics, webhooks and the admin API. */
import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { AdminModule } from './admin/admin.module.js';
import { CoreModule } from './core/core.module.js';
import type { EngineCore } from './core/engine-core.js';
import { HealthController } from './ops/health.controller.js';
import { MetricsController } from './ops/metrics.controller.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

@Module({})
export class AppModule {
  static forRoot(core: EngineCore, adminToken: string): DynamicModule {
    return {
      module: AppModule,
      imports: [ScheduleModule.forRoot(), TerminusModule.forRoot({ logger: false }), CoreModule.forRoot(core, adminToken), AdminModule],
      controllers: [WebhooksController, HealthController, MetricsController],
    };
  }
}
