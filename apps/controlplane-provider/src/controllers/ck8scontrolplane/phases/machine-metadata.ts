// What every control plane Machine carries from spec.machineTemplate, at creation and (syncMachines) afterwards
// without a rollout: labels, annotations and the deletion timeouts.
import { type CK8sControlPlaneMachineTemplate, labels, type MachineDeletionSpec, parseGoDuration } from '@capi-ck8s/api';
import type { Pass } from '../dependencies';

export function machineLabels(pass: Pass): Record<string, string> {
  return {
    ...pass.controlPlane.spec?.machineTemplate?.metadata?.labels,
    [labels.clusterName]: pass.clusterName,
    [labels.controlPlane]: '',
    [labels.controlPlaneName]: pass.controlPlane.metadata.name ?? '',
  };
}

export function machineAnnotations(pass: Pass): Record<string, string> {
  return { ...pass.controlPlane.spec?.machineTemplate?.metadata?.annotations };
}

function seconds(duration: string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const milliseconds = parseGoDuration(duration);
  return milliseconds === undefined ? undefined : Math.floor(milliseconds / 1000);
}

/** The v1beta1-style durations of the machine template as the v1beta2 Machine's `spec.deletion` seconds. */
export function machineDeletion(template: CK8sControlPlaneMachineTemplate | undefined): MachineDeletionSpec {
  const entries = {
    nodeDrainTimeoutSeconds: seconds(template?.nodeDrainTimeout),
    nodeVolumeDetachTimeoutSeconds: seconds(template?.nodeVolumeDetachTimeout),
    nodeDeletionTimeoutSeconds: seconds(template?.nodeDeletionTimeout),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
