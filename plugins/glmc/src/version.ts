import { packageVersion } from '@lt/core';

/** The installed version of @lt/glmc. */
export const version: string = packageVersion(import.meta.url);
