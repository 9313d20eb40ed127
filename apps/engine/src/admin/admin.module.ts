import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { ConflictsController } from './conflicts.controller.js';
import { ConflictsService } from './conflicts.service.js';
import { ErasureController } from './erasure.controller.js';
import { ErasureService } from './erasure.service.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';
import { RetriesController } from './retries.controller.js';
import { RetriesService } from './retries.service.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';
import { SyncsController } from './syncs.controller.js';
import { SyncsService } from './syncs.service.js';
import { UndoService } from './undo.service.js';

const CONTROLLERS = [
  SyncsController,
  RunsController,
  RecordsController,
  ConflictsController,
  RetriesController,
  ErasureController,
];
const SERVICES = [
  AdminAuthGuard,
  SyncsService,
  RunsService,
  UndoService,
  RecordsService,
  ConflictsService,
  RetriesService,
  ErasureService,
];

export interface AdminModuleOptions {
  /** Modules exporting ENGINE_STATE and ADMIN_TOKEN (the engine core's). */
  imports?: ModuleMetadata['imports'];
  /** Or the two providers themselves (tests). */
  providers?: Provider[];
}

/**
 * The admin API under /admin. Needs ENGINE_STATE (contracts.ts) and ADMIN_TOKEN: either global providers (then
 * import AdminModule as is) or given through `AdminModule.register({ imports })` / `register({ providers })`.
 */
@Module({ controllers: CONTROLLERS, providers: SERVICES })
export class AdminModule {
  static register(options: AdminModuleOptions = {}): DynamicModule {
    return {
      module: AdminModule,
      imports: options.imports ?? [],
      providers: [...(options.providers ?? [])],
    };
  }
}
