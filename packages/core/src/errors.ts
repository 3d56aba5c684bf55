/** An error raised by lt: `code` is stable for programs, `message` names the file, field or value at fault. */
export class LtError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LtError';
  }
}
