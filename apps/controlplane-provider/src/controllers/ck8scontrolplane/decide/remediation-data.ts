// The JSON `{machine, timestamp, retryCount}` KCP and upstream keep in the remediation annotations: on the control
// plane while the replacement of a remediated Machine is pending (`remediation-in-progress`), then on the
// replacement itself (`remediation-for`), which is how retries of the same problem are counted.
// It has the shape of status.lastRemediation: machine remediated, RFC 3339 time, and retryCount (0 for the first
// remediation of a problem, +1 for each remediation of a replacement within minHealthyPeriod).
import type { LastRemediation } from '@capi-ck8s/api';

export type RemediationData = LastRemediation;

export type ParsedRemediationData = { ok: true; data: RemediationData } | { ok: false; message: string };

const expectedShape = 'must be JSON {"machine": <name>, "timestamp": <RFC 3339>, "retryCount": <integer ≥ 0>}';

export function parseRemediationData(annotation: string, value: string): ParsedRemediationData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, message: `annotation ${annotation} ${expectedShape}, got ${JSON.stringify(value)}` };
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const { machine, timestamp, retryCount } = record;
  if (
    typeof machine !== 'string' ||
    machine === '' ||
    typeof timestamp !== 'string' ||
    Number.isNaN(Date.parse(timestamp)) ||
    typeof retryCount !== 'number' ||
    !Number.isInteger(retryCount) ||
    retryCount < 0
  ) {
    return { ok: false, message: `annotation ${annotation} ${expectedShape}, got ${value}` };
  }
  return { ok: true, data: { machine, timestamp, retryCount } };
}

/** The annotation `key` parsed, or undefined when the object does not carry it. */
export function remediationDataIn(
  objectAnnotations: Readonly<Record<string, string>> | undefined,
  key: string,
): ParsedRemediationData | undefined {
  const value = objectAnnotations?.[key];
  return value === undefined ? undefined : parseRemediationData(key, value);
}

export function formatRemediationData(data: RemediationData): string {
  return JSON.stringify({ machine: data.machine, timestamp: data.timestamp, retryCount: data.retryCount });
}

/** metav1.Time's serialisation: RFC 3339 in UTC with whole seconds. */
export function rfc3339Seconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
