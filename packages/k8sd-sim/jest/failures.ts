import { K8sdRequestError } from '@capi-ck8s/k8sd';

/** The error a call must fail with; a call that succeeds fails the test. */
export async function rejectionOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** Like rejectionOf, for k8sd client calls: anything but a K8sdRequestError fails the test. */
export async function k8sdFailure(call: Promise<unknown>): Promise<K8sdRequestError> {
  const error = await rejectionOf(call);
  if (error instanceof K8sdRequestError) return error;
  throw error;
}
