import { pino, type DestinationStream, type Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * Paths that could hold secret material if an object or request ever reached a log call; pino replaces them.
 * The runtime itself logs keys (`controller`, `object`), never whole objects, so this is a second line of defence.
 */
const REDACTED_PATHS = [
  'data',
  'stringData',
  '*.data',
  '*.stringData',
  '*.*.data',
  'keyPem',
  '*.keyPem',
  'token',
  '*.token',
  'password',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
];

/** JSON logs on stdout (or `destination`), one object per line, with ISO timestamps and level names. */
export function createLogger(options: { level?: LogLevel; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
