/** The metav1.Status body the apiserver sends with errors. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string | undefined;
  readonly status: StatusBody | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: number, description: string, status?: StatusBody, retryAfterSeconds?: number) {
    super(`${description}: ${code}${status?.reason ? ` ${status.reason}` : ''}${status?.message ? `: ${status.message}` : ''}`);
    this.name = 'ApiError';
    this.code = code;
    this.reason = status?.reason;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function hasCode(error: unknown, code: number): boolean {
  return error instanceof ApiError && error.code === code;
}

export const isNotFound = (error: unknown): boolean => hasCode(error, 404);
export const isConflict = (error: unknown): boolean => hasCode(error, 409) && (error as ApiError).reason !== 'AlreadyExists';
export const isAlreadyExists = (error: unknown): boolean => hasCode(error, 409) && (error as ApiError).reason === 'AlreadyExists';
export const isGone = (error: unknown): boolean => hasCode(error, 410);
