// Cluster API's pause: `Cluster.spec.paused` or the `cluster.x-k8s.io/paused` annotation on the control plane.
import { annotations } from '@capi-ck8s/api';
import type { ClusterObject, ControlPlaneObject } from '../../../kinds';

/** Why reconciliation is paused, or undefined when it is not. */
export function pausedBecause(cluster: ClusterObject, controlPlane: ControlPlaneObject): string | undefined {
  if (cluster.spec?.paused) return `Cluster ${cluster.metadata.name ?? ''} has spec.paused set`;
  if (controlPlane.metadata.annotations?.[annotations.paused] !== undefined) {
    return `the control plane carries the ${annotations.paused} annotation`;
  }
  return undefined;
}
