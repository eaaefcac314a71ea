// The webhooks as users meet them: through the real apiserver and kubectl.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kindRef, type Manager, resourcePath } from '@capi-ck8s/runtime';
import { binaryPath, createTestNamespace, sharedEnvironment } from '@capi-ck8s/testenv';
import { kinds } from '../kinds';
import { installAllCrds, startProvider, testClient } from '../test-support/int-env';
import { registerProviderWebhooks, removeProviderWebhooks, servingCertificateDir } from '../test-support/webhooks';

const run = promisify(execFile);
const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
let namespace: string;
let manager: Manager;
let webhookConfigurations: string;

beforeAll(async () => {
  await installAllCrds(kubeConfig);
  namespace = await createTestNamespace(kubeConfig, 'cabpck-webhooks');
  const certificates = await servingCertificateDir();
  manager = await startProvider(kubeConfig, namespace, { webhooks: true, flags: { webhookCertDir: certificates.dir } });
  webhookConfigurations = await registerProviderWebhooks(kubeConfig, namespace, `https://127.0.0.1:${manager.webhooks.port()}`, certificates.caPem);
}, 120_000);

afterAll(async () => {
  if (webhookConfigurations) await removeProviderWebhooks(client, webhookConfigurations);
  await manager?.stop();
});

async function kubectl(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(binaryPath('kubectl'), [`--kubeconfig=${env.kubeconfigPath}`, `--namespace=${namespace}`, ...args]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

function manifestFile(name: string, text: string): string {
  const path = join(tmpdir(), `${namespace}-${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('CK8sConfig webhooks through the apiserver', () => {
  it('shows kubectl every field error of a denied object', async () => {
    const file = manifestFile(
      'bad',
      `apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: CK8sConfig
metadata:
  name: bad
spec:
  version: "1.33"
  channel: 1.33-classic/stable
  revision: "1234"
  httpProxy: proxy.example:3128
  files:
    - path: relative/path
      content: hello
  additionalUserData:
    runcmd: "echo hi"
`,
    );
    const { code, output } = await kubectl(['create', '-f', file]);
    expect(code).not.toBe(0);
    for (const expected of [
      'The CK8sConfig "bad" is invalid',
      '* spec.version: Invalid value: "1.33": must be a semantic version with a leading "v", e.g. v1.33.2',
      '* spec.revision: Forbidden: may not be set together with channel: set only one of channel, revision and localPath',
      '* spec.httpProxy: Invalid value: "proxy.example:3128"',
      '* spec.files[0].path: Invalid value: "relative/path": must be an absolute path',
      '* spec.additionalUserData.runcmd: Forbidden: runcmd is written by the provider; use preRunCommands or postRunCommands instead',
    ]) {
      expect(output).toContain(expected);
    }
  });

  it('admits a good config (through the defaulting webhook too) and freezes its spec once bootstrap data exists', async () => {
    const file = manifestFile('good', 'apiVersion: bootstrap.cluster.x-k8s.io/v1beta2\nkind: CK8sConfig\nmetadata:\n  name: good\nspec:\n  version: v1.33.2\n');
    expect(await kubectl(['create', '-f', file])).toMatchObject({ code: 0 });
    const created = await client.get(kinds.config, { namespace, name: 'good' });
    expect(created.spec?.snapstoreProxyScheme).toBe('http');
    await client.mergePatch(kinds.config, { namespace, name: 'good' }, { status: { dataSecretName: 'good', ready: true } }, 'status');
    const { code, output } = await kubectl(['patch', 'ck8sconfig', 'good', '--type=merge', '-p', '{"spec":{"channel":"1.34-classic/stable"}}']);
    expect(code).not.toBe(0);
    expect(output).toContain('spec.channel: Forbidden: cannot be changed once the bootstrap data secret has been generated');
  });

  it('keeps templates immutable except for ClusterClass topology dry runs', async () => {
    const template = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'CK8sConfigTemplate',
      metadata: { name: 'workers', namespace },
      spec: { template: { spec: { channel: '1.33-classic/stable' } } },
    };
    const stored = await client.create(template);
    const changed = { ...stored, spec: { template: { spec: { channel: '1.34-classic/stable' } } } };
    await expect(client.update(changed)).rejects.toThrow('spec.template.spec: Forbidden: templates are immutable');

    const info = await client.resources.resolve(kindRef('bootstrap.cluster.x-k8s.io/v1beta2', 'CK8sConfigTemplate'));
    const dryRun = { ...changed, metadata: { ...changed.metadata, annotations: { 'topology.cluster.x-k8s.io/dry-run': '' } } };
    const answer = await client.rest.request<typeof dryRun>({
      method: 'PUT',
      path: resourcePath(info, { namespace, name: 'workers' }),
      query: { dryRun: 'All' },
      body: dryRun,
    });
    expect(answer.spec.template.spec.channel).toBe('1.34-classic/stable');
  });
});
