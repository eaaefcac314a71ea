import type { Manager } from './manager';

export interface RunOptions {
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * The body of a provider's main: start the manager, drain and exit 0 on SIGTERM/SIGINT, exit 1 at once if the
 * manager fails (e.g. leadership lost — another replica is already reconciling).
 */
export async function runManager(manager: Manager, options: RunOptions = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals): void => {
    manager.logger.info({ signal }, 'shutting down');
    void manager.stop();
  };
  for (const signal of signals) process.once(signal, onSignal);
  try {
    await manager.start();
    await manager.done;
    exit(0);
  } catch (error) {
    manager.logger.fatal({ err: error }, 'manager exited with an error');
    exit(1);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}
