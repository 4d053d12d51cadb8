/** NAB's three application profiles (config/profiles.json): the weights of the scorer. */
export interface CostMatrix {
  tpWeight: number
  fpWeight: number
  fnWeight: number
}

export const PROFILES = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0 },
} as const satisfies Record<string, CostMatrix>

export type ProfileName = keyof typeof PROFILES
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[]

/** NAB leaves the first 15 % of each file (at most 750 rows) unscored. */
export const PROBATION_PERCENT = 0.15
