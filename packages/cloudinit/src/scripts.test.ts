import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeScriptNames, nodeScripts, scriptSourceDir } from './scripts';
import { shellcheck } from './test-support/cloud-init-tools';

const scriptFiles = nodeScriptNames.map((name) => fileURLToPath(new URL(name, scriptSourceDir)));
const runnerScripts = ['stub.sh', 'mark.sh'].map((name) => fileURLToPath(new URL(`./runner/${name}`, import.meta.url)));

describe('node scripts', () => {
  it('pass shellcheck with every optional check enabled (node scripts and the runner stubs)', async () => {
    const verdict = await shellcheck([...scriptFiles, ...runnerScripts]);
    expect(verdict.output).toBe('');
    expect(verdict.ok).toBe(true);
  });

  it('shellcheck does flag an unquoted expansion (the check can fail)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'capi-ck8s-shellcheck-'));
    try {
      await writeFile(join(work, 'bad.sh'), '#!/bin/bash\nvalue=$(cat /capi/etc/node-name)\nk8s bootstrap --name $value\n');
      const verdict = await shellcheck([join(work, 'bad.sh')]);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toContain('SC2086');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it.each(nodeScripts().map((script) => [script.name, script.content] as const))(
    '%s contains no jinja delimiter, since cloud-init renders the whole user data as a jinja template',
    (_name, content) => {
      expect(content).not.toMatch(/\{\{|\{%|\{#/);
    },
  );

  it('are the twelve upstream scripts, at /capi/scripts/<name>, in name order', () => {
    expect(nodeScripts().map((script) => script.path)).toEqual([
      '/capi/scripts/bootstrap.sh',
      '/capi/scripts/configure-auth-token.sh',
      '/capi/scripts/configure-node-token.sh',
      '/capi/scripts/configure-proxy.sh',
      '/capi/scripts/configure-snapstore-proxy.sh',
      '/capi/scripts/create-sentinel-bootstrap.sh',
      '/capi/scripts/deploy-manifests.sh',
      '/capi/scripts/disable-host-services.sh',
      '/capi/scripts/install.sh',
      '/capi/scripts/join-cluster.sh',
      '/capi/scripts/load-images.sh',
      '/capi/scripts/wait-apiserver-ready.sh',
    ]);
  });
});
