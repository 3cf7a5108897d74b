/**
 * Runs a delegator cancelled, remembered so that a cancelled task still waiting in a work queue is answered
 * without running when it arrives. Bounded (oldest forgotten first): a limit on everything.
 */
export class CancelledRuns {
  private readonly keys = new Set<string>();

  constructor(private readonly limit: number) {}

  add(delegator: string, runId: number): void {
    const key = `${delegator}/${runId}`;
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value as string);
  }

  has(delegator: string, runId: number): boolean {
    return this.keys.has(`${delegator}/${runId}`);
  }
}
