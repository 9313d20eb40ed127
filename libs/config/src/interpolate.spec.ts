import fc from 'fast-check';
import { expand } from './interpolate.js';

describe('expand: ${VAR} interpolation', () => {
  it('replaces a set variable and keeps the text around it', () => {
    expect(expand('Bearer ${TOKEN}!', { TOKEN: 'abc' })).toEqual({ text: 'Bearer abc!', referenced: true, problems: [] });
  });

  it('uses the default when the variable is unset or empty, as the shell does', () => {
    expect(expand('${PORT:-8080}', {}).text).toBe('8080');
    expect(expand('${PORT:-8080}', { PORT: '' }).text).toBe('8080');
    expect(expand('${PORT:-8080}', { PORT: '9000' }).text).toBe('9000');
  });

  it('names a variable that is not set', () => {
    expect(expand('${HUBSPOT_TOKEN}', {}).problems).toEqual(['environment variable HUBSPOT_TOKEN is not set']);
  });

  it('treats $${ as a literal ${ and does not count it as a reference', () => {
    expect(expand('price: $${AMOUNT}', { AMOUNT: '5' })).toEqual({ text: 'price: ${AMOUNT}', referenced: false, problems: [] });
  });

  it('refuses an unterminated reference and one that is not a variable name', () => {
    expect(expand('${TOKEN', {}).problems).toEqual(['unterminated "${" (write "$${" for a literal "${")']);
    expect(expand('${1X}', {}).problems).toEqual(['"${1X}" is not a variable reference (use ${NAME} or ${NAME:-default})']);
  });

  it('leaves any text without "${" unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('${')), (text) => {
        expect(expand(text, { A: 'x' })).toEqual({ text, referenced: false, problems: [] });
      }),
    );
  });

  it('gives back any value of a variable exactly', () => {
    fc.assert(
      fc.property(fc.string(), fc.string().filter((s) => !s.includes('}') && !s.includes('$')), (value, around) => {
        expect(expand(`${around}\${V}${around}`, { V: value }).text).toBe(`${around}${value}${around}`);
      }),
    );
  });
});
