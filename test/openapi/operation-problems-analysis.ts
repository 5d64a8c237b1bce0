import { join, sep } from 'node:path';
import ts from 'typescript';

/**
 * The problem codes each route handler can answer with, found by reading the code rather than by
 * hand: from the handler's body, every function, method, constructor and error class it can reach
 * (through calls, `new`, `super` and functions passed as values), and every errors-map entry
 * (`SESSION_ERRORS.overlap`) they name. A reached file that registers database constraints
 * (`describeConstraint`) adds their codes to the routes that write. It over-approximates (a helper
 * shared by two use cases lends its codes to both) and misses only what no code names: the guard,
 * pipes and body parser, which the document adds by rule (src/bootstrap/openapi-problems.ts).
 */
export function analyseOperationProblems(root: string): Record<string, string[]> {
  const program = createProgram(root);
  const checker = program.getTypeChecker();
  const srcDir = join(root, 'src') + sep;
  const inSource = (node: ts.Node) => {
    const file = node.getSourceFile();
    return file.fileName.startsWith(srcDir.split(sep).join('/')) && !file.isDeclarationFile;
  };
  const constraintCodes = constraintCodesByFile(program, checker, srcDir);

  /** What one declaration's own code names: codes, and the declarations it calls or passes on. */
  const direct = new Map<ts.Node, { codes: Set<string>; targets: Set<ts.Node> }>();
  const directOf = (declaration: ts.Node) => {
    const known = direct.get(declaration);
    if (known) return known;
    const found = { codes: new Set<string>(), targets: new Set<ts.Node>() };
    direct.set(declaration, found);
    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isDecorator(node)) return;
      if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.SuperKeyword) {
        for (const target of targetsOf(node)) found.targets.add(target);
        const code = problemCodeOf(node);
        if (code) found.codes.add(code);
      }
      ts.forEachChild(node, visit);
    };
    for (const part of bodiesOf(declaration)) visit(part);
    return found;
  };
  /** Everything a handler reaches, walked afresh per handler so that call cycles lose nothing. */
  const reach = (starts: ts.Node[]): Reach => {
    const result: Reach = { codes: new Set(), files: new Set() };
    const seen = new Set<ts.Node>(starts);
    const pending = [...starts];
    for (let next = pending.pop(); next; next = pending.pop()) {
      result.files.add(next.getSourceFile().fileName);
      const { codes, targets } = directOf(next);
      codes.forEach((code) => result.codes.add(code));
      for (const target of targets) {
        if (seen.has(target)) continue;
        seen.add(target);
        pending.push(target);
      }
    }
    return result;
  };

  /** Declarations a name leads to whose code runs: functions, methods, constructors, classes. */
  const targetsOf = (node: ts.Node): ts.Node[] => {
    let symbol =
      node.kind === ts.SyntaxKind.SuperKeyword
        ? checker.getTypeAtLocation(node).getSymbol()
        : checker.getSymbolAtLocation(node);
    if (!symbol) return [];
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return (symbol.declarations ?? []).filter(
      (declaration) =>
        inSource(declaration) &&
        (ts.isClassDeclaration(declaration) ||
          (ts.isFunctionLike(declaration) && 'body' in declaration && declaration.body) ||
          (ts.isVariableDeclaration(declaration) &&
            declaration.initializer &&
            (ts.isArrowFunction(declaration.initializer) ||
              ts.isFunctionExpression(declaration.initializer)))),
    );
  };

  /** `X_ERRORS.entry`: the code of an errors-map entry (an object with a literal code and status). */
  const problemCodeOf = (node: ts.Node): string | undefined => {
    if (!ts.isPropertyAccessExpression(node.parent) || node.parent.name !== node) return undefined;
    const declaration = checker.getSymbolAtLocation(node)?.declarations?.[0];
    if (!declaration || !ts.isPropertyAssignment(declaration)) return undefined;
    return entryCode(declaration.initializer);
  };

  /** The guards and interceptors a route names (`@UseGuards`, `@UseInterceptors`): their methods run first. */
  const enhancersOf = (handler: ts.MethodDeclaration): ts.Node[] =>
    [
      ...(ts.getDecorators(handler) ?? []),
      ...(ts.getDecorators(handler.parent as ts.ClassDeclaration) ?? []),
    ]
      .map((decorator) => decorator.expression)
      .filter(
        (call): call is ts.CallExpression =>
          ts.isCallExpression(call) &&
          ts.isIdentifier(call.expression) &&
          ['UseGuards', 'UseInterceptors'].includes(call.expression.text),
      )
      .flatMap((call) => call.arguments.flatMap((argument) => targetsOf(argument)))
      .filter(ts.isClassDeclaration)
      .flatMap((enhancer) =>
        enhancer.members.filter(
          (member) =>
            ts.isMethodDeclaration(member) &&
            ts.isIdentifier(member.name) &&
            ['canActivate', 'intercept'].includes(member.name.text),
        ),
      );

  const operations: Record<string, string[]> = {};
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.endsWith('.controller.ts') || !inSource(file)) continue;
    for (const handler of routeHandlers(file)) {
      const { codes, files } = reach([handler.declaration, ...enhancersOf(handler.declaration)]);
      const all = new Set(codes);
      if (handler.writes)
        for (const file of files) constraintCodes.get(file)?.forEach((code) => all.add(code));
      operations[handler.operationId] = [...all].sort();
    }
  }
  return Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b)));
}

