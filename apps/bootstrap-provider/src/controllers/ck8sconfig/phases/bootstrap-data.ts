// Renders a node's cloud-config and stores it, whatever its role: the steps every role shares.
import { annotations, ck8sConfigReasons } from '@capi-ck8s/api';
import {
  clusterFacts,
  type ClusterFacts,
  parseSnapInstallAnnotation,
  type RenderInput,
  RenderInputError,
  renderCloudConfig,
  type SnapInstallSource,
  snapInstallSource,
} from '@capi-ck8s/cloudinit';
import type { ObjectClient } from '@capi-ck8s/runtime';
import { Waiting } from '../dependencies';
import type { Scope } from '../scope';
import { type ConditionReport, dataSecretAvailable, type Observations } from '../status';
import { dataSecretFor, storeDataSecret } from './data-secret';

/** Missing secrets named by contentFrom are not watched; look again after this long. */
const RENDER_RETRY_MS = 30_000;

export type SnapInstallCheck = { valid: true; report: ConditionReport; override?: SnapInstallSource } | { valid: false; report: ConditionReport };

/**
 * Which snap the node installs and whether the spec says it unambiguously. The in-place upgrade release on the owner
 * wins over the spec, so a replacement of an upgraded machine comes up at the upgraded release.
 */
export function checkSnapInstall(scope: Pick<Scope, 'spec' | 'owner'>): SnapInstallCheck {
  try {
    snapInstallSource(scope.spec);
    const release = scope.owner.inPlaceUpgradeRelease;
    const override = release ? parseSnapInstallAnnotation(release, `${scope.owner.kind} metadata.annotations[${annotations.inPlaceUpgradeRelease}]`) : undefined;
    return {
      valid: true,
      report: { status: 'True', reason: ck8sConfigReasons.snapInstallDataValid },
      ...(override ? { override } : {}),
    };
  } catch (error) {
    if (!(error instanceof RenderInputError)) throw error;
    return {
      valid: false,
      report: {
        status: 'False',
        reason: ck8sConfigReasons.snapInstallValidationFailed,
        message: `${error.message}; set exactly one of spec.channel, spec.revision and spec.localPath, or none to install <major>.<minor>-classic/stable of spec.version`,
      },
    };
  }
}

export interface CommonRenderInput {
  cluster: ClusterFacts;
  snapInstallOverride?: SnapInstallSource;
}

/**
 * Validates the snap source, asks the role for its render input (which may take the init lock or a join token),
 * renders and stores the data secret. Bad input ends as DataSecretAvailable=False naming the field and the rule.
 */
export async function generateBootstrapData(
  client: ObjectClient,
  scope: Scope,
  observations: Observations,
  buildInput: (common: CommonRenderInput) => Promise<RenderInput>,
): Promise<void> {
  const snap = checkSnapInstall(scope);
  observations.snapInstall = snap.report;
  if (!snap.valid) throw new Waiting(ck8sConfigReasons.dataSecretGenerationFailed, snap.report.message ?? '');
  const input = await buildInput({ cluster: clusterFacts(scope.cluster), ...(snap.override ? { snapInstallOverride: snap.override } : {}) });
  let cloudConfig: string;
  try {
    cloudConfig = renderCloudConfig(input);
  } catch (error) {
    if (!(error instanceof RenderInputError)) throw error;
    throw new Waiting(ck8sConfigReasons.dataSecretGenerationFailed, `cannot generate the bootstrap data: ${error.message}`, RENDER_RETRY_MS);
  }
  const name = await storeDataSecret(client, dataSecretFor(scope.config, scope.clusterName, cloudConfig));
  observations.dataSecretName = name;
  observations.dataSecret = dataSecretAvailable(name);
}
