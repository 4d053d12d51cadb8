/**
 * `vantage probe` loads no hub code: about 25 MiB a probe would carry and never use.
 * Held twice: on the sources' import graph (every import that survives compilation,
 * `import type` left out), and on a real probe process, whose every resolved module is
 * logged by a loader hook (test/fixtures/module-log.mjs).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/fixtures/temp-dir.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const VANTAGE_BIN = join(ROOT, 'bin/vantage.js')
const MODULE_LOG = join(ROOT, 'test/fixtures/module-log.mjs')

/**
 * The relative modules `file` loads when it runs: static imports and re-exports that are
 * not type-only, and dynamic `import()`s with a literal specifier unless `staticOnly`.
 */
function importsOf(file: string, staticOnly: boolean): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text)
    } else if (
      !staticOnly &&
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.filter((name) => name.startsWith('.')).map((name) => resolve(dirname(file), name))
}

/** Every source file reachable from `entries`, repository-relative. */
function reachable(entries: string[], staticOnlyFor: (file: string) => boolean): string[] {
  const seen = new Set<string>()
  const stack = entries.map((entry) => join(ROOT, entry))
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file) || !/\.tsx?$/.test(file)) continue
    seen.add(file)
    stack.push(...importsOf(file, staticOnlyFor(file)))
  }
  return [...seen].map((file) => relative(ROOT, file).split('\\').join('/'))
}

describe('the probe command', () => {
  it("reaches no hub/ file in the sources' import graph", () => {
    // main.ts imports each command's module lazily: only its static imports count, and
    // probe-command.ts is what `vantage probe` adds to them.
    const graph = reachable(['cli/main.ts', 'cli/probe-command.ts'], (file) =>
      file.endsWith('/cli/main.ts'),
    )
    expect(graph).toContain('probe/agent.ts')
    expect(graph.filter((file) => file.startsWith('hub/'))).toEqual([])
  })

  it('loads no hub module when it runs', async () => {
    const dir = tempDir('vantage-probe-graph-')
    const log = join(dir, 'modules.txt')
    // Port 1 refuses at once: the probe starts, retries the broker, and loads all it will.
    const child = spawn(
      process.execPath,
      [
        '--import',
        MODULE_LOG,
        VANTAGE_BIN,
        'probe',
        '--hub',
        'mqtt://127.0.0.1:1',
        '--id',
        'graph-1',
        '--region',
        'eu-west',
        '--data',
        join(dir, 'data'),
        '--no-browser',
      ],
      { env: { ...process.env, MODULE_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise((done) => child.once('close', done))
    const deadline = Date.now() + 30_000
    while (!/Vantage probe graph-1 .* running/.test(output) && Date.now() < deadline) {
      if (child.exitCode !== null) break
      await new Promise((done) => setTimeout(done, 50))
    }
    child.kill('SIGTERM')
    await exited
    expect(output).toMatch(/Vantage probe graph-1 .* running/)
    expect(existsSync(log)).toBe(true)
    const modules = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => relative(ROOT, fileURLToPath(url)).split('\\').join('/'))
    expect(modules).toContain(
      modules.some((file) => file.startsWith('dist/')) ? 'dist/probe/agent.js' : 'probe/agent.ts',
    )
    expect(modules.filter((file) => /^(dist\/)?hub\//.test(file))).toEqual([])
  }, 60_000)
})
