/** What the probe-http bench needs from each prober it compares. */
export interface Prober {
  /**
   * Runs the bench's checks at its rate for `ms`, then waits for the last ones to end;
   * returns how many ran, how many found the target not up, and the CPU the prober's
   * own process used meanwhile.
   */
  round(ms: number): Promise<Round>
  close(): Promise<void>
}

export interface Round {
  done: number
  notUp: number
  cpuMs: number
}
