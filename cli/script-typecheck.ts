/**
 * Type-checks browser scripts for `vantage validate`, with the strict options of a
 * bundled TypeScript project, and `vantage` resolving to this installation's checks
 * API (so `import type { BrowserScript } from 'vantage'` works in any folder). esbuild
 * only strips types; this is what catches `page.gotoo(...)` before a probe does.
 *
 * TypeScript is loaded when needed: an installation without it bundles scripts but
 * says it could not type-check them.
 */
import { dirname, relative, resolve } from 'node:path'
import { packagePath } from '../lib/package-root.ts'

const OWN_API = packagePath('checks/index.ts')
const OWN_CHECKS = dirname(OWN_API)
const OWN_ROOT = resolve(OWN_CHECKS, '..')

export interface TypeCheckOutcome {
  errors: string[]
  warnings: string[]
}

/**
 * @param scripts the scripts' absolute paths, each with the check path it belongs to
 * @param base the monitors file's folder, which messages are relative to
 */
export async function typeCheckScripts(
  scripts: ReadonlyArray<{ path: string; where: string }>,
  base: string,
): Promise<TypeCheckOutcome> {
  if (scripts.length === 0) return { errors: [], warnings: [] }
  let ts: typeof import('typescript')
  try {
    ts = (await import('typescript')).default
  } catch {
    return {
      errors: [],
      warnings: [
        'browser scripts were bundled but not type-checked: install typescript (npm install --save-dev typescript)',
      ],
    }
  }
  const program = ts.createProgram(
    scripts.map((script) => script.path),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      types: ['node'],
      typeRoots: [resolve(OWN_ROOT, 'node_modules/@types')],
      paths: { vantage: [OWN_API], 'vantage-monitoring': [OWN_API] },
    },
  )
  const owner = new Map(scripts.map((script) => [resolve(script.path), script.where]))
  const errors: string[] = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error) continue
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const file = diagnostic.file
    // Vantage's own sources and installed packages are not the user's to fix.
    if (
      file &&
      (file.fileName.startsWith(`${OWN_CHECKS}/`) || file.fileName.includes('/node_modules/'))
    ) {
      continue
    }
    if (!file || diagnostic.start === undefined) {
      errors.push(`TS${diagnostic.code}: ${text}`)
      continue
    }
    const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start)
    const where = owner.get(resolve(file.fileName))
    const at = `${relative(base, file.fileName)}:${line + 1}:${character + 1}`
    errors.push(`${where ? `${where}: ` : ''}${at}: TS${diagnostic.code}: ${text}`)
  }
  return { errors, warnings: [] }
}
