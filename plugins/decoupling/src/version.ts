import { packageVersion } from '@lt/core';

/** The installed version of @lt/decoupling. */
export const version: string = packageVersion(import.meta.url);
