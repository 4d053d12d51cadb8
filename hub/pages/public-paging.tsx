// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * A big status page in pages: past PAGE_COMPONENTS components (a monitors file without
 * status pages gets a component per check, thousands of them) a visitor gets a page of
 * components at a time (`?page=2`), under a summary of every component by state and a
 * list of every component that is not operational, each linked to its page: what Gatus
 * and Uptime Kuma users expect of a long list, and what keeps a page of 10,000 checks a
 * few hundred kilobytes instead of 48 MB.
 */
import type { FC } from 'hono/jsx'
import type { ComponentState } from '../../checks/status-page.ts'
import { STATE_LABELS } from '../statuspages/component-state.ts'
import type { PageModel } from '../statuspages/page-model.ts'
import { State } from './public-state.tsx'

/**
 * Components shown on one page: a page with more (a monitors file without status pages
 * gets a component per check) is paged (`?page=2`) and summarized on top: how many
 * components are in each state, and every one that is not operational.
 */
export const PAGE_COMPONENTS = 50
/** Components listed under "Needs attention" at most. */
const ATTENTION_SHOWN = 50

/** The page of components `number` (1-based) of a model, and how many pages there are. */
export function componentPage(model: PageModel, number: number) {
  const ordered = model.sections.flatMap((s) => (s.group ? s.group.components : [s.component!]))
  const pages = Math.max(1, Math.ceil(ordered.length / PAGE_COMPONENTS))
  const page = Math.min(Math.max(1, Math.floor(number) || 1), pages)
  if (pages === 1) return { page, pages, sections: model.sections, pageOf: () => 1 }
  const position = new Map(ordered.map((c, i) => [c.id, i]))
  const shown = new Set(ordered.slice((page - 1) * PAGE_COMPONENTS, page * PAGE_COMPONENTS))
  const sections: PageModel['sections'] = []
  for (const section of model.sections) {
    if (!section.group) {
      if (shown.has(section.component!)) sections.push(section)
      continue
    }
    const members = section.group.components.filter((c) => shown.has(c))
    if (members.length > 0) sections.push({ group: { ...section.group, components: members } })
  }
  const pageOf = (id: string) => Math.floor((position.get(id) ?? 0) / PAGE_COMPONENTS) + 1
  return { page, pages, sections, pageOf }
}

export const Summary: FC<{
  model: PageModel
  paging: ReturnType<typeof componentPage>
}> = ({ model, paging }) => {
  const counts = new Map<ComponentState, number>()
  for (const c of model.components) counts.set(c.state, (counts.get(c.state) ?? 0) + 1)
  const troubled = model.components.filter((c) => c.state !== 'operational')
  return (
    <>
      <p class="legend">
        {model.components.length.toLocaleString('en-US')} components:{' '}
        {[...counts]
          .map(([state, n]) => `${n.toLocaleString('en-US')} ${STATE_LABELS[state].toLowerCase()}`)
          .join(', ')}
        .
      </p>
      {troubled.length > 0 && (
        <section aria-labelledby="attention-h" class="card grp">
          <h3 id="attention-h" style="margin:10px 16px">
            Needs attention
          </h3>
          <ul class="attn">
            {troubled.slice(0, ATTENTION_SHOWN).map((c) => (
              <li>
                <div class="row">
                  <a href={`?page=${paging.pageOf(c.id)}#c-${c.id}`}>{c.name}</a>
                  <State state={c.state} />
                </div>
                {c.reason && <p class="why">{c.reason}</p>}
              </li>
            ))}
          </ul>
          {troubled.length > ATTENTION_SHOWN && (
            <p class="meta" style="margin:6px 16px">
              and {(troubled.length - ATTENTION_SHOWN).toLocaleString('en-US')} more; the JSON lists
              every component.
            </p>
          )}
        </section>
      )}
    </>
  )
}

export const Pager: FC<{ paging: ReturnType<typeof componentPage> }> = ({ paging }) =>
  paging.pages <= 1 ? null : (
    <nav class="pager" aria-label="Pages of components">
      {paging.page > 1 && (
        <a href={`?page=${paging.page - 1}`} rel="prev">
          ← Previous
        </a>
      )}
      <span>
        Page {paging.page} of {paging.pages}
      </span>
      {paging.page < paging.pages && (
        <a href={`?page=${paging.page + 1}`} rel="next">
          Next →
        </a>
      )}
    </nav>
  )
