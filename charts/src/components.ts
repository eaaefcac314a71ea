import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProviderChart, chartFolder, chartsFolder } from './charts';
import { defaultNamespace } from './names';
import { run } from './tools';

export const clusterctlFolder = join(chartsFolder, 'clusterctl');
export const clusterTemplatesFolder = join(clusterctlFolder, 'templates');

/** clusterctl's provider name for Canonical Kubernetes (its built-in provider list already carries it). */
export const clusterctlProviderName = 'canonical-kubernetes';

interface ComponentsLayout {
  providerType: 'BootstrapProvider' | 'ControlPlaneProvider';
  /** Folder of clusterctl's local repository layout: <type>-<name>/<version>/. */
  folder: string;
  file: string;
}

export const componentsLayout: Readonly<Record<ProviderChart, ComponentsLayout>> = {
  'bootstrap-provider': {
    providerType: 'BootstrapProvider',
    folder: `bootstrap-${clusterctlProviderName}`,
    file: 'bootstrap-components.yaml',
  },
  'controlplane-provider': {
    providerType: 'ControlPlaneProvider',
    folder: `control-plane-${clusterctlProviderName}`,
    file: 'control-plane-components.yaml',
  },
};

/** The release version clusterctl sees: the chart's appVersion, as a v-prefixed semver tag. */
export function releaseVersion(chart: ProviderChart): string {
  const chartYaml = readFileSync(join(chartFolder(chart), 'Chart.yaml'), 'utf8');
  const appVersion = /^appVersion:\s*"?([^"\s]+)"?\s*$/m.exec(chartYaml)?.[1];
  if (!appVersion) throw new Error(`${chart}/Chart.yaml: appVersion is missing`);
  return `v${appVersion}`;
}

/**
 * clusterctl components of one provider: the chart rendered with its CRDs, the Namespace, no Helm labels and
 * ${VARIABLES} that clusterctl substitutes at `clusterctl init`. Helm's "# Source:" comments are dropped.
 */
export async function renderComponents(chart: ProviderChart): Promise<string> {
  const { stdout } = await run('helm', [
    'template',
    chart,
    chartFolder(chart),
    '--namespace',
    defaultNamespace[chart],
    '--include-crds',
    '--values',
    join(clusterctlFolder, `${chart}.values.yaml`),
  ]);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('# Source: '))
    .join('\n');
}

export interface ClusterctlRepository {
  /** A clusterctl configuration file whose providers point at this repository. */
  configPath: string;
  componentsPaths: Record<ProviderChart, string>;
}

/**
 * Writes a clusterctl local repository (components and metadata.yaml of both providers, as a release publishes them)
 * and a clusterctl.yaml whose provider entries point at it. Cluster templates are not part of it: clusterctl looks
 * them up in infrastructure providers' repositories, so users pass ours with `--from`.
 */
export async function writeClusterctlRepository(outputFolder: string): Promise<ClusterctlRepository> {
  const componentsPaths = {} as Record<ProviderChart, string>;
  const providers: string[] = [];
  for (const chart of Object.keys(componentsLayout) as ProviderChart[]) {
    const layout = componentsLayout[chart];
    const folder = join(outputFolder, layout.folder, releaseVersion(chart));
    mkdirSync(folder, { recursive: true });
    const componentsPath = join(folder, layout.file);
    writeFileSync(componentsPath, await renderComponents(chart));
    copyFileSync(join(clusterctlFolder, 'metadata.yaml'), join(folder, 'metadata.yaml'));
    componentsPaths[chart] = componentsPath;
    providers.push(`  - name: ${clusterctlProviderName}\n    type: ${layout.providerType}\n    url: ${componentsPath}`);
  }
  const configPath = join(outputFolder, 'clusterctl.yaml');
  writeFileSync(configPath, `providers:\n${providers.join('\n')}\n`);
  return { configPath, componentsPaths };
}
