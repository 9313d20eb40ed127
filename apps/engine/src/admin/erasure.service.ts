import { Inject, Injectable } from '@nestjs/common';
import type { TombstoneRow } from '@tandem/ledger';
import { eraseByEmail, type ErasureReport } from '@tandem/runtime';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { AdminError } from './admin-errors.js';
import { allSpecs, requireSpec } from './engine-access.js';
import { slicePage, type Page, type PageWindow } from './pagination.js';

@Injectable()
export class ErasureService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  /** Erases the person in every sync that matches by email; the report says per app what was done. */
  erase(email: string): Promise<ErasureReport> {
    const { ledger, logger } = this.engine;
    return eraseByEmail({ ledger, logger, connectors: this.engine.connectors() }, allSpecs(this.engine), email);
  }

  /** Live tombstones (deletes and erasures) of one sync or all; erasures carry only a keyed hash. */
  async tombstones(sync: string | undefined, window: PageWindow): Promise<Page<TombstoneRow>> {
    const specs = sync ? [requireSpec(this.engine, sync)] : allSpecs(this.engine);
    const rows = (await Promise.all(specs.map((s) => this.engine.ledger.tombstones.list(s.name)))).flat();
    return slicePage(rows, window);
  }

  /** The person opted back in: the suppression no longer applies (the row stays, with its lift time). */
  async lift(id: string): Promise<{ lifted: string }> {
    if (!(await this.engine.ledger.tombstones.lift(id))) {
      throw new AdminError('ADMIN_NOT_FOUND', `no live tombstone ${id}`, { tombstone: id });
    }
    return { lifted: id };
  }
}
