// The webhooks hand these functions whatever JSON a request carries: they must answer with field errors, never throw,
// and defaulting must be stable.
import fc from 'fast-check';
import {
  defaultCK8sConfig,
  defaultCK8sControlPlane,
  defaultCK8sControlPlaneTemplate,
} from '../defaulting';
import { loadFixtures } from '../fixtures/fixtures';
import { CK8sControlPlane } from '../schema/ck8scontrolplane';
import { validateCK8sConfig, validateCK8sConfigTemplate } from './ck8sconfig';
import {
  validateCK8sControlPlane,
  validateCK8sControlPlaneScale,
  validateCK8sControlPlaneTemplate,
} from './ck8scontrolplane';
import type { FieldError } from './field-errors';
import { schemaErrors } from './schema-validation';

const validators: [string, (object: unknown, old?: unknown) => FieldError[]][] = [
  ['validateCK8sConfig', (object, old) => validateCK8sConfig(object, old)],
  ['validateCK8sConfigTemplate', (object, old) => validateCK8sConfigTemplate(object, old)],
  ['validateCK8sControlPlane', (object, old) => validateCK8sControlPlane(object, old)],
  ['validateCK8sControlPlaneTemplate', (object, old) => validateCK8sControlPlaneTemplate(object, old)],
];

