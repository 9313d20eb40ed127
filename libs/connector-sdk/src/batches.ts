import { ConnectorError } from './errors.js';

/** `items` in runs of at most `size` (the last one shorter), in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A `write` call larger than the connector's declared `maxBatch`: the engine split its batches wrongly. */
export class BatchTooLargeError extends ConnectorError {
  constructor(app: string, size: number, maxBatch: number) {
    super('CONNECTOR_BATCH_TOO_LARGE', `${app} write batch of ${size} exceeds ${maxBatch}`, {
      retryable: false,
      details: { size, maxBatch },
    });
  }
}

/** Throws BatchTooLargeError when `size` is over `maxBatch`. */
export function checkBatchSize(app: string, size: number, maxBatch: number): void {
  if (size > maxBatch) throw new BatchTooLargeError(app, size, maxBatch);
}
