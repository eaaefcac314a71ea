// Condition types and reasons. Under the CAPI v1beta2 contract conditions are metav1.Conditions, whose reason is
// required for every status, so each type comes with reasons for the good state too.
import type { Static } from '@sinclair/typebox';
import type { Condition as ConditionSchema } from './schema/openapi';

export type Condition = Static<typeof ConditionSchema>;
export type ConditionStatus = Condition['status'];

/** Conditions Cluster API reads or aggregates on any provider object. */
export const commonConditions = {
  ready: 'Ready',
  paused: 'Paused',
  deleting: 'Deleting',
} as const;

export const commonReasons = {
  ready: 'Ready',
  notReady: 'NotReady',
  paused: 'Paused',
  notPaused: 'NotPaused',
  deleting: 'Deleting',
  notDeleting: 'NotDeleting',
  inspectionFailed: 'InspectionFailed',
} as const;

export const ck8sConfigConditions = {
  ...commonConditions,
  dataSecretAvailable: 'DataSecretAvailable',
  certificatesAvailable: 'CertificatesAvailable',
  snapInstallDataValidated: 'SnapInstallDataValidated',
} as const;

export const ck8sConfigReasons = {
  ...commonReasons,
  dataSecretAvailable: 'Available',
  waitingForClusterInfrastructure: 'WaitingForClusterInfrastructure',
  waitingForControlPlaneAvailable: 'WaitingForControlPlaneAvailable',
  dataSecretGenerationFailed: 'DataSecretGenerationFailed',
  certificatesAvailable: 'Available',
  certificatesGenerationFailed: 'CertificatesGenerationFailed',
  certificatesCorrupted: 'CertificatesCorrupted',
  snapInstallDataValid: 'Valid',
  snapInstallValidationFailed: 'SnapInstallValidationFailed',
} as const;

export const ck8sControlPlaneConditions = {
  ...commonConditions,
  available: 'Available',
  initialized: 'Initialized',
  certificatesAvailable: 'CertificatesAvailable',
  tokenAvailable: 'TokenAvailable',
  machinesReady: 'MachinesReady',
  machinesUpToDate: 'MachinesUpToDate',
  /** Upstream v1beta1 name of machinesUpToDate. */
  machinesSpecUpToDate: 'MachinesSpecUpToDate',
  /** Upstream v1beta1 condition replaced by scalingUp/scalingDown. */
  resized: 'Resized',
  rollingOut: 'RollingOut',
  scalingUp: 'ScalingUp',
  scalingDown: 'ScalingDown',
  remediating: 'Remediating',
  controlPlaneComponentsHealthy: 'ControlPlaneComponentsHealthy',
} as const;

export const ck8sControlPlaneReasons = {
  ...commonReasons,
  available: 'Available',
  notAvailable: 'NotAvailable',
  waitingForCK8sServer: 'WaitingForCK8sServer',
  initialized: 'Initialized',
  notInitialized: 'NotInitialized',
  certificatesAvailable: 'Available',
  certificatesGenerationFailed: 'CertificatesGenerationFailed',
  tokenAvailable: 'Available',
  tokenGenerationFailed: 'TokenGenerationFailed',
  upToDate: 'UpToDate',
  notUpToDate: 'NotUpToDate',
  rollingOut: 'RollingOut',
  notRollingOut: 'NotRollingOut',
  rollingUpdateInProgress: 'RollingUpdateInProgress',
  scalingUp: 'ScalingUp',
  notScalingUp: 'NotScalingUp',
  scalingDown: 'ScalingDown',
  notScalingDown: 'NotScalingDown',
  remediating: 'Remediating',
  notRemediating: 'NotRemediating',
  remediationBlocked: 'RemediationBlocked',
  controlPlaneComponentsHealthy: 'Healthy',
  controlPlaneComponentsUnhealthy: 'ControlPlaneComponentsUnhealthy',
  controlPlaneComponentsUnknown: 'ControlPlaneComponentsUnknown',
  controlPlaneComponentsInspectionFailed: 'ControlPlaneComponentsInspectionFailed',
} as const;

/** Condition the control plane provider sets on Machines: the node agent (k8sd) answers. */
export const machineConditions = { agentHealthy: 'AgentHealthy' } as const;

export const machineReasons = {
  agentHealthy: 'Healthy',
  podProvisioning: 'PodProvisioning',
  podMissing: 'PodMissing',
  podFailed: 'PodFailed',
  podInspectionFailed: 'PodInspectionFailed',
} as const;
