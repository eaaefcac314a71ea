import { parseBootstrapConfig } from './workload';
import { parseStubRequest } from './node-agent/server';

describe('the bootstrap config a simulated node reads', () => {
  const complete = ['ca-crt: CA', 'ca-key: CAKEY', 'client-ca-crt: CCA', 'client-ca-key: CCAKEY'];

  it('takes the cluster CA and client CA', () => {
    expect(parseBootstrapConfig(complete.join('\n'))).toEqual({
      servingCa: { certPem: 'CA', keyPem: 'CAKEY' },
      clientCa: { certPem: 'CCA', keyPem: 'CCAKEY' },
    });
  });

  it.each(['ca-crt', 'ca-key', 'client-ca-crt', 'client-ca-key'])('names %s when it is missing', (field) => {
    const text = complete.filter((line) => !line.startsWith(`${field}:`)).join('\n');
    expect(() => parseBootstrapConfig(text)).toThrow(`bootstrap config: ${field} is required`);
  });

  it('refuses an external datastore, which is not simulated', () => {
    expect(() => parseBootstrapConfig([...complete, 'datastore-type: external'].join('\n'))).toThrow('datastore-type external is not simulated');
  });
});

describe('a hook request to the node agent', () => {
  const valid = { token: 't', program: 'k8s', args: ['version'], hostname: 'm-0', files: { '/a': Buffer.from('x').toString('base64') }, stdin: '' };

  it('decodes file contents', () => {
    expect(parseStubRequest(JSON.stringify(valid)).files.get('/a')?.toString()).toBe('x');
  });

  it.each([
    ['token', { token: 1 }, 'token must be a string'],
    ['args', { args: 'version' }, 'args must be a list of strings'],
    ['files', { files: { '/a': 1 } }, 'files must map paths to base64 text'],
  ])('names a bad %s', (_field, change, message) => {
    expect(() => parseStubRequest(JSON.stringify({ ...valid, ...change }))).toThrow(message);
  });
});
