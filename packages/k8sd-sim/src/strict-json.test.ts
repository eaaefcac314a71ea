import { decodeStrict } from './strict-json';

const schema = { name: 'string', worker: 'bool', ttl: 'int', sans: 'string-list' } as const;

describe('decodeStrict (Go json.Decoder with DisallowUnknownFields)', () => {
  it('fills missing and null fields with Go zero values', () => {
    expect(decodeStrict('{"name":"a","ttl":null}', schema, 'T')).toEqual({ name: 'a', worker: false, ttl: 0, sans: null });
  });

  it.each([
    ['an empty body', '', 'EOF'],
    ['an unknown field', '{"name":"a","bogus":1}', 'json: unknown field "bogus"'],
    ['a string where a bool belongs', '{"worker":"yes"}', 'json: cannot unmarshal string into Go struct field T.worker of type bool'],
    ['a fraction where an int belongs', '{"ttl":1.5}', 'json: cannot unmarshal number into Go struct field T.ttl of type int'],
    ['a list with a number', '{"sans":["a",1]}', 'json: cannot unmarshal array into Go struct field T.sans of type string-list'],
    ['a top-level array', '[]', 'json: cannot unmarshal array into Go value of type T'],
    ['broken JSON', '{"name":', 'invalid character in JSON'],
  ])('rejects %s', (_case, body, message) => {
    expect(() => decodeStrict(body, schema, 'T')).toThrow(message);
  });
});
