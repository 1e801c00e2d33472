// Compiles lib/offline/service-worker.ts into public/sw.js (a generated file, not committed).
// The worker has no imports, so TypeScript's own transpiler is all it needs.
import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'

const source = readFileSync('lib/offline/service-worker.ts', 'utf8')
const { outputText, diagnostics } = ts.transpileModule(source, {
  compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None, removeComments: false },
  reportDiagnostics: true,
  fileName: 'service-worker.ts',
})
if (diagnostics?.length) {
  for (const diagnostic of diagnostics) console.error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
  process.exit(1)
}
writeFileSync('public/sw.js', `// Generated from lib/offline/service-worker.ts by scripts/build-service-worker.mjs; do not edit.\n${outputText}`)
