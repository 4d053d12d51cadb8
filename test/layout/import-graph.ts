/**
 * The repository's import graph, read with TypeScript's own pre-processor (no type
 * checking, so it takes well under a second), and the layout rules checked on it:
 * which top-level folder may import which, no import cycles, and no source file over
 * MAX_LINES without a stated reason. `npm run check:layout` prints the findings;
 * test/layout/layout.test.ts fails on them.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** Folders that hold the product's code, and what each may import besides itself. */
export const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  lib: [],
  checks: ['lib'],
  probe: ['checks', 'lib'],
  hub: ['checks', 'lib'],
  cli: ['checks', 'lib', 'probe', 'hub'],
  examples: ['checks'],
}

/** Past this many lines a file must say at its top why it is not split. */
export const MAX_LINES = 400
/** The phrase that states the reason, in the first lines of a long file. */
export const SIZE_REASON = 'Longer than 400 lines because'

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'data', '.git', 'coverage'])

export interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string
  lines: number
  /** Repository-relative paths of the files it imports (relative imports only). */
  imports: string[]
  /** True for tests, fixtures and everything under test/: not shipped code. */
  testOnly: boolean
  statesSizeReason: boolean
}

function listSources(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) listSources(root, path, out)
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

export function readSources(root: string): SourceFile[] {
  return listSources(root).map((file) => {
    const text = readFileSync(file, 'utf8')
    const path = relative(root, file).split('\\').join('/')
    const imports = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) =>
        relative(root, resolve(dirname(file), name))
          .split('\\')
          .join('/'),
      )
    return {
      path,
      lines: text.split('\n').length,
      imports,
      testOnly: /\.(test|fixture)\.tsx?$/.test(path) || path.startsWith('test/'),
      statesSizeReason: headerText(text).includes(SIZE_REASON),
    }
  })
}

/** A file's first lines as one line of prose: comment markers and line breaks folded away. */
function headerText(text: string): string {
  return text
    .split('\n')
    .slice(0, 20)
    .map((line) => line.replace(/^\s*(\/\*\*|\*\/|\*|\/\/)?\s*/, ''))
    .join(' ')
}

const topOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '')

/** Imports that cross folders against ALLOWED_IMPORTS, from shipped code. */
export function forbiddenImports(files: readonly SourceFile[]): string[] {
  const found: string[] = []
  for (const file of files) {
    if (file.testOnly) continue
    const from = topOf(file.path)
    const allowed = ALLOWED_IMPORTS[from]
    if (!allowed) continue
    for (const target of file.imports) {
      const to = topOf(target)
      if (to !== from && !allowed.includes(to))
        found.push(`${file.path} imports ${target} (${from}/ may not import ${to}/)`)
    }
  }
  return found
}

/** Import cycles among shipped files (Tarjan's strongly connected components). */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const graph = new Map(files.filter((f) => !f.testOnly).map((f) => [f.path, f.imports]))
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  let next = 0
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next)
    next += 1
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) cycles.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return cycles
}

/** Shipped files over MAX_LINES that do not say why. */
export function oversizedFiles(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => !file.testOnly && file.lines > MAX_LINES && !file.statesSizeReason)
    .map((file) => `${file.path}: ${file.lines} lines`)
}
