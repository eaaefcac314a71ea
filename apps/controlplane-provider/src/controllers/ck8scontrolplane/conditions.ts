// The runtime's setCondition leaves `message` out when empty; the api's (metav1) Condition type requires it.
import type { Condition as ApiCondition } from '@capi-ck8s/api';
import type { Condition } from '@capi-ck8s/runtime';

export function asApiConditions(conditions: readonly Condition[]): ApiCondition[] {
  return conditions.map((condition) => ({ ...condition, message: condition.message ?? '' }));
}
