import { LtError } from '@lt/core';

/** The BullMQ queue every `lt sweep --queue` and `lt worker` share. */
export const queueName = 'lt-sweep';

/** Redis connection options from a `redis://[:password@]HOST:PORT[/DB]` URL. */
export function redisConnection(url: string): { host: string; port: number; password?: string; db?: number; maxRetriesPerRequest: null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LtError('CLI_ARGS', `--queue expects redis://HOST:PORT, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:') throw new LtError('CLI_ARGS', `--queue expects redis://HOST:PORT, got '${url}'`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.password !== '' && { password: decodeURIComponent(parsed.password) }),
    ...(db !== undefined && { db }),
    // BullMQ workers block on Redis; it requires ioredis not to give up on a command.
    maxRetriesPerRequest: null,
  };
}
