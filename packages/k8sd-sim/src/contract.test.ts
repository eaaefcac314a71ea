// The k8sd contract our client relies on. Runs against the simulator by default; point it at a real k8sd control
// plane node with K8SD_CONTRACT_URL / K8SD_CONTRACT_AUTH_TOKEN / K8SD_CONTRACT_NODE_TOKEN (see jest/contract-target.ts).
// Only calls that leave a real cluster unchanged (apart from an unused join token) are made here.
import { randomBytes } from 'node:crypto';
import { CAPI_AUTH_TOKEN_HEADER, directTransport, K8SD_PATHS, type K8sdClient } from '@capi-ck8s/k8sd';
import { contractTarget, type ContractTarget } from '../jest/contract-target';
import { k8sdFailure as failure } from '../jest/failures';

let target: ContractTarget;
let client: K8sdClient;

beforeAll(async () => {
  target = await contractTarget();
  client = target.client();
});

afterAll(async () => {
  client.close();
  await target.stop();
});


async function raw(path: string, headers: Record<string, string>, body: string) {
  const transport = directTransport({ address: target.url.hostname.replace(/^\[|\]$/g, ''), port: Number(target.url.port) });
  try {
    const response = await transport.send({ method: 'POST', path, headers, body, signal: AbortSignal.timeout(10_000) });
    return { statusCode: response.statusCode, envelope: JSON.parse(response.body) as { error: string; error_code: number; metadata: unknown } };
  } finally {
    transport.close();
  }
}

const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('k8sd contract', () => {
  it('answers the reachability probe with the cluster token', async () => {
    await expect(client.probe()).resolves.toBeUndefined();
  });

  it('issues a control plane join token for a name, and the same token again for the same name', async () => {
    const name = uniqueName('contract-cp');
    const token = await client.generateJoinToken({ name, worker: false });
    expect(token).not.toBe('');
    await expect(client.generateJoinToken({ name, worker: false })).resolves.toBe(token);
  });

  it('issues a fresh worker join token for any hostname (empty name) on every request', async () => {
    const first = await client.generateJoinToken({ name: '', worker: true });
    expect(first).toMatch(/\S/);
    // Two workers of one MachineDeployment ask before either joins; a shared single-use token would strand one.
    await expect(client.generateJoinToken({ name: '', worker: true })).resolves.not.toBe(first);
  });

  it('refuses a wrong cluster token with 401 "invalid token"', async () => {
    const impostor = target.client({ authToken: 'f'.repeat(32) });
    const error = await failure(impostor.generateJoinToken({ name: uniqueName('x'), worker: true }));
    impostor.close();
    expect({ kind: error.kind, statusCode: error.statusCode }).toEqual({ kind: 'http', statusCode: 401 });
    expect(error.message).toContain('invalid token');
  });

  it('refuses a request without the token header, naming the header', async () => {
    const response = await raw(K8SD_PATHS.generateJoinToken, {}, JSON.stringify({ name: 'n', worker: true }));
    expect(response.statusCode).toBe(401);
    expect(response.envelope.error).toBe(`missing header "${CAPI_AUTH_TOKEN_HEADER}"`);
  });

  it('rejects unknown JSON fields like its strict decoder', async () => {
    const response = await raw(
      K8SD_PATHS.generateJoinToken,
      { [CAPI_AUTH_TOKEN_HEADER]: target.authToken },
      JSON.stringify({ name: 'n', worker: true, bogus: 1 }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.envelope.error).toBe('failed to parse request: json: unknown field "bogus"');
  });

  it('reports the node certificates expiry as a future time, with the node token', async () => {
    const expiry = await client.certificatesExpiry();
    expect(expiry.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a wrong node token with 401', async () => {
    const impostor = target.client({ nodeToken: '0'.repeat(32) });
    const error = await failure(impostor.certificatesExpiry());
    impostor.close();
    expect(error.statusCode).toBe(401);
    expect(error.message).toContain(`${K8SD_PATHS.certificatesExpiry} via`);
  });

  it('plans a certificate refresh on a control plane node: an integer seed and no CSRs', async () => {
    const plan = await client.refreshCertificatesPlan();
    expect(Number.isSafeInteger(plan.seed)).toBe(true);
    expect(plan.certificateSigningRequests).toEqual([]);
  });

  it('fails to remove a node that is not a member, like k8sd', async () => {
    const name = uniqueName('not-a-member');
    const error = await failure(client.removeNode(name));
    expect({ kind: error.kind, statusCode: error.statusCode }).toEqual({ kind: 'http', statusCode: 500 });
    expect(error.message).toContain(`Node "${name}" is not part of the cluster`);
  });

  it('fails the status of an unknown snap change', async () => {
    const error = await failure(client.snapRefreshStatus('999999999'));
    expect(error.statusCode).toBe(500);
    expect(error.message).toContain('failed to get snap refresh status');
  });

  it('fails to approve worker CSRs that do not exist', async () => {
    const error = await failure(client.approveWorkerCertificates(424242));
    expect(error.statusCode).toBe(500);
    expect(error.message).toContain('k8sd-424242-worker-kubelet-serving');
  });

  it('answers many concurrent calls', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => client.certificatesExpiry()));
    expect(new Set(results.map((date) => date.getTime())).size).toBe(1);
  });
});
