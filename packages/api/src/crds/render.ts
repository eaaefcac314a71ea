// The CRD files of the two Helm charts, rendered in memory so the generator writes them and a test checks them.
import { dump } from 'js-yaml';
import { providerCrds } from './definitions';
import type { ProviderKind } from './definitions';

const chartCrdFolder: Record<ProviderKind, string> = {
  bootstrap: 'charts/bootstrap-provider/crds',
  controlplane: 'charts/controlplane-provider/crds',
};

export const generatorCommand = 'npm run generate';

export interface RenderedFile {
  /** Path relative to the repository root. */
  path: string;
  content: string;
}

export function renderCrdFiles(): RenderedFile[] {
  return providerCrds().map(({ provider, crd }) => ({
    path: `${chartCrdFolder[provider]}/${crd.spec.group}_${crd.spec.names.plural}.yaml`,
    content:
      `# Generated from packages/api/src/schema by packages/api/scripts/generate-crds.ts; run \`${generatorCommand}\`.\n` +
      dump(crd, { lineWidth: 120, noRefs: true, quoteStyle: 'double' }),
  }));
}
