import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import versions from '../versions.json' with { type: 'json' };

export type BinaryName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kubectl'
  | 'cluster-api'
  | 'clusterctl'
  | 'helm';

export const pinnedVersions: Readonly<typeof versions> = versions;

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));

export function cacheRoot(): string {
  return process.env['CAPI_CK8S_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'capi-ck8s');
}

const binaryFolder: Record<BinaryName, string> = {
  etcd: `etcd-${versions.etcd}`,
  'kube-apiserver': `kubernetes-${versions.kubernetes}`,
  'kube-controller-manager': `kubernetes-${versions.kubernetes}`,
  kubectl: `kubernetes-${versions.kubernetes}`,
  'cluster-api': `cluster-api-${versions.clusterApi}`,
  clusterctl: `cluster-api-${versions.clusterApi}`,
  helm: `helm-${versions.helm}`,
};

export function binaryPath(name: BinaryName): string {
  return join(cacheRoot(), 'bin', binaryFolder[name], name);
}

/**
 * Builds any missing binary with the project's build script. The first run on a machine compiles from the Go module
 * proxy (minutes); later runs find the cached binaries and return at once.
 */
export function ensureBinaries(names: readonly BinaryName[]): void {
  const missing = names.filter((name) => !existsSync(binaryPath(name)));
  if (missing.length === 0) return;
  const script = join(packageRoot, 'scripts', 'build-binaries.sh');
  const result = spawnSync('bash', [script, ...missing], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`building ${missing.join(', ')} failed (exit ${String(result.status)}); see the output above`);
  }
}
