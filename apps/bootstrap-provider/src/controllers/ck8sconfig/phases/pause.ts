import { ck8sConfigReasons } from '@capi-ck8s/api';
import type { CK8sConfigObject, ClusterObject } from '../../../kinds';
import { pausedBecause } from '../scope';
import type { ConditionReport } from '../status';

/** The Paused condition of the CAPI contract: True (and nothing else done) while the Cluster or the config is paused. */
export function pauseReport(cluster: ClusterObject, config: CK8sConfigObject): ConditionReport {
  const reason = pausedBecause(cluster, config);
  if (reason) return { status: 'True', reason: ck8sConfigReasons.paused, message: `reconciliation is paused: ${reason}; unpause to continue` };
  return { status: 'False', reason: ck8sConfigReasons.notPaused };
}
