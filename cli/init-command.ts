/**
 * `vantage init [DIR]`: scaffolds a team's own monitoring repository: package.json
 * with Vantage as a dependency, tsconfig.json for editors, a monitors.ts with one
 * check of each kind, a .gitignore and a CI workflow that validates, tests and
 * deploys. It never overwrites: if any file it would write exists, it writes nothing.
 * A package.json that already depends on Vantage (`npm install` of the tarball came
 * first) is kept as it is.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import { PACKAGE_NAME } from './load-failure.ts'
import {
  CI_WORKFLOW,
  GITIGNORE,
  MONITORS_TS,
  packageJson,
  TSCONFIG_JSON,
} from './init/templates.ts'
import { VERSION } from './version.ts'
import { packageUrl } from '../lib/package-root.ts'

const OWN_PACKAGE = packageUrl('package.json')

interface Scaffold {
  path: string
  text: string
  what: string
}

/** A package name npm accepts, from a directory name. */
export function projectName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
  return name || 'monitoring'
}

/** Whether a package.json there already lists Vantage, so init keeps it. */
function dependsOnVantage(file: string): boolean {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    return ['dependencies', 'devDependencies'].some((field) => {
      const deps = json[field]
      return typeof deps === 'object' && deps !== null && PACKAGE_NAME in deps
    })
  } catch {
    return false
  }
}

function ownDevVersions(): { typescript?: string; typesNode?: string } {
  const own = JSON.parse(readFileSync(OWN_PACKAGE, 'utf8')) as {
    devDependencies?: Record<string, string>
  }
  return {
    typescript: own.devDependencies?.typescript,
    typesNode: own.devDependencies?.['@types/node'],
  }
}

export interface InitOutcome {
  written: string[]
  kept: string[]
  refused: string[]
}

/** Writes the scaffold into `dir`, or nothing when a file is in the way. */
export function initProject(dir: string): InitOutcome {
  const root = resolve(dir)
  const files: Scaffold[] = [
    {
      path: 'package.json',
      text: packageJson(projectName(root), { vantage: VERSION, ...ownDevVersions() }),
      what: `${PACKAGE_NAME} as a dependency; npm run validate, test, deploy`,
    },
    { path: 'tsconfig.json', text: TSCONFIG_JSON, what: 'type checking and completion in editors' },
    {
      path: 'monitors.ts',
      text: MONITORS_TS,
      what: 'one check of each kind: swap in your targets',
    },
    { path: '.gitignore', text: GITIGNORE, what: 'node_modules and local data' },
    {
      path: '.github/workflows/monitoring.yml',
      text: CI_WORKFLOW,
      what: 'CI: validate and test on every push, deploy from main',
    },
  ]
  const kept: string[] = []
  const refused: string[] = []
  for (const file of files) {
    const target = join(root, file.path)
    if (!existsSync(target)) continue
    if (file.path === 'package.json' && dependsOnVantage(target)) kept.push(file.path)
    else refused.push(file.path)
  }
  if (refused.length > 0) return { written: [], kept, refused }
  const written: string[] = []
  for (const file of files) {
    if (kept.includes(file.path)) continue
    const target = join(root, file.path)
    mkdirSync(dirname(target), { recursive: true })
    // 'wx': a file that appeared since the check above is still not overwritten.
    writeFileSync(target, file.text, { flag: 'wx' })
    written.push(`${file.path.padEnd(34)} ${file.what}`)
  }
  return { written, kept, refused }
}

export function initCommand(): Command {
  return new Command('init')
    .description(
      'scaffold a monitoring repository: package.json, tsconfig.json, monitors.ts, .gitignore, CI workflow',
    )
    .argument('[dir]', 'where to create it (made if missing)', '.')
    .action((dir: string) => {
      const root = resolve(dir)
      const outcome = initProject(root)
      if (outcome.refused.length > 0) {
        process.stderr.write(
          `vantage init: ${outcome.refused.join(', ')} already exist${outcome.refused.length === 1 ? 's' : ''} in ${root}; ` +
            'nothing was written (init never overwrites: move them away or pick another directory)\n',
        )
        process.exit(1)
      }
      const shown = relative(process.cwd(), root) || '.'
      const lines = [
        `Created a Vantage monitoring project in ${root}:`,
        ...outcome.written.map((line) => `  ${line}`),
        ...outcome.kept.map(
          (path) => `  ${path.padEnd(34)} kept: it already depends on ${PACKAGE_NAME}`,
        ),
        '',
        'Next:',
        ...(shown === '.' ? [] : [`  cd ${shown}`]),
        ...(outcome.kept.includes('package.json') ? [] : ['  npm install']),
        '  npx vantage validate monitors.ts',
        '  npx vantage test monitors.ts',
        '  VANTAGE_HUB_URL=http://HUB:8080 VANTAGE_API_TOKEN=... npx vantage deploy monitors.ts',
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    })
}
