/** Where the engine and plugins report human-readable messages. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
