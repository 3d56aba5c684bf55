/** Where the engine and plugins report human-readable messages. */
export interface Logger {
  /** Reports progress worth a line in the log (backend chosen, stage start points). */
  info(message: string): void;
  /** Reports something the user should look at; the run goes on. */
  warn(message: string): void;
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
