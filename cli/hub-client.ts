/**
 * A small client for the hub's API, for `vantage deploy`: JSON in and out, a timeout,
 * and failures turned into messages that say what to do (which flag to set, whether
 * the hub is running at all).
 */

/** A hub that does not answer within this is reported, not waited on. */
const REQUEST_TIMEOUT_MS = 30_000

/** A request the hub refused or could not be sent; `errors` are a config's, with paths. */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly errors: string[] = [],
  ) {
    super(message)
    this.name = 'HubRequestError'
  }
}

export interface HubClient {
  get<T>(path: string): Promise<T>
  post<T>(path: string, body: unknown): Promise<T>
}

interface ErrorBody {
  error?: unknown
  errors?: unknown
}

/** The message for a refused request, with the fix when it is ours to give. */
function explain(hub: string, status: number, body: ErrorBody, sentToken: boolean): string {
  const said = typeof body.error === 'string' ? body.error : `HTTP ${status}`
  if (status === 401) {
    return sentToken
      ? `the hub refused the API token; pass the hub's --api-token with --token (or VANTAGE_API_TOKEN)`
      : `the hub needs its API token; pass it with --token (or set VANTAGE_API_TOKEN)`
  }
  if (status === 404 && said.startsWith('no route for')) {
    return `${hub} has no deploy API (a hub older than vantage deploy?)`
  }
  return said
}

/**
 * @example
 * const hub = createHubClient('http://hub:8080', process.env.VANTAGE_API_TOKEN)
 * const history = await hub.get<DeployList>('/api/v1/deploys')
 */
export function createHubClient(hub: string, givenToken: string | undefined): HubClient {
  // An empty VANTAGE_API_TOKEN means none, as for every other variable here.
  const token = givenToken || undefined
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${hub}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new HubRequestError(
        `cannot reach the hub at ${hub} (${cause ?? (error as Error).message}); ` +
          'is it running? Set --hub (or VANTAGE_HUB_URL)',
      )
    }
    const json = (await response.json().catch(() => ({}))) as ErrorBody
    if (response.ok) return json as T
    const errors = Array.isArray(json.errors) ? json.errors.map(String) : []
    throw new HubRequestError(
      explain(hub, response.status, json, token !== undefined),
      response.status,
      errors,
    )
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
  }
}
