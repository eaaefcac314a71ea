import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { RenderInputError } from './errors';
import { parseSnapInstallAnnotation, snapInstallSource } from './snap-install';

describe('snap install source', () => {
  it.each<[string, CK8sConfigSpec, ReturnType<typeof snapInstallSource>]>([
    ['defaults to the classic stable track of the minor version', { version: 'v1.32.1' }, { option: 'channel', value: '1.32-classic/stable' }],
    ['accepts a version with pre-release and build parts', { version: 'v1.34.0-rc.1+abc' }, { option: 'channel', value: '1.34-classic/stable' }],
    ['honours a channel, including another risk level', { version: 'v1.32.1', channel: '1.32-classic/candidate' }, { option: 'channel', value: '1.32-classic/candidate' }],
    ['honours a revision', { version: 'v1.32.1', revision: '1234' }, { option: 'revision', value: '1234' }],
    ['honours a local path', { version: 'v1.32.1', localPath: '/opt/snaps' }, { option: 'localPath', value: '/opt/snaps' }],
  ])('%s', (_behaviour, spec, expected) => {
    expect(snapInstallSource(spec)).toEqual(expected);
  });

  it('rejects more than one source, naming the fields', () => {
    expect(() => snapInstallSource({ version: 'v1.32.1', channel: 'x', localPath: '/y' })).toThrow(
      'spec.channel, spec.revision, spec.localPath: at most one may be set, got channel, localPath',
    );
  });

  it.each(['', '1.32.1', 'v1.32', 'v1.32.x', 'latest', 'v01.2.3'])('rejects the version %j', (version) => {
    expect(() => snapInstallSource({ version })).toThrow(RenderInputError);
    expect(() => snapInstallSource({ version, channel: '1.32-classic/stable' })).toThrow(/^spec\.version: must be a semantic version/);
  });

  it.each([
    ['channel=1.33-classic/stable', { option: 'channel', value: '1.33-classic/stable' }],
    ['revision=999', { option: 'revision', value: '999' }],
    ['localPath=/opt/k8s=1.snap', { option: 'localPath', value: '/opt/k8s=1.snap' }],
  ])('reads the in-place upgrade release %s', (annotation, expected) => {
    expect(parseSnapInstallAnnotation(annotation, 'release')).toEqual(expected);
  });

  it.each(['channel', 'channel=', 'tag=1', '=x'])('rejects the in-place upgrade release %j', (annotation) => {
    expect(() => parseSnapInstallAnnotation(annotation, 'metadata.annotations[release]')).toThrow(
      /^metadata\.annotations\[release\]: must be channel=<channel>/,
    );
  });
});
