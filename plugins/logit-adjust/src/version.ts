import { packageVersion } from '@lt/core';

/** The installed version of @lt/logit-adjust. */
export const version: string = packageVersion(import.meta.url);
