// controlplane.cluster.x-k8s.io/v1beta2 CK8sControlPlane and CK8sControlPlaneTemplate. The infrastructure template
// reference keeps its upstream JSON name `machineTemplate.infrastructureTemplate` (KCP calls it infrastructureRef).
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ck8sConfigSpecAs } from './ck8sconfig';
import { typeMetaProperties } from './meta';
import {
  Conditions,
  Duration,
  Int32,
  Int64,
  IntOrString,
  ObjectReference,
  PropagatedMetadata,
  Timestamp,
} from './openapi';

export const CK8sControlPlaneMachineTemplate = Type.Object(
  {
    metadata: Type.Optional(
      PropagatedMetadata(
        'Labels and annotations for the control plane Machines, their infrastructure machines and CK8sConfigs. ' +
          'Changing them updates existing Machines without a rollout.',
      ),
    ),
    infrastructureTemplate: ObjectReference(
      'Infrastructure machine template cloned for each control plane Machine. The namespace defaults to the ' +
        'namespace of the control plane.',
    ),
    nodeDrainTimeout: Type.Optional(
      Duration({ description: 'How long to drain a node before deleting its Machine; 0 or empty waits forever.' }),
    ),
    nodeVolumeDetachTimeout: Type.Optional(
      Duration({ description: 'How long to wait for volumes to detach; 0 or empty waits forever.' }),
    ),
    nodeDeletionTimeout: Type.Optional(
      Duration({ description: 'How long to retry deleting the Node of a deleted Machine; 0 retries forever.' }),
    ),
  },
  { description: 'Shape of the control plane Machines.' },
);
export type CK8sControlPlaneMachineTemplate = Static<typeof CK8sControlPlaneMachineTemplate>;

export const RemediationStrategy = Type.Object(
  {
    maxRetry: Type.Optional(
      Int32({
        description:
          'How many times a replacement of an unhealthy machine is itself remediated before giving up. ' +
          'Unset means no limit.',
        minimum: 0,
      }),
    ),
    retryPeriod: Type.Optional(
      Duration({ description: 'Wait between remediating a machine and remediating its replacement. Default 0.' }),
    ),
    minHealthyPeriod: Type.Optional(
      Duration({
        description:
          'A replacement that fails after being healthy this long is a new problem, not a retry. Default 1h.',
      }),
    ),
  },
  { description: 'How unhealthy control plane machines are remediated.' },
);
export type RemediationStrategy = Static<typeof RemediationStrategy>;

export const RolloutStrategy = Type.Object(
  {
    rollingUpdate: Type.Optional(
      Type.Object(
        {
          maxSurge: Type.Optional(
            IntOrString({
              description:
                'Machines created above the desired replicas during a rollout: 1 (create then delete) or 0 ' +
                '(delete then create, needs at least 3 replicas). Defaults to 1.',
            }),
          ),
        },
        { description: 'Parameters of the rolling update.' },
      ),
    ),
  },
  {
    description: 'How control plane machines are replaced by new ones.',
    default: { rollingUpdate: { maxSurge: 1 } },
  },
);
export type RolloutStrategy = Static<typeof RolloutStrategy>;

const sharedControlPlaneSpecProperties = {
  spec: Type.Optional(
    ck8sConfigSpecAs('Bootstrap configuration shared by every control plane machine (copied into its CK8sConfig).'),
  ),
  rolloutAfter: Type.Optional(
    Timestamp({ description: 'Machines created before this time are replaced once the time has passed.' }),
  ),
  remediationStrategy: Type.Optional(RemediationStrategy),
  rolloutStrategy: Type.Optional(RolloutStrategy),
};

export const CK8sControlPlaneSpec = Type.Object(
  {
    replicas: Type.Optional(
      Int32({
        description:
          'Number of control plane machines. Defaults to 1. Must be odd when the managed etcd is used, so that ' +
          'the etcd quorum survives the loss of a member.',
      }),
    ),
    version: Type.String({ description: 'Kubernetes version of the control plane, e.g. v1.33.2.' }),
    machineTemplate: Type.Optional(CK8sControlPlaneMachineTemplate),
    ...sharedControlPlaneSpecProperties,
  },
  { description: 'Desired state of the control plane.' },
);
export type CK8sControlPlaneSpec = Static<typeof CK8sControlPlaneSpec>;

