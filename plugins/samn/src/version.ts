import { packageVersion } from '@lt/core';

/** The installed version of @lt/samn. */
export const version: string = packageVersion(import.meta.url);
