import { packageVersion } from '@lt/core';

/** The installed version of @lt/weight-balancing. */
export const version: string = packageVersion(import.meta.url);
