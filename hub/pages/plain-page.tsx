// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * A short page in the status pages' style: not found, a private page's sign-in, a
 * subscription confirmed or ended. `form` adds a password form that posts there;
 * `action` a single button that posts there.
 */
import { PUBLIC_PAGE_CSS } from './public-styles.ts'

export interface PlainPageOptions {
  /** A form with one button that posts to this URL, e.g. the unsubscribe confirmation. */
  action?: { url: string; label: string }
  /** A link back, e.g. to the page. */
  back?: string
}

export function renderPlainPage(
  title: string,
  message: string,
  passwordForm?: string,
  options: PlainPageOptions = {},
): string {
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: PUBLIC_PAGE_CSS }} />
      </head>
      <body>
        <header class="hd">
          <h1>{title}</h1>
        </header>
        <main>
          <p>{message}</p>
          {passwordForm && (
            <form class="card sub" method="post" action={passwordForm}>
              <label for="pw">Password</label>
              <input
                id="pw"
                type="password"
                name="password"
                required
                autocomplete="current-password"
              />
              <button type="submit">Sign in</button>
            </form>
          )}
          {options.action && (
            <form method="post" action={options.action.url}>
              <button type="submit">{options.action.label}</button>
            </form>
          )}
          {options.back && (
            <p>
              <a href={options.back}>Back to the status page</a>
            </p>
          )}
        </main>
      </body>
    </html>
  )
  return `<!DOCTYPE html>${page.toString()}`
}
