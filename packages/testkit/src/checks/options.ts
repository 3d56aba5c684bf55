import { LtError } from '@lt/core';
import { specOf, type PluginUnderTest } from '../subject.js';

/** An invalid options object and the field its error must name. */
export interface InvalidOptionsCase {
  readonly options: unknown;
  /** The option's name (or dotted path) the error message must contain. */
  readonly field: string;
}

/** An option no plugin has: every plugin must reject unknown options (a typo must not be ignored silently). */
export const unknownOptionCase: InvalidOptionsCase = { options: { notAnOption: 1 }, field: 'notAnOption' };

/**
 * Calls the factory with each invalid options object (and with an unknown option) and checks it throws at once,
 * with a message naming the plugin and the field.
 */
export function checkInvalidOptions<O>(subject: PluginUnderTest<O>, cases: readonly InvalidOptionsCase[] = []): void {
  const name = specOf(subject).name;
  for (const { options, field } of [unknownOptionCase, ...cases]) {
    const shown = JSON.stringify(options);
    let message: string | undefined;
    try {
      subject.factory(options as O);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    if (message === undefined) {
      throw new LtError(
        'TESTKIT_OPTIONS',
        `${name} accepted invalid options ${shown}: validate them when the spec is created, e.g. with ` +
          `definePlugin(Plugin, defineOptions(name, z.strictObject({...})), options).`,
      );
    }
    if (!message.includes(name) || !message.includes(field)) {
      throw new LtError(
        'TESTKIT_OPTIONS',
        `${name} rejected ${shown}, but its error must name the plugin ('${name}') and the field ('${field}'); it said: ${message}`,
      );
    }
  }
}
