import { Writable } from 'node:stream';
import { createLogger, sanitize } from './logger.js';

describe('engine logs', () => {
  it('never carry an email or a phone number, even inside an error message an app wrote', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ destination: stream });
    logger.warn({ runId: 'r-1', err: new Error('jane.doe@example.com is already a list member'), note: 'call +1 555 010 9999' }, 'write failed for jane.doe@example.com');
    const text = lines.join('');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('555 010 9999');
    expect(text).toContain('r-1');
  });

  it('drops fields that hold record values, and keeps ids that look like digit runs', () => {
    const out = sanitize({ linkId: '1234567890', fields: { firstname: 'Zoë' }, agreed: { email: 'a@b.test' }, count: 3 }) as Record<string, unknown>;
    expect(out).toEqual({ linkId: '1234567890', fields: '[redacted]', agreed: '[redacted]', count: 3 });
  });
});
