import { base64, type Secret, secretText } from './core-kinds';

describe('secretText', () => {
  const secret: Secret = { metadata: { name: 's' }, data: { value: base64('hello: wörld'), empty: '' } };

  it.each([
    ['reads a value back as UTF-8 text', 'value', 'hello: wörld'],
    ['treats an empty value as missing', 'empty', undefined],
    ['returns undefined for a missing key', 'other', undefined],
  ])('%s', (_case, key, text) => {
    expect(secretText(secret, key)).toBe(text);
  });

  it('returns undefined without a Secret', () => {
    expect(secretText(undefined, 'value')).toBeUndefined();
  });
});
