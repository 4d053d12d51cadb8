/**
 * The demo's browser check: a user opens the shop, logs in and sees their account. The
 * password comes from the hub's environment (`secrets`), the shop's address from the
 * check's `params`; the steps name what the result and its screenshots show.
 */
import type { BrowserScript } from 'vantage-monitoring'

export default (async ({ page, expect, step, params, secrets }) => {
  await step('open the shop', async () => {
    await page.goto(params.SHOP_URL!)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to the demo shop')
  })
  await step('log in', async () => {
    await page.getByRole('link', { name: 'Log in' }).click()
    await page.getByLabel('Username').fill('demo')
    await page.getByLabel('Password').fill(secrets.DEMO_SHOP_PASSWORD!)
    await page.getByRole('button', { name: 'Log in' }).click()
  })
  await step('see the account', async () => {
    await expect(page).toHaveURL(/\/account$/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, demo')
  })
}) satisfies BrowserScript
