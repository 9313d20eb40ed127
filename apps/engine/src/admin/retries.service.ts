import { Inject, Injectable } from '@nestjs/common';
import type { RetryRow } from '@tandem/ledger';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { AdminError } from './admin-errors.js';
import type { ReplayDto, RetriesQuery } from './dto/admin.dto.js';
import { requireSpec } from './engine-access.js';
import { pageWindow, toPage, type Page } from './pagination.js';

/** A retry as the API shows it: the payload (raw values being written) stays in the ledger. */
export type RetryView = Omit<RetryRow, 'payload'> & { payloadFields: string[] };

@Injectable()
export class RetriesService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  async list(query: RetriesQuery): Promise<Page<RetryView>> {
    const window = pageWindow(query);
    const rows = await this.engine.ledger.retries.list({
      sync: query.sync,
      dead: query.dead,
      limit: window.limit + 1,
      offset: window.offset,
    });
    const page = toPage(rows, window);
    return {
      items: page.items.map(({ payload, ...rest }) => ({ ...rest, payloadFields: Object.keys(payload) })),
      next: page.next,
    };
  }

  /** Brings dead retries back: one by id, or every dead retry of a sync. */
  async replay(body: ReplayDto): Promise<{ replayed: number }> {
    if ((body.id === undefined) === (body.sync === undefined))
      throw new AdminError('ADMIN_BAD_REQUEST', 'give id or sync, exactly one');
    if (body.sync !== undefined) {
      requireSpec(this.engine, body.sync);
      return { replayed: await this.engine.ledger.retries.replay({ sync: body.sync }) };
    }
    const id = body.id as string;
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.engine.ledger.retries.get(id) : null;
    if (!row) throw new AdminError('ADMIN_NOT_FOUND', `retry ${id} does not exist`, { retry: id });
    if (!row.dead)
      throw new AdminError('ADMIN_CONFLICT', `retry ${id} is not dead; it is already due again`, { retry: id });
    return { replayed: await this.engine.ledger.retries.replay({ id }) };
  }
}