export const LastRemediation = Type.Object(
  {
    machine: Type.String({ description: 'Name of the remediated Machine.' }),
    timestamp: Timestamp({ description: 'When the remediation happened.' }),
    retryCount: Int32({ description: 'Retries of the remediation of the same problem so far.', minimum: 0 }),
  },
  { description: 'The last remediation done by this control plane.' },
);
export type LastRemediation = Static<typeof LastRemediation>;

export const VersionReplicas = Type.Object(
  {
    version: Type.String({ description: 'A Kubernetes version run by control plane machines.' }),
    replicas: Type.Optional(Int32({ description: 'Machines running this version.', minimum: 0 })),
  },
  { description: 'How many control plane machines run one version.' },
);
export type VersionReplicas = Static<typeof VersionReplicas>;

export const CK8sControlPlaneStatus = Type.Object(
  {
    initialization: Type.Optional(
      Type.Object(
        {
          controlPlaneInitialized: Type.Optional(
            Type.Boolean({ description: 'True once the workload cluster API is initialized (CAPI v1beta2).' }),
          ),
        },
        { description: 'Provisioning milestones read by Cluster API.' },
      ),
    ),
    selector: Type.Optional(Type.String({ description: 'Label selector of the control plane Machines.' })),
    replicas: Type.Optional(Int32({ description: 'Control plane Machines that exist.', minimum: 0 })),
    readyReplicas: Type.Optional(Int32({ description: 'Control plane machines that are ready.', minimum: 0 })),
    availableReplicas: Type.Optional(
      Int32({ description: 'Control plane machines that are available.', minimum: 0 }),
    ),
    upToDateReplicas: Type.Optional(
      Int32({ description: 'Control plane machines that match the desired spec.', minimum: 0 }),
    ),
    updatedReplicas: Type.Optional(
      Int32({ description: 'Same as upToDateReplicas, for readers of the CAPI v1beta1 contract.', minimum: 0 }),
    ),
    unavailableReplicas: Type.Optional(
      Int32({ description: 'replicas minus readyReplicas, for readers of the CAPI v1beta1 contract.', minimum: 0 }),
    ),
    version: Type.Optional(Type.String({ description: 'Lowest Kubernetes version among the control plane.' })),
    versions: Type.Optional(
      Type.Array(VersionReplicas, { description: 'Kubernetes versions of the control plane, oldest first.' }),
    ),
    initialized: Type.Optional(
      Type.Boolean({ description: 'True once the cluster is initialized (CAPI v1beta1 contract).' }),
    ),
    ready: Type.Optional(
      Type.Boolean({ description: 'True once the API server has served requests (CAPI v1beta1 contract).' }),
    ),
    observedGeneration: Type.Optional(
      Int64({ description: 'Latest metadata.generation the controller acted on.', minimum: 0 }),
    ),
    lastRemediation: Type.Optional(LastRemediation),
    conditions: Type.Optional(Conditions('Current observations of the control plane state.')),
  },
  { description: 'Observed state of the control plane.' },
);
export type CK8sControlPlaneStatus = Static<typeof CK8sControlPlaneStatus>;

export const CK8sControlPlane = Type.Object(
  {
    ...typeMetaProperties,
    spec: Type.Optional(CK8sControlPlaneSpec),
    status: Type.Optional(CK8sControlPlaneStatus),
  },
  { description: 'A Canonical Kubernetes control plane made of Cluster API Machines.' },
);
export type CK8sControlPlane = Static<typeof CK8sControlPlane>;

export const CK8sControlPlaneTemplateResourceSpec = Type.Object(
  {
    machineTemplate: Type.Optional(CK8sControlPlaneMachineTemplate),
    ...sharedControlPlaneSpecProperties,
  },
  { description: 'Spec of the control planes created from this template (without replicas and version).' },
);
export type CK8sControlPlaneTemplateResourceSpec = Static<typeof CK8sControlPlaneTemplateResourceSpec>;

export const CK8sControlPlaneTemplate = Type.Object(
  {
    ...typeMetaProperties,
    spec: Type.Optional(
      Type.Object(
        {
          template: Type.Object(
            {
              metadata: Type.Optional(
                PropagatedMetadata('Labels and annotations for the control planes created from this template.'),
              ),
              spec: CK8sControlPlaneTemplateResourceSpec,
            },
            { description: 'The CK8sControlPlane to create.' },
          ),
        },
        { description: 'Template for CK8sControlPlanes, used by ClusterClass.' },
      ),
    ),
  },
  { description: 'Template of CK8sControlPlane used by ClusterClass.' },
);
export type CK8sControlPlaneTemplate = Static<typeof CK8sControlPlaneTemplate>;
