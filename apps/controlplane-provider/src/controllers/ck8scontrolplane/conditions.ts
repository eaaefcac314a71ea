// The runtime's setCondition always writes `message`, but its Condition type still declares it optional while the
// api's (metav1) Condition requires it: this bridges the types until the runtime's type says what it writes.
import type { Condition as ApiCondition } from '@capi-ck8s/api';
import type { Condition } from '@capi-ck8s/runtime';

export function asApiConditions(conditions: readonly Condition[]): ApiCondition[] {
  return conditions.map((condition) => ({ ...condition, message: condition.message ?? '' }));
}
