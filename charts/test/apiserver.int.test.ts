import { join } from 'node:path';
import { createTestNamespace, installCrds, sharedEnvironment } from '@capi-ck8s/testenv';
import { type ChartValues, providerCharts, renderChart, run } from '../src';

// cert-manager mode is applied for real too: the cert-manager and Prometheus Operator CRDs it needs are minimal
// stand-ins written for these tests (fixtures/third-party-crds.yaml); everything else is the real apiserver's say.
const environment = sharedEnvironment();
const kubeConfig = environment.kubeConfig();

beforeAll(async () => {
  await installCrds(kubeConfig, [join(import.meta.dirname, 'fixtures', 'third-party-crds.yaml')]);
});

const valueSets: Record<string, ChartValues> = {
  'cert-manager certificates and a ServiceMonitor': { metrics: { serviceMonitor: { enabled: true } } },
  'self-managed certificates': { webhook: { certificateMode: 'selfManaged' } },
  'clusterctl packaging': { packaging: 'clusterctl' },
};

describe.each(providerCharts)('%s chart rendered by helm template', (chart) => {
  it.each(Object.entries(valueSets))('is accepted by a server-side dry-run apply with %s', async (_title, values) => {
    const namespace = await createTestNamespace(kubeConfig, 'charts-dry-run');
    // clusterctl packaging brings its own Namespace; dry-run cannot create one and then fill it, so it names the
    // test namespace, which already exists.
    const rendered = await renderChart(chart, { release: 'dry-run', namespace, values, includeCrds: true });
    const { stdout } = await run('kubectl', [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=charts-test',
      `--kubeconfig=${environment.kubeconfigPath}`,
      '-f',
      rendered.path,
    ]);
    const applied = stdout.trim().split('\n');
    expect(applied).toHaveLength(rendered.manifests.length);
    for (const line of applied) expect(line).toMatch(/serverside-applied \(server dry run\)$/);
  });
});
