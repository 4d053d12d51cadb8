// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A component's state on a public page: its words with an icon, never colour alone. */
import type { FC } from 'hono/jsx'
import type { ComponentState } from '../../checks/status-page.ts'
import { STATE_LABELS } from '../statuspages/component-state.ts'

/** Icons beside every state's words, so that no state is told by colour alone. */
export const STATE_ICONS: Record<ComponentState, string> = {
  operational: '✓',
  degraded_performance: '!',
  partial_outage: '!',
  major_outage: '✕',
  under_maintenance: 'i',
}

export const State: FC<{ state: ComponentState }> = ({ state }) => (
  <span class={`st s-${state}`}>
    <span class="ico" aria-hidden="true">
      {STATE_ICONS[state]}
    </span>
    {STATE_LABELS[state]}
  </span>
)