const fieldValue = fc.oneof(
  fc.string(),
  fc.integer({ min: -5, max: 70_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('v1.33.2', 'v1.35.0', 'edge', '1.33-classic/stable', '/abs', 'http://p:1', 'external', '0', '1h'),
  fc.array(fc.oneof(fc.string(), fc.record({ path: fc.string() })), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('--v', 'runcmd', 'users', 'a.b'), fc.oneof(fc.string(), fc.constant(null))),
);

const configSpec = fc.record(
  {
    version: fieldValue,
    channel: fieldValue,
    revision: fieldValue,
    localPath: fieldValue,
    httpProxy: fieldValue,
    files: fc.array(fc.record({ path: fieldValue, content: fieldValue, encoding: fieldValue, permissions: fieldValue }, { requiredKeys: [] }), { maxLength: 3 }),
    additionalUserData: fieldValue,
    controlPlane: fc.record({ datastoreType: fieldValue, etcdPort: fieldValue, nodeTaints: fieldValue, microclusterAddress: fieldValue }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** Objects shaped like the four resources, with any value in any field. */
const resourceLike = fc.oneof(
  fc.anything(),
  fc.record({ spec: configSpec }),
  fc.record({ spec: fc.record({ template: fc.record({ spec: configSpec }) }) }),
  fc.record({
    metadata: fc.record({ namespace: fc.constantFrom('a', 'b') }),
    spec: fc.record(
      {
        version: fieldValue,
        replicas: fieldValue,
        rolloutStrategy: fc.record({ rollingUpdate: fc.record({ maxSurge: fieldValue }) }),
        machineTemplate: fc.record({ infrastructureTemplate: fc.record({ name: fieldValue, namespace: fieldValue }, { requiredKeys: [] }), nodeDrainTimeout: fieldValue }, { requiredKeys: [] }),
        spec: configSpec,
      },
      { requiredKeys: [] },
    ),
  }),
);

const text = fc.oneof(fc.string(), fc.constantFrom('', '/', '{{ x }}', 'v1.2.3', 'stable', '10.0.0.0/8', '::1', 'a:b:c'));
const optional = { requiredKeys: [] as never[] };

/** Specs the CRD schema accepts, with arbitrary strings and numbers: they reach every semantic rule. */
const wellFormedSpec = fc.record(
  {
    version: text,
    channel: text,
    revision: text,
    localPath: text,
    httpProxy: text,
    httpsProxy: text,
    noProxy: text,
    snapstoreProxyDomain: text,
    snapstoreProxyId: text,
    files: fc.array(
      fc.record(
        {
          path: text,
          content: text,
          permissions: text,
          owner: text,
          encoding: fc.constantFrom('base64' as const, 'gzip' as const, 'gzip+base64' as const),
          contentFrom: fc.record({ secret: fc.record({ name: text, key: text }) }),
        },
        { requiredKeys: ['path'] },
      ),
      { maxLength: 4 },
    ),
    bootstrapConfig: fc.record({ content: text, contentFrom: fc.record({ secret: fc.record({ name: text, key: text }) }) }, optional),
    additionalUserData: fc.dictionary(fc.oneof(text, fc.constantFrom('runcmd', 'bootcmd', 'write_files')), text),
    controlPlane: fc.record(
      {
        datastoreType: fc.oneof(text, fc.constantFrom('etcd', 'external')),
        datastoreServersSecretRef: fc.record({ name: text }),
        etcdPort: fc.integer({ min: -1, max: 70_000 }),
        etcdPeerPort: fc.integer({ min: 2379, max: 2381 }),
        microclusterPort: fc.integer({ min: 2379, max: 2381 }),
        microclusterAddress: text,
        nodeTaints: fc.array(text, { maxLength: 3 }),
      },
      optional,
    ),
  },
  optional,
);

const wellFormedControlPlane = fc.record({
  metadata: fc.record({ namespace: fc.constantFrom('a', 'b') }),
  spec: fc.record(
    {
      version: text,
      replicas: fc.integer({ min: -3, max: 9 }),
      rolloutStrategy: fc.record({ rollingUpdate: fc.record({ maxSurge: fc.oneof(fc.integer({ min: -1, max: 3 }), text) }) }),
      remediationStrategy: fc.record({ retryPeriod: text, minHealthyPeriod: text }, optional),
      machineTemplate: fc.record(
        { infrastructureTemplate: fc.record({ apiVersion: text, kind: text, name: text, namespace: text }, optional), nodeDrainTimeout: text },
        { requiredKeys: ['infrastructureTemplate'] },
      ),
      spec: wellFormedSpec,
    },
    { requiredKeys: ['version'] },
  ),
});

const isFieldError = (error: FieldError) =>
  typeof error.field === 'string' &&
  ['Invalid', 'Required', 'Forbidden', 'NotSupported', 'Duplicate'].includes(error.type) &&
  error.message.length > 0;

describe('validators on arbitrary input', () => {
  it.each(validators)('%s returns field errors and never throws, on create and on update', (_name, validate) => {
    fc.assert(
      fc.property(resourceLike, fc.option(resourceLike, { nil: undefined }), (object, old) => {
        const errors = validate(object, old);
        expect(errors.every(isFieldError)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('well-formed control planes and configs reach every rule without throwing', () => {
    fc.assert(
      fc.property(wellFormedControlPlane, wellFormedControlPlane, wellFormedSpec, (object, old, spec) => {
        expect(schemaErrors(CK8sControlPlane, object)).toEqual([]);
        expect(validateCK8sControlPlane(object, old).every(isFieldError)).toBe(true);
        expect(validateCK8sConfig({ spec }, { spec, status: { ready: true } }).every(isFieldError)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('validateCK8sControlPlaneScale rejects every even or non-positive count with managed etcd', () => {
    const controlPlane: CK8sControlPlane = { spec: { version: 'v1.33.0' } };
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 100 }), (replicas) => {
        const accepted = validateCK8sControlPlaneScale(replicas, controlPlane).length === 0;
        expect(accepted).toBe(replicas >= 1 && replicas % 2 === 1);
      }),
    );
  });
});

describe('defaulting', () => {
  const fixtures = loadFixtures();
  const defaulters: Record<string, (object: never) => unknown> = {
    CK8sConfig: defaultCK8sConfig,
    CK8sControlPlane: defaultCK8sControlPlane,
    CK8sControlPlaneTemplate: defaultCK8sControlPlaneTemplate,
  };

  it.each(fixtures.filter((fixture) => fixture.kind in defaulters).map((fixture) => [`${fixture.kind}/${fixture.name}`, fixture] as const))(
    'is idempotent and keeps %s valid',
    (_name, fixture) => {
      const applyDefaults = defaulters[fixture.kind]!;
      const once = applyDefaults(fixture.object as never);
      expect(applyDefaults(once as never)).toEqual(once);
      const validate = validators.find(([name]) => name === `validate${fixture.kind}`)![1];
      expect(validate(once)).toEqual([]);
    },
  );
});
