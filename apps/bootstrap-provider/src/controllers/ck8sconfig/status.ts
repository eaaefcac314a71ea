// The CK8sConfig status, recomputed from what one reconcile observed and written once at its end.
import { ck8sConfigConditions, type CK8sConfigStatus, ck8sConfigReasons } from '@capi-ck8s/api';
import { type Condition, type ConditionInput, setCondition, summarize } from '@capi-ck8s/runtime';
import type { CK8sConfigObject } from '../../kinds';

export interface ConditionReport {
  status: Condition['status'];
  reason: string;
  message?: string;
}

/** What the phases found out; a condition left undefined keeps its previous value. */
export interface Observations {
  paused?: ConditionReport;
  dataSecret?: ConditionReport;
  certificates?: ConditionReport;
  snapInstall?: ConditionReport;
  /** Name of the data secret once it exists (created now or found). */
  dataSecretName?: string;
}

/** Conditions that make up Ready, as upstream's summary; those never reported (e.g. certificates on a worker) are left out. */
const readyInputs = [ck8sConfigConditions.dataSecretAvailable, ck8sConfigConditions.certificatesAvailable];

export function dataSecretAvailable(name: string): ConditionReport {
  return { status: 'True', reason: ck8sConfigReasons.dataSecretAvailable, message: `bootstrap data is in Secret ${name}` };
}

/**
 * The next status: reported conditions replace the old ones, Ready summarises them, and observedGeneration moves
 * only when the reconcile ended without error (as CAPI's patch helper does).
 */
export function nextStatus(config: CK8sConfigObject, observations: Observations, nowMs: number, succeeded: boolean): CK8sConfigStatus {
  const previous = config.status ?? {};
  const generation = config.metadata.generation;
  const withGeneration = (type: string, report: ConditionReport): ConditionInput => ({
    type,
    ...report,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  });
  let conditions: Condition[] = previous.conditions ?? [];
  const reports: [string, ConditionReport | undefined][] = [
    [ck8sConfigConditions.paused, observations.paused],
    [ck8sConfigConditions.dataSecretAvailable, observations.dataSecret],
    [ck8sConfigConditions.certificatesAvailable, observations.certificates],
    [ck8sConfigConditions.snapInstallDataValidated, observations.snapInstall],
  ];
  for (const [type, report] of reports) {
    if (report) conditions = setCondition(conditions, withGeneration(type, report), nowMs);
  }
  const present = readyInputs.filter((type) => conditions.some((condition) => condition.type === type));
  if (present.length > 0) {
    conditions = setCondition(conditions, summarize(conditions, { forConditionTypes: present, ...(generation === undefined ? {} : { observedGeneration: generation }) }), nowMs);
  }
  const dataSecretName = observations.dataSecretName ?? previous.dataSecretName;
  return {
    ...previous,
    ...(dataSecretName && (observations.dataSecretName || previous.initialization?.dataSecretCreated || previous.ready)
      ? { dataSecretName, initialization: { ...previous.initialization, dataSecretCreated: true }, ready: true }
      : {}),
    ...(succeeded && generation !== undefined ? { observedGeneration: generation } : {}),
    conditions,
  };
}
