/**
 * A small client for the hub's API, for the commands that talk to a running hub
 * (`vantage deploy`, `status`, `incidents`, `ack`, `silence`, `maintenance`): JSON in and out, a
 * timeout, and failures turned into messages that say what to do (which flag to set,
 * whether the hub is running at all).
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

/**
 * The hub refused the API token that was sent (401 with a token): the caller's
 * credentials are wrong, which commands report with exit code 3, not as a failure.
 */
export class TokenRefusedError extends HubRequestError {
  constructor(message: string) {
    super(message, 401)
    this.name = 'TokenRefusedError'
  }
}

/** The message for a refused token, naming the flag the command takes it with. */
export function tokenRefusedMessage(tokenFlag: string): string {
  return `the hub refused the API token; pass ${tokenFlag} or VANTAGE_API_TOKEN`
}

export interface HubClient {
  get<T>(path: string): Promise<T>
  /** For the answers that are not JSON, such as an incident's Markdown report. */
  getText(path: string): Promise<string>
  /** `timeoutMs` for a request the hub answers only when it is done (a run in every region). */
  post<T>(path: string, body: unknown, options?: { timeoutMs?: number }): Promise<T>
  delete<T>(path: string): Promise<T>
}

/**
 * Who is asking, so that advice names the right flag and API: `vantage deploy` takes
 * the token as `--token`, the later commands as `--api-token`, as `vantage status` does.
 */
export interface HubClientCaller {
  /** The command, as in `vantage deploy`: `'deploy'`. */
  command: string
  /** The flag the command takes the hub's API token with, e.g. `'--api-token'`. */
  tokenFlag: string
  /** The API the command needs, named when the hub has no route for it, e.g. `'deploy'`. */
  api: string
}

interface ErrorBody {
  error?: unknown
  errors?: unknown
}

/** The message for a refused request, with the fix when it is ours to give. */
function explain(
  hub: string,
  caller: HubClientCaller,
  status: number,
  body: ErrorBody,
  sentToken: boolean,
): string {
  const said = typeof body.error === 'string' ? body.error : `HTTP ${status}`
  if (status === 401 && !sentToken) {
    return `the hub needs its API token; pass it with ${caller.tokenFlag} (or VANTAGE_API_TOKEN)`
  }
  if (status === 404 && said.startsWith('no route for')) {
    return `${hub} has no ${caller.api} API (a hub older than vantage ${caller.command}?)`
  }
  return said
}

/**
 * @example
 * const hub = createHubClient('http://hub:8080', process.env.VANTAGE_API_TOKEN, {
 *   command: 'deploy',
 *   tokenFlag: '--token',
 *   api: 'deploy',
 * })
 * const history = await hub.get<DeployList>('/api/v1/deploys')
 */
export function createHubClient(
  hub: string,
  givenToken: string | undefined,
  caller: HubClientCaller,
): HubClient {
  // An empty VANTAGE_API_TOKEN means none, as for every other variable here.
  const token = givenToken || undefined
  async function request(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<Response> {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${hub}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, "bad port").
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      throw new HubRequestError(
        `cannot reach the hub at ${hub} (${cause?.code ?? cause?.message ?? (error as Error).message}); ` +
          'is it running? Set --hub (or VANTAGE_HUB_URL)',
      )
    }
    if (response.ok) return response
    const json = (await response.json().catch(() => ({}))) as ErrorBody
    const errors = Array.isArray(json.errors) ? json.errors.map(String) : []
    if (response.status === 401 && token !== undefined) {
      throw new TokenRefusedError(tokenRefusedMessage(caller.tokenFlag))
    }
    throw new HubRequestError(
      explain(hub, caller, response.status, json, token !== undefined),
      response.status,
      errors,
    )
  }
  async function requestJson<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<T> {
    const response = await request(method, path, body, timeoutMs)
    return (await response.json().catch(() => ({}))) as T
  }
  return {
    get: (path) => requestJson('GET', path),
    getText: async (path) => (await request('GET', path)).text(),
    post: (path, body, options) => requestJson('POST', path, body, options?.timeoutMs),
    delete: (path) => requestJson('DELETE', path),
  }
}
