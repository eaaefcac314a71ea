import type { KubeObject } from '../objects';
import { type AdmissionRequest, runDefaulter, runValidator } from './admission';
import { fieldErrors, invalidStatus } from './field-errors';

type Widget = KubeObject & { spec: { replicas?: number; version?: string } };

const request = (operation: AdmissionRequest['operation'], object?: Widget, oldObject?: Widget): AdmissionRequest<Widget> => ({
  uid: 'req-1',
  kind: { group: 'example.com', version: 'v1', kind: 'Widget' },
  resource: { group: 'example.com', version: 'v1', resource: 'widgets' },
  name: 'w',
  namespace: 'ns',
  operation,
  ...(object ? { object } : {}),
  ...(oldObject ? { oldObject } : {}),
});

const widget = (spec: Widget['spec']): Widget => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec });

function decodePatch(patch: string | undefined): unknown {
  return JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8'));
}

describe('defaulting', () => {
  it('answers with a base64 JSON patch from the object as received to the defaulted one', async () => {
    const response = await runDefaulter(request('CREATE', widget({})), (object) => {
      object.spec.replicas ??= 1;
      object.metadata.labels = { defaulted: 'true' };
    });
    expect(response).toMatchObject({ uid: 'req-1', allowed: true, patchType: 'JSONPatch' });
    expect(decodePatch(response.patch)).toEqual(
      expect.arrayContaining([
        { op: 'add', path: '/spec/replicas', value: 1 },
        { op: 'add', path: '/metadata/labels', value: { defaulted: 'true' } },
      ]),
    );
  });

  it('sends no patch when nothing changes, and does not default deletes', async () => {
    expect(await runDefaulter(request('CREATE', widget({ replicas: 3 })), () => undefined)).toEqual({ uid: 'req-1', allowed: true });
    expect(await runDefaulter(request('DELETE', undefined, widget({})), () => widget({ replicas: 9 }))).toEqual({ uid: 'req-1', allowed: true });
  });
});

describe('validation', () => {
  const validator = {
    validateCreate: (object: Widget) => ({
      errors: [
        ...(object.spec.replicas === undefined ? [fieldErrors.required('spec.replicas', 'set the number of replicas')] : []),
        ...(object.spec.version && !object.spec.version.startsWith('v') ? [fieldErrors.invalid('spec.version', object.spec.version, 'must start with "v"')] : []),
      ],
      warnings: ['spec.foo is deprecated'],
    }),
    validateUpdate: (old: Widget, object: Widget) => ({
      errors: old.spec.version !== object.spec.version ? [fieldErrors.forbidden('spec.version', 'field is immutable')] : [],
    }),
  };

  it('denies with every field error, in the message and as causes, and keeps warnings', async () => {
    const response = await runValidator(request('CREATE', widget({ version: '1.30' })), validator);
    expect(response.allowed).toBe(false);
    expect(response.warnings).toEqual(['spec.foo is deprecated']);
    expect(response.status).toEqual({
      kind: 'Status',
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: 'Widget.example.com "w" is invalid: [spec.replicas: Required value: set the number of replicas, spec.version: Invalid value: "1.30": must start with "v"]',
      details: {
        name: 'w',
        group: 'example.com',
        kind: 'Widget',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value: set the number of replicas', field: 'spec.replicas' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: "1.30": must start with "v"', field: 'spec.version' },
        ],
      },
    });
  });

  it('allows with warnings when there are no errors', async () => {
    expect(await runValidator(request('CREATE', widget({ replicas: 1, version: 'v1.30' })), validator)).toEqual({
      uid: 'req-1',
      allowed: true,
      warnings: ['spec.foo is deprecated'],
    });
  });

  it('passes old and new objects to validateUpdate; a missing validateDelete allows', async () => {
    const denied = await runValidator(request('UPDATE', widget({ version: 'v2' }), widget({ version: 'v1' })), validator);
    expect(denied.status?.message).toBe('Widget.example.com "w" is invalid: spec.version: Forbidden: field is immutable');
    expect((await runValidator(request('DELETE', undefined, widget({})), validator)).allowed).toBe(true);
  });

  it('formats a core-group kind without a trailing dot', () => {
    expect(invalidStatus({ group: '', kind: 'Secret' }, 's', [fieldErrors.notSupported('type', 'x', ['a', 'b'])]).message).toBe(
      'Secret "s" is invalid: type: Unsupported value: "x": supported values: "a", "b"',
    );
  });
});
