import fc from 'fast-check';
import type { ChangeHint } from '@tandem/connector-sdk';
import { uniqueHints, uniqueRecords } from './webhook-hints.js';
import { providerEventId } from './webhook-intake.js';

const changed = (id: string, eventId?: string): ChangeHint => ({ kind: 'changed', object: 'contacts', id, ...(eventId ? { eventId } : {}) });

describe('webhook event identity', () => {
  it('gives a redelivered batch the same key whatever the order of its events', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 10 }), (ids) => {
        const hints = ids.map((id) => changed('1', id));
        const body = Buffer.from('ignored');
        expect(providerEventId([...hints].reverse(), body)).toBe(providerEventId(hints, body));
      }),
    );
  });

  it('tells apart two deliveries with different events', () => {
    const body = Buffer.from('same body');
    expect(providerEventId([changed('1', 'a')], body)).not.toBe(providerEventId([changed('1', 'b')], body));
  });

  it('falls back to the body when the provider sends no event id', () => {
    expect(providerEventId([changed('1')], Buffer.from('x=1'))).toBe(providerEventId([], Buffer.from('x=1')));
    expect(providerEventId([], Buffer.from('x=1'))).not.toBe(providerEventId([], Buffer.from('x=2')));
  });
});

describe('coalescing hints for a targeted cycle', () => {
  it('fetches each changed record once, and where a rekeyed or merged record now lives, never a deleted one', () => {
    const hints: ChangeHint[] = [
      changed('1'),
      changed('1'),
      { kind: 'rekeyed', object: 'members', id: '2', newId: '3' },
      { kind: 'merged', object: 'contacts', id: '4', intoId: '5' },
      { kind: 'deleted', object: 'contacts', id: '6' },
    ];
    expect(uniqueRecords('crm', hints)).toEqual([
      { app: 'crm', id: '1' },
      { app: 'crm', id: '3' },
      { app: 'crm', id: '5' },
    ]);
  });

  it('passes each delete, rekey and merge on once, and no plain change', () => {
    const deleted: ChangeHint = { kind: 'deleted', object: 'contacts', id: '6', eventId: 'a' };
    const again: ChangeHint = { ...deleted, eventId: 'b' };
    expect(uniqueHints([changed('1'), deleted, again])).toEqual([deleted]);
  });
});
