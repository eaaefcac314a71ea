import { Writable } from 'node:stream';
import { createLogger } from './logging';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON with level names, ISO time and the controller/object keys of child loggers', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info', destination: stream }).child({ controller: 'ck8sconfig', object: 'ns/a' }).info('reconciled');
    expect(lines[0]).toMatchObject({ level: 'info', controller: 'ck8sconfig', object: 'ns/a', msg: 'reconciled' });
    expect(String(lines[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts secret material even if a whole object is logged by mistake', () => {
    const { lines, stream } = capture();
    const secret = { metadata: { name: 's' }, data: { 'tls.key': 'c2VjcmV0' }, stringData: { token: 'plain' } };
    createLogger({ destination: stream }).warn({ object: secret, keyPem: '-----BEGIN', request: { headers: { authorization: 'Bearer x' } } }, 'oops');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('plain');
    expect(text).not.toContain('-----BEGIN');
    expect(text).not.toContain('Bearer x');
    expect(text).toContain('"name":"s"');
  });
});
