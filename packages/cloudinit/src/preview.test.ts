import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load, loadAll } from 'js-yaml';
import { nodeRoles } from './input';
import { renderPreview } from './preview';
import { validateWithCloudInit } from './test-support/cloud-init-tools';

const controlPlane = `
apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: CK8sControlPlane
metadata: {name: demo-control-plane}
spec:
  version: v1.32.1
  spec:
    httpProxy: http://proxy.internal:3128
    files:
      - path: /etc/motd
        contentFrom: {secret: {name: motd, key: text}}
---
apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: CK8sConfigTemplate
metadata: {name: demo-workers}
spec:
  template:
    spec:
      extraKubeletArgs: {--max-pods: "200"}
`;

const cluster = `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: demo}
spec:
  controlPlaneEndpoint: {host: 10.0.0.10, port: 6443}
  clusterNetwork:
    pods: {cidrBlocks: [10.1.0.0/16]}
    services: {cidrBlocks: [10.152.0.0/16]}
`;

interface Document {
  write_files: { path: string; content: string }[];
  runcmd: string[];
}
const parse = (text: string) => load(text.split('\n').slice(2).join('\n')) as Document;
const fileContent = (text: string, path: string) => parse(text).write_files.find((file) => file.path === path)?.content;

describe('previewing the cloud-init of an object', () => {
  it('renders a control plane with its version, the Cluster network, and placeholders for secrets and contentFrom', () => {
    const text = renderPreview({ role: 'init-control-plane', objects: controlPlane, cluster });
    expect(fileContent(text, '/capi/etc/snap-channel')).toBe('1.32-classic/stable');
    expect(fileContent(text, '/capi/etc/token')).toBe('<auth token: Secret demo-token, key value>');
    expect(fileContent(text, '/etc/motd')).toBe('<contents of Secret motd, key text>');
    const config = load(fileContent(text, '/capi/etc/config.yaml') ?? '') as Record<string, unknown>;
    expect(config).toMatchObject({
      'ca-crt': '<cluster CA certificate: Secret demo-ca, key tls.crt>',
      'client-ca-key': '<client CA key: Secret demo-cca, key tls.key>',
      'extra-sans': ['10.0.0.10'],
      'pod-cidr': '10.1.0.0/16',
    });
    expect(parse(text).runcmd).toContain('/capi/scripts/configure-proxy.sh');
  });

  it('picks an object by name, and needs a version for templates that carry none', () => {
    expect(() => renderPreview({ role: 'worker', objects: controlPlane, name: 'demo-workers' })).toThrow(
      'the CK8sConfigTemplate has no version (at runtime it comes from the Machine): pass --version',
    );
    const text = renderPreview({ role: 'worker', objects: controlPlane, name: 'demo-workers', version: 'v1.33.0' });
    expect(fileContent(text, '/capi/etc/config.yaml')).toBe('extra-node-kubelet-args:\n  --max-pods: \'200\'\n');
    expect(fileContent(text, '/capi/etc/join-token')).toBe('<join token issued by k8sd for this node>');
  });

  it('reports what is missing rather than guessing', () => {
    expect(() => renderPreview({ role: 'worker', objects: cluster })).toThrow(/^no CK8sConfig, CK8sConfigTemplate, CK8sControlPlane, CK8sControlPlaneTemplate found$/);
    expect(() => renderPreview({ role: 'worker', objects: controlPlane, name: 'nope' })).toThrow('named nope');
    expect(() => renderPreview({ role: 'worker', objects: controlPlane, cluster: controlPlane })).toThrow('the Cluster file holds no Cluster');
  });

  it('renders every api fixture for every role into a cloud-config cloud-init accepts', async () => {
    const fixtures = new URL('../../api/src/fixtures/', import.meta.url);
    const rendered: string[] = [];
    for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.yaml'))) {
      const text = readFileSync(new URL(file, fixtures), 'utf8');
      const names = loadAll(text).flatMap((object) => {
        const name = (object as { metadata?: { name?: string } } | null)?.metadata?.name;
        return name ? [name] : [];
      });
      for (const name of names) {
        for (const role of nodeRoles) rendered.push(renderPreview({ role, objects: text, name, version: 'v1.33.2' }));
      }
    }
    expect(rendered.length).toBeGreaterThanOrEqual(3);
    const verdicts = await validateWithCloudInit(rendered);
    expect(verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
  });
});

describe('the render CLI', () => {
  const run = promisify(execFile);
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  // The pinned Node running the tests, with tsx's loader: what `npm run render` does.
  const render = (...args: string[]) => run(process.execPath, ['--import', 'tsx', cli, ...args]);
  const fixture = fileURLToPath(new URL('../../api/src/fixtures/docker.yaml', import.meta.url));

  it('prints the cloud-config for a role, and exits 2 with the usage for an unknown role', async () => {
    const { stdout } = await render('--role', 'join-control-plane', '-f', fixture);
    expect(stdout).toMatch(/^## template: jinja\n#cloud-config\n/);
    const failure = await render('--role', 'leader', '-f', fixture).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('unknown role leader');
  });
});
