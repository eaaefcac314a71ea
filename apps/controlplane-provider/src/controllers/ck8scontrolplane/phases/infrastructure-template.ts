// The infrastructure machine template every control plane Machine is cloned from. Like KCP, the Cluster becomes an
// owner of the template, so that `clusterctl move` carries it and it is deleted with the cluster.
import { ck8sControlPlaneConditions } from '@capi-ck8s/api';
import { kindRef, withOwnerReference } from '@capi-ck8s/runtime';
import type { InfrastructureObject } from '../../../kinds';
import type { Pass, PhaseWait, ReconcileDependencies } from '../dependencies';

const TEMPLATE_RETRY_MS = 15_000;

export async function infrastructureTemplate(deps: ReconcileDependencies, pass: Pass): Promise<InfrastructureObject | PhaseWait> {
  const reference = pass.controlPlane.spec?.machineTemplate?.infrastructureTemplate;
  const waitFor = (reason: string, message: string): PhaseWait => ({
    condition: ck8sControlPlaneConditions.machinesReady,
    reason,
    message,
    retryAfterMs: TEMPLATE_RETRY_MS,
  });
  if (!reference?.apiVersion || !reference.kind || !reference.name) {
    return waitFor(
      'InvalidInfrastructureTemplate',
      'spec.machineTemplate.infrastructureTemplate must name the apiVersion, kind and name of an infrastructure machine template',
    );
  }
  const key = { namespace: reference.namespace || pass.namespace, name: reference.name };
  const template = await deps.client.find(kindRef<InfrastructureObject>(reference.apiVersion, reference.kind), key);
  if (!template) {
    return waitFor(
      'WaitingForInfrastructureTemplate',
      `infrastructure template ${reference.kind} ${key.namespace}/${key.name} (spec.machineTemplate.infrastructureTemplate) does not exist; create it or fix the reference`,
    );
  }
  if (!reference.kind.endsWith('Template')) return template;
  return deps.client.patch(template, withOwnerReference(template, pass.cluster));
}
