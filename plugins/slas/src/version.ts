import { packageVersion } from '@lt/core';

/** The installed version of @lt/slas. */
export const version: string = packageVersion(import.meta.url);
