/** A condition in the metav1.Condition shape (CAPI v1beta2 conditions use the same shape). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  /** Required by metav1.Condition (it may be empty). */
  message: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'message'> & { message?: string };

const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function formatTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Returns new conditions with `input` set. lastTransitionTime changes only when the status changes, so an unchanged
 * condition keeps its time and the whole list compares equal — which lets status writes be skipped as no-ops.
 */
export function setCondition(conditions: readonly Condition[] | undefined, input: ConditionInput, nowMs: number): Condition[] {
  if (!REASON_PATTERN.test(input.reason)) {
    throw new Error(`condition ${input.type}: reason "${input.reason}" must be CamelCase (letters, digits, '_', ',' or ':')`);
  }
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === input.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime = previous && previous.status === input.status ? previous.lastTransitionTime : formatTime(nowMs);
  const next: Condition = {
    type: input.type,
    status: input.status,
    ...(input.observedGeneration === undefined ? {} : { observedGeneration: input.observedGeneration }),
    lastTransitionTime,
    reason: input.reason,
    // metav1.Condition requires message (it may be empty); an absent one fails the CRD's schema validation.
    message: input.message ?? '',
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((condition) => condition.type !== type);
}

export interface SummaryOptions {
  /** Condition types that make up the summary; missing ones count as Unknown. */
  forConditionTypes: readonly string[];
  /** The summary's type; `Ready` unless told. */
  type?: string;
  observedGeneration?: number;
}

/**
 * Merges the listed conditions into one (by default `Ready`), in the spirit of CAPI's conditions.Summary: any False
 * makes it False, else any Unknown (or missing) makes it Unknown, else True. The reason is that of the first
 * condition in the worst state, the message lists every condition in that state.
 */
export function summarize(conditions: readonly Condition[] | undefined, options: SummaryOptions): ConditionInput {
  const states = options.forConditionTypes.map((type) => ({ type, condition: findCondition(conditions, type) }));
  const worst = (['False', 'Unknown'] as const).find((status) => states.some((state) => (state.condition?.status ?? 'Unknown') === status));
  const base = { type: options.type ?? 'Ready', ...(options.observedGeneration === undefined ? {} : { observedGeneration: options.observedGeneration }) };
  if (!worst) return { ...base, status: 'True', reason: 'Ready' };
  const offenders = states.filter((state) => (state.condition?.status ?? 'Unknown') === worst);
  const message = offenders
    .map((state) => `${state.type}: ${state.condition?.message || (state.condition ? state.condition.reason : 'condition not yet reported')}`)
    .join('; ');
  return { ...base, status: worst, reason: offenders[0]?.condition?.reason ?? 'NotReported', message };
}
