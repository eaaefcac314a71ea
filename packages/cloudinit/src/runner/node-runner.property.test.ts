// Random hostile values reach the node's programs as single, unchanged arguments: no value is ever interpreted by
// a shell, and nothing runs that the spec did not ask for.
import fc from 'fast-check';
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import type { NodeRole, RenderInput } from '../input';
import { renderCloudConfig } from '../render';
import { hasControlCharacter, nodeRole, singleLineValue } from '../test-support/arbitraries';
import { initInput, joinControlPlaneInput, workerInput } from '../test-support/inputs';
import { expectedRejection, expectedSnapSource } from '../test-support/oracle';
import { bootNode, instanceData } from './node-runner';

interface Tokens {
  readonly node: string;
  readonly auth: string;
  readonly join: string;
}

const valueSpec: fc.Arbitrary<CK8sConfigSpec> = fc.record(
  {
    version: fc.constantFrom('v1.32.1', 'v1.33.0'),
    airGapped: fc.boolean(),
    snapstoreProxyScheme: fc.constantFrom('http' as const, 'https' as const),
    snapstoreProxyDomain: singleLineValue,
    snapstoreProxyId: singleLineValue,
    httpProxy: singleLineValue,
    httpsProxy: singleLineValue,
    noProxy: singleLineValue,
    channel: singleLineValue,
    nodeName: singleLineValue,
    controlPlane: fc.record({ microclusterAddress: singleLineValue, microclusterPort: fc.integer({ min: 1, max: 65535 }) }),
  },
  { requiredKeys: ['version'] },
);
const tokens: fc.Arbitrary<Tokens> = fc.record({ node: singleLineValue, auth: singleLineValue, join: singleLineValue });

function inputOf(role: NodeRole, spec: CK8sConfigSpec, token: Tokens): RenderInput {
  switch (role) {
    case 'init-control-plane':
      return initInput(spec, { nodeToken: token.node, authToken: token.auth });
    case 'join-control-plane':
      return joinControlPlaneInput(spec, { nodeToken: token.node, joinToken: token.join });
    case 'worker':
      return workerInput(spec, { nodeToken: token.node, joinToken: token.join });
  }
}

/** The exact argv sequence the reference prescribes; both ends of the curl | snap ack pipe are listed sorted. */
function expectedInvocations(role: NodeRole, spec: CK8sConfigSpec, token: Tokens): string[][] {
  const calls: string[][] = [];
  if (spec.snapstoreProxyDomain && spec.snapstoreProxyId) {
    const url = `${spec.snapstoreProxyScheme ?? 'http'}://${spec.snapstoreProxyDomain}/v2/auth/store/assertions`;
    calls.push(['snap', 'list', 'curl']);
    calls.push(...sortedPipe([['curl', '--silent', '--show-error', '--fail', '--location', url], ['snap', 'ack', '/dev/stdin']]));
    calls.push(['snap', 'set', 'core', `proxy.store=${spec.snapstoreProxyId}`], ['systemctl', 'restart', 'snapd']);
  }
  if (!spec.airGapped) calls.push(['snap', 'install', 'k8s', '--classic', '--channel', expectedSnapSource(spec).value]);
  for (const service of ['kubelet', 'containerd']) calls.push(['systemctl', 'stop', service], ['systemctl', 'disable', service]);
  const host = spec.controlPlane?.microclusterAddress ?? '';
  const port = spec.controlPlane?.microclusterPort ?? 2380;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const node = [...(spec.nodeName ? ['--name', spec.nodeName] : []), '--address', address, '--file', '/capi/etc/config.yaml'];
  const readyz = ['k8s', 'kubectl', 'get', '--raw', '/readyz'];
  const setNodeToken = ['k8s', 'x-capi', 'set-node-token', token.node];
  if (role === 'init-control-plane') {
    calls.push(['k8s', 'bootstrap', ...node], readyz, ['k8s', 'kubectl', 'apply', '-f', '/capi/manifests/00-k8sd-proxy.yaml']);
    calls.push(['k8s', 'x-capi', 'set-auth-token', token.auth], setNodeToken);
  } else {
    calls.push(['k8s', 'join-cluster', token.join, ...node], ...(role === 'join-control-plane' ? [readyz] : []), setNodeToken);
  }
  return calls;
}

function sortedPipe(pair: string[][]): string[][] {
  return [...pair].sort((a, b) => a.join('\0').localeCompare(b.join('\0')));
}

function normalisedPipe(calls: string[][]): string[][] {
  const curl = calls.findIndex((call) => call[0] === 'curl');
  if (curl < 0) return calls;
  const start = calls[curl - 1]?.join(' ') === 'snap ack /dev/stdin' ? curl - 1 : curl;
  return [...calls.slice(0, start), ...sortedPipe(calls.slice(start, start + 2)), ...calls.slice(start + 2)];
}

describe('booting random specs', () => {
  it('passes every value as one unchanged argument and calls nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(nodeRole, valueSpec, tokens, async (role, spec, token) => {
        fc.pre(expectedRejection(spec) === undefined && ![token.node, token.auth, token.join].some(hasControlCharacter));
        const result = await bootNode({ userData: renderCloudConfig(inputOf(role, spec, token)), instanceData: instanceData('machine-a') });
        const calls = normalisedPipe(result.invocations.map((call) => [call.program, ...call.args]));
        expect(calls).toEqual(expectedInvocations(role, spec, token));
        expect(result.files.has('/run/cluster-api/bootstrap-success.complete')).toBe(true);
        expect([...result.files.keys()].filter((path) => path.includes('pwned'))).toEqual([]);
        const environment = [['http_proxy', spec.httpProxy], ['https_proxy', spec.httpsProxy], ['no_proxy', spec.noProxy]]
          .filter(([, value]) => value)
          .map(([name, value]) => `${name}=${value}\n${name?.toUpperCase()}=${value}\n`)
          .join('');
        expect(result.files.get('/etc/environment')?.content.toString('utf8')).toBe(environment || undefined);
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
