import { nextCertificatesStep, parseCertificateTtl } from './decide';

const refresh = 'v1beta2.k8sd.io/refresh-certificates';
const status = 'v1beta2.k8sd.io/refresh-certificates-status';
const expiry = 'machine.cluster.x-k8s.io/certificates-expiry';

describe('parseCertificateTtl', () => {
  it.each([
    ['1y', 365 * 86400],
    ['6mo', 180 * 86400],
    ['30d', 30 * 86400],
    ['720h', 720 * 3600],
    ['1h30m', 5400],
    ['0d', undefined],
    ['500ms', undefined],
    ['1w', undefined],
    ['forever', undefined],
  ])('%s → %s seconds', (text, seconds) => {
    expect(parseCertificateTtl(text)).toBe(seconds);
  });
});

describe('nextCertificatesStep', () => {
  it.each([
    ['waits for the node', {}, false, { kind: 'wait-for-node' }],
    ['reads the expiry of a node that has none', {}, true, { kind: 'read-expiry' }],
    ['leaves a node with a known expiry alone', { [expiry]: '2027-01-01T00:00:00Z' }, true, { kind: 'idle' }],
    ['refreshes on request', { [refresh]: '1y', [expiry]: 'x' }, true, { kind: 'refresh', ttlSeconds: 365 * 86400 }],
    ['resumes a refresh a stopped provider left in progress', { [refresh]: '30d', [status]: 'in-progress' }, true, { kind: 'refresh', ttlSeconds: 30 * 86400 }],
    ['retries a failed refresh', { [refresh]: '30d', [status]: 'failed' }, true, { kind: 'refresh', ttlSeconds: 30 * 86400 }],
    ['clears an in-progress status whose request was withdrawn', { [status]: 'in-progress', [expiry]: 'x' }, true, { kind: 'clear-status' }],
    ['reports a TTL it cannot read', { [refresh]: 'soon' }, true, { kind: 'invalid-ttl', message: 'annotation v1beta2.k8sd.io/refresh-certificates "soon" must be a TTL such as 1y, 6mo, 30d or 720h' }],
  ])('%s', (_name, annotations, hasNode, expected) => {
    expect(nextCertificatesStep(annotations, hasNode)).toEqual(expected);
  });
});
