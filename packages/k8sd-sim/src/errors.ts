/** A failure k8sd reports in its error envelope with this HTTP status. */
export class K8sdError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new K8sdError(400, message);
export const unauthorized = (message: string) => new K8sdError(401, message);
export const internalError = (message: string) => new K8sdError(500, message);
export const unavailable = (message: string) => new K8sdError(503, message);
