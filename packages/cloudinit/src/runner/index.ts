export * from './node-log';
export * from './node-runner';
