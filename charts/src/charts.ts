import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { type KubernetesManifest, readManifests } from '@capi-ck8s/testenv';
import { run } from './tools';

export type ProviderChart = 'bootstrap-provider' | 'controlplane-provider';

export const providerCharts: readonly ProviderChart[] = ['bootstrap-provider', 'controlplane-provider'];

export const chartsFolder = dirname(dirname(fileURLToPath(import.meta.url)));

export function chartFolder(chart: ProviderChart): string {
  return join(chartsFolder, chart);
}

/** Values as the chart's values.yaml spells them (nested objects); merged over the chart's defaults by Helm. */
export type ChartValues = Record<string, unknown>;

export interface ReleaseOptions {
  release: string;
  namespace: string;
  values?: ChartValues;
  includeCrds?: boolean;
}

export interface RenderedRelease {
  /** The rendered YAML, kept on disk so kubectl can apply it and a failing test can point at it. */
  path: string;
  manifests: KubernetesManifest[];
}

const workFolder = mkdtempSync(join(tmpdir(), 'capi-ck8s-charts-'));
let writtenFiles = 0;

/** Writes content to a fresh file of this process's work folder. */
export function workFile(name: string, content: string): string {
  writtenFiles += 1;
  const path = join(workFolder, `${writtenFiles}-${name}`);
  writeFileSync(path, content);
  return path;
}

function valuesArguments(name: string, values: ChartValues | undefined): string[] {
  // JSON is YAML, so Helm reads it as a values file without a YAML dependency here.
  return values ? ['--values', workFile(`${name}-values.json`, JSON.stringify(values))] : [];
}

export async function renderChart(chart: ProviderChart, options: ReleaseOptions): Promise<RenderedRelease> {
  const { stdout } = await run('helm', [
    'template',
    options.release,
    chartFolder(chart),
    '--namespace',
    options.namespace,
    ...(options.includeCrds ? ['--include-crds'] : []),
    ...valuesArguments(options.release, options.values),
  ]);
  const path = workFile(`${options.release}.yaml`, stdout);
  return { path, manifests: readManifests(path) };
}

export async function lintChart(chart: ProviderChart, values?: ChartValues): Promise<string> {
  const { stdout } = await run('helm', ['lint', '--strict', chartFolder(chart), ...valuesArguments(chart, values)]);
  return stdout;
}

export async function installChart(kubeconfigPath: string, chart: ProviderChart, options: ReleaseOptions): Promise<void> {
  await run('helm', [
    'install',
    options.release,
    chartFolder(chart),
    '--kubeconfig',
    kubeconfigPath,
    '--namespace',
    options.namespace,
    ...(options.includeCrds === false ? ['--skip-crds'] : []),
    ...valuesArguments(options.release, options.values),
  ]);
}

/**
 * Deletes the release's objects. No --wait: the clusterrole-aggregation controller can re-create the control plane's
 * aggregating ClusterRole right after Helm deletes it (see charts/README.md), and Helm would wait for it for minutes.
 * The deletes themselves are synchronous: no object of these charts has a finalizer.
 */
export async function uninstallChart(kubeconfigPath: string, release: string, namespace: string): Promise<void> {
  await run('helm', ['uninstall', release, '--kubeconfig', kubeconfigPath, '--namespace', namespace, '--timeout=60s']);
}

/**
 * A kubeconfig file that acts as `user` (e.g. a chart's ServiceAccount) through impersonation of the admin
 * credentials, so a provider process or kubectl runs with exactly the chart's RBAC. The environment has no token
 * controller, so impersonation stands in for a ServiceAccount token.
 */
export function impersonatingKubeconfig(adminKubeConfig: KubeConfig, user: string): string {
  const admin = adminKubeConfig.getCurrentUser();
  const context = adminKubeConfig.getContextObject(adminKubeConfig.getCurrentContext());
  if (!admin || !context) throw new Error('the admin kubeconfig has no current user or context');
  const impersonating = new KubeConfig();
  impersonating.loadFromOptions({
    clusters: adminKubeConfig.getClusters(),
    users: [{ ...admin, name: 'impersonated', impersonateUser: user }],
    contexts: [{ ...context, name: 'impersonated', user: 'impersonated' }],
    currentContext: 'impersonated',
  });
  return workFile('impersonating.kubeconfig', impersonating.exportConfig());
}
