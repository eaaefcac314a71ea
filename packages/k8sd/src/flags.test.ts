import { DEFAULT_K8SD_TIMEOUT_MS } from './client';
import { parseK8sdFlags } from './flags';

const seconds = (text: string): number => Number(text.replace(/s$/, '')) * 1000;

describe('parseK8sdFlags', () => {
  it.each([
    ['defaults to upstream: port-forward, 60 s', {}, { k8sdRoute: 'port-forward', k8sdTimeoutMs: DEFAULT_K8SD_TIMEOUT_MS }],
    ['reads the route', { 'k8sd-route': 'direct' }, { k8sdRoute: 'direct', k8sdTimeoutMs: DEFAULT_K8SD_TIMEOUT_MS }],
    ['reads the timeout with the caller\'s duration parser', { 'k8sd-dial-timeout-duration': '5s' }, { k8sdRoute: 'port-forward', k8sdTimeoutMs: 5000 }],
  ])('%s', (_case, values, flags) => {
    expect(parseK8sdFlags(values, seconds)).toEqual(flags);
  });

  it('names the flag and the allowed routes for an unknown route', () => {
    expect(() => parseK8sdFlags({ 'k8sd-route': 'ssh' }, seconds)).toThrow('--k8sd-route must be one of port-forward, direct (got "ssh")');
  });
});
