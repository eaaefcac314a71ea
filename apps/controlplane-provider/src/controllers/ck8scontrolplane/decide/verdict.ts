// The shape every decision uses to say "not now": a CamelCase reason for conditions and events, a message a user
// can act on, and when to look again. Decisions never return a bare false, so every wait is logged with its cause.

/** Condition/event reasons of the waits and refusals the decisions produce. */
export const refusalReasons = {
  machineDeleting: 'WaitingForMachineDeletion',
  workloadUnreachable: 'WorkloadClusterUnreachable',
  controlPlaneUnhealthy: 'ControlPlaneUnhealthy',
  datastoreMembershipUnknown: 'DatastoreMembershipUnknown',
  datastoreMembershipChanging: 'DatastoreMembershipChanging',
  datastoreQuorumAtRisk: 'DatastoreQuorumAtRisk',
  evenReplicas: 'EvenReplicasWithManagedDatastore',
  invalidRolloutStrategy: 'InvalidRolloutStrategy',
  waitingForInitialization: 'WaitingForControlPlaneInitialization',
  noMachineToScaleDown: 'NoMachineToScaleDown',
  remediationInProgress: 'RemediationInProgress',
  remediationRetryPeriod: 'WaitingForRemediationRetryPeriod',
  remediationMaxRetryReached: 'RemediationMaxRetryReached',
  remediationOfLastMachine: 'RemediationOfLastMachineRefused',
  machineProvisioning: 'WaitingForMachineProvisioning',
  invalidRemediationAnnotation: 'InvalidRemediationAnnotation',
  invalidRemediationStrategy: 'InvalidRemediationStrategy',
} as const;

export type RefusalReason = (typeof refusalReasons)[keyof typeof refusalReasons];

/** Requeue delays, as KCP uses them: deletions take a while, health may recover quickly. */
export const retryAfterSeconds = { deletion: 30, health: 15, configuration: 60 } as const;

export interface Refusal {
  reason: RefusalReason;
  message: string;
  retryAfterSeconds: number;
}

export type Verdict = { allowed: true } | ({ allowed: false } & Refusal);

export const allowed: Verdict = Object.freeze({ allowed: true });

export function refuse(reason: RefusalReason, message: string, retryAfter: number): Verdict {
  return { allowed: false, reason, message, retryAfterSeconds: retryAfter };
}

/** Lists names for a message: "a", "a and b", "a, b and c". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
