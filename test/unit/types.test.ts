// The generated public declarations (types/, from lib/ by `npm run build:ts`)
// cover every runtime export, and compile for a consumer in strict mode.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { types: string; main: string };
const typesEntry = path.join(root, pkg.types);

function declaredExports(): { program: ts.Program; names: Set<string> } {
  const program = ts.createProgram([typesEntry], { strict: true, noEmit: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesEntry);
  if (!source) throw new Error(`no ${typesEntry}`);
  const symbol = checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error('types entry is not a module');
  return { program, names: new Set(checker.getExportsOfModule(symbol).map((s) => s.getName())) };
}

test('package.json "types" points at the generated declarations', () => {
  expect(fs.existsSync(typesEntry)).toBe(true);
  expect(fs.readFileSync(typesEntry, 'utf8')).toContain('SecurityContext');
});

test('every runtime export of the package has a public declaration', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = Object.keys(require(path.join(root, pkg.main)) as object);
  const { names } = declaredExports();
  expect(runtime.length).toBeGreaterThan(20);
  const missing = runtime.filter((name) => !names.has(name));
  expect(missing).toEqual([]);
  // And the declared-only names are types, not values someone forgot to export.
  for (const name of ['StepResult', 'AcquireOptions', 'SchannelOptions', 'ClientIdentity', 'TlsStats']) {
    expect(names.has(name)).toBe(true);
  }
});

test('the declarations compile without errors and hide internals', () => {
  const { program } = declaredExports();
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
  const context = fs.readFileSync(path.join(path.dirname(typesEntry), 'context.d.ts'), 'utf8');
  for (const method of ['accept(', 'acceptSync(', 'initialize(', 'encryptAsync(', 'decryptAsync(', 'applyControlToken(', 'dispose(']) {
    expect(context).toContain(method);
  }
  // No raw handle ever appears in the public surface (comments may name the concept).
  const code = context.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  expect(code).not.toMatch(/CtxtHandle|CredHandle|dwLower|dwUpper/);
});
