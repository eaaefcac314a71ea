export * from './errors';
export * from './input';
export * from './k8s-config';
export * from './k8sd-proxy';
export * from './paths';
export * from './render';
export * from './scripts';
export * from './snap-install';
