/**
 * Loads the BullMQ side (lib/sweeps/queue.ts) on demand, so local sweeps never import bullmq/ioredis.
 * Before the import it turns off msgpackr's optional native extension (bullmq -> msgpackr): probing for it
 * reads /proc/self/exe and loads a native addon, which under narrow permissions in a terminal would stop
 * at a permission prompt; the pure-JS path is used instead.
 *
 * @module
 */

/**
 * Imports lib/sweeps/queue.ts (needs --allow-env).
 *
 * @example
 * ```ts ignore
 * const { runQueue } = await loadQueue();
 * ```
 */
export async function loadQueue(): Promise<typeof import("./queue.ts")> {
  if (Deno.env.get("MSGPACKR_NATIVE_ACCELERATION_DISABLED") === undefined) {
    Deno.env.set("MSGPACKR_NATIVE_ACCELERATION_DISABLED", "true");
  }
  return await import("./queue.ts");
}
