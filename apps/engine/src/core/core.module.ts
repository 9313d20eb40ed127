/**
 * The engine's core as a global Nest module: ENGINE_STATE (the admin module's view, contracts.ts), ADMIN_TOKEN,
 * EngineCore itself, the scheduler, and the shutdown sequence.
 */
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ADMIN_TOKEN } from '../admin/admin-token.js';
import { ENGINE_STATE } from '../contracts.js';
import { SchedulerService } from '../schedule/scheduler.service.js';
import { EngineCore } from './engine-core.js';
import { EngineLifecycle } from './engine-lifecycle.js';

@Global()
@Module({})
export class CoreModule {
  static forRoot(core: EngineCore, adminToken: string): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: EngineCore, useValue: core },
        { provide: ENGINE_STATE, useValue: core },
        { provide: ADMIN_TOKEN, useValue: adminToken },
        SchedulerService,
        EngineLifecycle,
      ],
      exports: [EngineCore, ENGINE_STATE, ADMIN_TOKEN],
    };
  }
}
