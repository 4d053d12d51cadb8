// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * One incident, for the people who handle it (`/internal/incidents/:id`, the API
 * token's view): what failed, where and since when, its timeline, and for a browser
 * check the evidence: the screenshot of the failing step of the last failed run, and
 * every run's screenshots, trace and console log.
 */
import type { FC } from 'hono/jsx'
import type { ArtifactRun } from '../artifacts/artifact-store.ts'
import type { IncidentWithTimeline } from '../incidents/incident-store.ts'
import { describeEntry } from '../incidents/timeline-text.ts'
import { formatDateTime, formatSpan } from './format.ts'
import { STATUS_PAGE_CSS } from './styles.ts'

export interface IncidentPageModel {
  project: string
  checkName: string
  incident: IncidentWithTimeline
  /** The run shown first and the screenshot that shows it best. */
  evidence: { run: ArtifactRun; screenshot: string | undefined } | undefined
  /** Runs with artifacts during the incident, newest first. */
  runs: ArtifactRun[]
  /** The URL of a run's file (the artifact API). */
  fileUrl: (resultId: string, name: string) => string
  now: number
}

const INCIDENT_CSS = `
.evidence img { display: block; max-width: 100%; border: 1px solid var(--border); border-radius: 8px; margin-top: 8px; }
.evidence figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.timeline, .runs { list-style: none; padding: 0; margin: 0; }
.timeline li, .runs li { padding: 8px 16px; border-top: 1px solid var(--border); }
.timeline li:first-child, .runs li:first-child { border-top: 0; }
.files a { margin-right: 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
`

const FileLinks: FC<{ run: ArtifactRun; fileUrl: IncidentPageModel['fileUrl'] }> = ({
  run,
  fileUrl,
}) => (
  <span class="files">
    {run.files.map((file) => (
      <a href={fileUrl(run.resultId, file.name)}>{file.name}</a>
    ))}
  </span>
)

export const IncidentPage: FC<{ model: IncidentPageModel }> = ({ model }) => {
  const { incident, evidence, runs, fileUrl, now } = model
  const open = incident.endedAt === null
  const lasted = (incident.endedAt ?? now) - incident.startedAt
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`Incident: ${model.checkName} · ${model.project}`}</title>
        <style dangerouslySetInnerHTML={{ __html: STATUS_PAGE_CSS + INCIDENT_CSS }} />
      </head>
      <body>
        <div class="wrap">
          <header class="top">
            <h1>{model.checkName}</h1>
            <a href="/internal">All checks</a>
          </header>
          <div class={`banner ${open ? 'major' : 'operational'}`} role="status">
            {open
              ? `${incident.kind.toUpperCase()} for ${formatSpan(lasted)}`
              : `Resolved after ${formatSpan(lasted)}`}
          </div>
          <section class="card">
            <dl class="facts">
              <dt>Incident</dt>
              <dd class="mono">{incident.incidentId}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(incident.startedAt)}</dd>
              {incident.endedAt !== null && (
                <>
                  <dt>Ended</dt>
                  <dd>{formatDateTime(incident.endedAt)}</dd>
                </>
              )}
              <dt>Regions</dt>
              <dd>{incident.regions.join(', ') || 'none'}</dd>
              {incident.firstError && (
                <>
                  <dt>First error</dt>
                  <dd class="mono">
                    {incident.firstError.code}: {incident.firstError.message}
                  </dd>
                </>
              )}
            </dl>
          </section>
          {evidence && (
            <section>
              <div class="section-head">
                <h2>Evidence</h2>
              </div>
              <figure class="card evidence">
                {evidence.screenshot && (
                  <a href={fileUrl(evidence.run.resultId, evidence.screenshot)}>
                    <img
                      src={fileUrl(evidence.run.resultId, evidence.screenshot)}
                      alt={`Screenshot of the failed run at ${formatDateTime(evidence.run.createdAt)}`}
                    />
                  </a>
                )}
                <figcaption>
                  {evidence.run.errorCode ?? evidence.run.status} at{' '}
                  {formatDateTime(evidence.run.createdAt)} on {evidence.run.probeId} ·{' '}
                  <FileLinks run={evidence.run} fileUrl={fileUrl} />
                </figcaption>
              </figure>
            </section>
          )}
          {runs.length > 1 && (
            <section>
              <div class="section-head">
                <h2>Failed runs with artifacts</h2>
              </div>
              <ul class="card runs">
                {runs.map((run) => (
                  <li>
                    <span class="mono">{formatDateTime(run.createdAt)}</span> ·{' '}
                    {run.errorCode ?? run.status} · {run.probeId} ·{' '}
                    <FileLinks run={run} fileUrl={fileUrl} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section>
            <div class="section-head">
              <h2>Timeline</h2>
            </div>
            <ul class="card timeline">
              {incident.timeline.map((entry) => {
                const [event, detail] = describeEntry(entry)
                return (
                  <li>
                    <span class="mono">{formatDateTime(entry.at)}</span> · {event}
                    {detail ? ` · ${detail}` : ''}
                  </li>
                )
              })}
            </ul>
          </section>
        </div>
      </body>
    </html>
  )
}

export async function renderIncidentPage(model: IncidentPageModel): Promise<string> {
  return `<!DOCTYPE html>${await (<IncidentPage model={model} />).toString()}`
}
