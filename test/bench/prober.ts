/** What the probe-http bench needs from each prober it compares. */
export interface Prober {
  /** Runs one check; true when it found the target up. */
  once(): Promise<boolean>
  /** CPU the prober's own process has used so far, in ms. */
  cpuMs(): number
  close(): Promise<void>
}
