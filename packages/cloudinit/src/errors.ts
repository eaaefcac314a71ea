/** Bad renderer input: names the offending field and the rule it breaks, so the controller can surface it as is. */
export class RenderInputError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'RenderInputError';
  }
}
