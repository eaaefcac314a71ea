// One new control plane Machine: the infrastructure machine cloned from the template (with Cluster API's cloned-from
// annotations), a CK8sConfig holding a copy of spec.spec (the bootstrap provider decides init or join), then the
// Machine that ties them together. When a step fails, what was already created is deleted again.
import { randomBytes } from 'node:crypto';
import { annotations, bootstrapApiVersion, bootstrapGroup, clusterApiVersion } from '@capi-ck8s/api';
import { controllerReference, groupOf, type KubeObject, type OwnerReference } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, InfrastructureObject, MachineObject } from '../../../kinds';
import { kinds } from '../../../kinds';
import { clonedFromAnnotations, formatRemediationData, type RemediationData } from '../decide';
import type { Pass, ReconcileDependencies } from '../dependencies';
import { machineAnnotations, machineDeletion, machineLabels } from './machine-metadata';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `<control plane>-<5 random characters>`, the shape of Kubernetes generated names. */
export function newMachineName(controlPlaneName: string): string {
  const suffix = [...randomBytes(5)].map((byte) => NAME_ALPHABET[byte % NAME_ALPHABET.length]).join('');
  return `${controlPlaneName}-${suffix}`;
}

function plainOwner(owner: KubeObject): OwnerReference {
  const { controller: _controller, blockOwnerDeletion: _block, ...reference } = controllerReference(owner);
  return reference;
}

interface TemplateContent {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export function cloneInfrastructureMachine(pass: Pass, template: InfrastructureObject, name: string): InfrastructureObject {
  const content = (template.spec?.['template'] ?? {}) as TemplateContent;
  const group = groupOf(template.apiVersion ?? '');
  return {
    apiVersion: template.apiVersion ?? '',
    kind: (template.kind ?? '').replace(/Template$/, ''),
    metadata: {
      name,
      namespace: pass.namespace,
      labels: { ...content.metadata?.labels, ...machineLabels(pass) },
      annotations: {
        ...content.metadata?.annotations,
        ...machineAnnotations(pass),
        [clonedFromAnnotations.name]: template.metadata.name ?? '',
        [clonedFromAnnotations.groupKind]: group ? `${template.kind ?? ''}.${group}` : (template.kind ?? ''),
      },
      ownerReferences: [plainOwner(pass.controlPlane)],
    },
    spec: structuredClone(content.spec ?? {}),
  };
}

export function bootstrapConfig(pass: Pass, name: string): CK8sConfigObject {
  return {
    apiVersion: bootstrapApiVersion,
    kind: 'CK8sConfig',
    metadata: {
      name,
      namespace: pass.namespace,
      labels: machineLabels(pass),
      annotations: machineAnnotations(pass),
      ownerReferences: [plainOwner(pass.controlPlane)],
    },
    spec: structuredClone(pass.controlPlane.spec?.spec ?? {}),
  };
}

export interface MachinePlacement {
  failureDomain: string | undefined;
  remediationFor: RemediationData | undefined;
}

export function controlPlaneMachine(pass: Pass, infrastructure: InfrastructureObject, name: string, placement: MachinePlacement): MachineObject {
  const spec = pass.controlPlane.spec;
  const deletion = machineDeletion(spec?.machineTemplate);
  return {
    apiVersion: clusterApiVersion,
    kind: 'Machine',
    metadata: {
      name,
      namespace: pass.namespace,
      labels: machineLabels(pass),
      annotations: {
        ...machineAnnotations(pass),
        [annotations.serverConfiguration]: JSON.stringify(spec?.spec?.controlPlane ?? {}),
        ...(placement.remediationFor ? { [annotations.remediationFor]: formatRemediationData(placement.remediationFor) } : {}),
      },
      ownerReferences: [controllerReference(pass.controlPlane)],
    },
    spec: {
      clusterName: pass.clusterName,
      version: spec?.version ?? '',
      bootstrap: { configRef: { apiGroup: bootstrapGroup, kind: 'CK8sConfig', name } },
      infrastructureRef: { apiGroup: groupOf(infrastructure.apiVersion ?? ''), kind: infrastructure.kind ?? '', name },
      ...(placement.failureDomain ? { failureDomain: placement.failureDomain } : {}),
      ...(Object.keys(deletion).length > 0 ? { deletion } : {}),
    },
  };
}

/** Creates the three objects; returns the Machine's name. */
export async function createMachine(deps: ReconcileDependencies, pass: Pass, template: InfrastructureObject, placement: MachinePlacement): Promise<string> {
  const name = newMachineName(pass.controlPlane.metadata.name ?? '');
  const infrastructure = cloneInfrastructureMachine(pass, template, name);
  const created: KubeObject[] = [];
  try {
    created.push(await deps.client.create(infrastructure));
    created.push(await deps.client.create(bootstrapConfig(pass, name)));
    await deps.client.create(controlPlaneMachine(pass, infrastructure, name, placement));
  } catch (error) {
    await Promise.allSettled(
      created.map((object) => deps.client.delete({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' }, { namespace: pass.namespace, name })),
    );
    throw new Error(`creating control plane machine ${name} failed (partial objects removed): ${(error as Error).message}`, { cause: error });
  }
  if (placement.remediationFor) {
    // The replacement now carries the remediation; the control plane no longer waits for it.
    await deps.client.mergePatch(kinds.controlPlane, { namespace: pass.namespace, name: pass.controlPlane.metadata.name ?? '' }, {
      metadata: { annotations: { [annotations.remediationInProgress]: null } },
    });
  }
  return name;
}
