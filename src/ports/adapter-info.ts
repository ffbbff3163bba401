/**
 * What every adapter declares about itself. The pipeline asks an adapter what it can do through these
 * fields and its port's own capability fields, never by reading its id.
 */
export interface AdapterInfo {
  /**
   * Stable id of the model and its settings (e.g. "local/compositor@1", "openrouter/qwen/qwen3.5-397b-a17b"):
   * part of every stage key, recorded by the store. Opaque: nothing parses it.
   */
  readonly id: string;
  /** Who runs it: "local" (in this process, offline) or the provider's name ("openrouter"). */
  readonly provider: string;
  /** The model as the provider names it (what a paid call asks for); for local adapters, the recipe's name. */
  readonly model: string;
  /**
   * True when calls cost money and go through the batch engine's caps and budget (they run in the
   * provider's and the model's lanes); false for offline adapters, which run in the CPU lane.
   */
  readonly paid: boolean;
}
