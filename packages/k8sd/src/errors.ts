export type K8sdFailureKind =
  /** k8sd answered with a non-200 status; `statusCode` and k8sd's `error` text are set. */
  | 'http'
  /** k8sd answered 200 but its envelope carries an error. */
  | 'envelope'
  /** The response was not the JSON envelope or its metadata had the wrong shape. */
  | 'protocol'
  /** No answer within the call's timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The connection (or the port-forward tunnel) could not be opened or broke. */
  | 'connection';

/** A failed k8sd call, saying which endpoint, through which target (node/transport), and why. */
export class K8sdRequestError extends Error {
  readonly kind: K8sdFailureKind;
  readonly path: string;
  readonly target: string;
  readonly statusCode: number | undefined;

  constructor(failure: { kind: K8sdFailureKind; path: string; target: string; detail: string; statusCode?: number; cause?: unknown }) {
    super(`k8sd ${failure.path} via ${failure.target}: ${failure.detail}`, { cause: failure.cause });
    this.name = 'K8sdRequestError';
    this.kind = failure.kind;
    this.path = failure.path;
    this.target = failure.target;
    this.statusCode = failure.statusCode;
  }
}
