export * from '../../core/src/errors.js';
export * from '../../core/src/model.js';
const names: Record<string, string[]> = { date: ['format'], phone_e164: ['region'] };
export function getTransform(name: string) {
  return {
    name,
    optionNames: names[name] ?? [],
    lossy: (o: Record<string, unknown>) => (name === 'date' && typeof o.format === 'string' && !o.format.includes('YYYY') ? `format "${o.format}" has no year` : null),
  };
}