interface Reach {
  codes: Set<string>;
  files: Set<string>;
}

function createProgram(root: string): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const sources = parsed.fileNames.filter(
    (name) => name.includes('/src/') && !name.endsWith('.spec.ts'),
  );
  return ts.createProgram(sources, { ...parsed.options, noEmit: true, incremental: false });
}

/** The code a class or function runs: its body; a class's constructor and field initialisers. */
function bodiesOf(declaration: ts.Node): ts.Node[] {
  if (ts.isClassDeclaration(declaration)) {
    const parts: ts.Node[] = [];
    for (const member of declaration.members) {
      if (ts.isConstructorDeclaration(member) && member.body) parts.push(member.body);
      if (ts.isPropertyDeclaration(member) && member.initializer) parts.push(member.initializer);
    }
    // The base class's constructor runs too, even when this class declares none.
    for (const clause of declaration.heritageClauses ?? []) {
      if (clause.token === ts.SyntaxKind.ExtendsKeyword)
        parts.push(...clause.types.map((type) => type.expression));
    }
    return parts;
  }
  if (ts.isVariableDeclaration(declaration)) return [declaration.initializer!];
  const body = (declaration as ts.FunctionLikeDeclarationBase).body;
  return body ? [body] : [];
}

/** `{ code: 'x', status: 409, … }`, possibly under `as const`: its code. */
function entryCode(initializer: ts.Expression): string | undefined {
  let expression = initializer;
  while (ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression))
    expression = expression.expression;
  if (!ts.isObjectLiteralExpression(expression)) return undefined;
  let code: string | undefined;
  let hasStatus = false;
  for (const property of expression.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    if (property.name.text === 'code' && ts.isStringLiteral(property.initializer))
      code = property.initializer.text;
    if (property.name.text === 'status' && ts.isNumericLiteral(property.initializer))
      hasStatus = true;
  }
  return hasStatus ? code : undefined;
}

/** The codes of the constraints each file registers with `describeConstraint(name, { problem })`. */
function constraintCodesByFile(
  program: ts.Program,
  checker: ts.TypeChecker,
  srcDir: string,
): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(srcDir.split(sep).join('/'))) continue;
    for (const statement of file.statements) {
      if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression))
        continue;
      const call = statement.expression;
      if (!ts.isIdentifier(call.expression) || call.expression.text !== 'describeConstraint')
        continue;
      const meaning = call.arguments[1];
      if (!meaning || !ts.isObjectLiteralExpression(meaning)) continue;
      for (const property of meaning.properties) {
        if (
          !ts.isPropertyAssignment(property) ||
          !ts.isPropertyAccessExpression(property.initializer)
        )
          continue;
        const declaration = checker.getSymbolAtLocation(property.initializer.name)
          ?.declarations?.[0];
        const code =
          declaration && ts.isPropertyAssignment(declaration)
            ? entryCode(declaration.initializer)
            : undefined;
        if (code) byFile.set(file.fileName, [...(byFile.get(file.fileName) ?? []), code]);
      }
    }
  }
  return byFile;
}

const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

interface RouteHandler {
  operationId: string;
  declaration: ts.MethodDeclaration;
  writes: boolean;
}

/** Controller methods with a route decorator, by the operationId their `@ApiOperation` gives. */
function routeHandlers(file: ts.SourceFile): RouteHandler[] {
  const handlers: RouteHandler[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isMethodDeclaration(node)) {
      const decorators = ts.getDecorators(node) ?? [];
      const names = decorators.map((decorator) =>
        ts.isCallExpression(decorator.expression) &&
        ts.isIdentifier(decorator.expression.expression)
          ? decorator.expression.expression.text
          : '',
      );
      const verb = names.find((name) => ROUTE_DECORATORS.has(name));
      const operationId = decorators.map(operationIdOf).find(Boolean);
      if (verb && operationId)
        handlers.push({ operationId, declaration: node, writes: verb !== 'Get' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return handlers;
}

function operationIdOf(decorator: ts.Decorator): string | undefined {
  const call = decorator.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return undefined;
  if (call.expression.text !== 'ApiOperation') return undefined;
  const options = call.arguments[0];
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) {
    if (
      ts.isPropertyAssignment(property) &&
      ts.isIdentifier(property.name) &&
      property.name.text === 'operationId' &&
      ts.isStringLiteralLike(property.initializer)
    )
      return property.initializer.text;
  }
  return undefined;
}
