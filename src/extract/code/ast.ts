/** Small facts about ESTree nodes that the walk and the piecing share. */
import type { TSESTree } from "@typescript-eslint/typescript-estree";

type Node = TSESTree.Node;

/** Nodes that open a lexical scope. */
export const SCOPE_NODES = new Set([
  "Program",
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "BlockStatement",
  "StaticBlock",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
  "SwitchStatement",
  "CatchClause",
  "TSModuleBlock",
]);

export function unwrap(node: Node): Node {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSSatisfiesExpression" || n.type === "TSNonNullExpression" || n.type === "TSTypeAssertion") n = n.expression;
  return n;
}

/** A string literal, an untagged template, or a `+` chain with a string in it. */
export function isStringish(node: Node): boolean {
  if (node.type === "Literal") return typeof node.value === "string";
  if (node.type === "TemplateLiteral") return true;
  if (node.type === "BinaryExpression" && node.operator === "+") return concatLeaves(node).some((l) => isStringish(l));
  return false;
}

/** An expression that computes a number: a numeric literal, arithmetic, `i++`. */
export function isNumeric(node: Node, depth = 0): boolean {
  if (depth > 32) return false; // ((a as any) + (b as any)) + …: deeper is not worth a stack
  const e = unwrap(node);
  if (e.type === "Literal") return typeof e.value === "number" || typeof e.value === "bigint";
  if (e.type === "UpdateExpression") return true;
  if (e.type === "UnaryExpression") return e.operator === "-" || e.operator === "+" || e.operator === "~";
  if (e.type === "BinaryExpression") {
    if (["-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"].includes(e.operator)) return true;
    return e.operator === "+" && (isNumeric(e.left as Node, depth + 1) || isNumeric(e.right as Node, depth + 1));
  }
  return false;
}

/** The operands of a `+` chain, left to right. */
export function concatLeaves(node: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === "BinaryExpression" && n.operator === "+") {
      stack.push(n.right as Node, n.left as Node);
    } else out.push(n);
  }
  return out;
}

/** A string literal standing as a value (not a key, an import source, a type or a directive). */
export function literalUsedAsValue(node: TSESTree.Literal, parent: Node): boolean {
  switch (parent.type) {
    case "Property":
    case "PropertyDefinition":
    case "MethodDefinition":
    case "TSPropertySignature":
    case "TSMethodSignature":
    case "AccessorProperty":
      return parent.key !== node || parent.computed;
    case "ImportDeclaration":
    case "ExportAllDeclaration":
    case "ExportNamedDeclaration":
    case "ImportExpression":
    case "TSExternalModuleReference":
    case "TSImportType":
    case "TSLiteralType":
    case "TSEnumMember":
    case "TSModuleDeclaration":
    case "ImportAttribute":
    case "JSXAttribute":
      return false;
    case "ExpressionStatement":
      return parent.directive === undefined;
    default:
      return true;
  }
}

export function patternNames(pattern: Node | null | undefined, out: string[] = []): string[] {
  // destructuring inside destructuring…: a stack, not recursion
  const stack: (Node | null | undefined)[] = [pattern];
  while (stack.length > 0) {
    const p = stack.pop();
    if (!p) continue;
    switch (p.type) {
      case "Identifier":
        out.push(p.name);
        break;
      case "ObjectPattern":
        for (let i = p.properties.length - 1; i >= 0; i--) {
          const prop = p.properties[i]!;
          stack.push(prop.type === "RestElement" ? prop.argument : (prop.value as Node));
        }
        break;
      case "ArrayPattern":
        for (let i = p.elements.length - 1; i >= 0; i--) stack.push(p.elements[i] as Node | null);
        break;
      case "RestElement":
        stack.push(p.argument);
        break;
      case "AssignmentPattern":
        stack.push(p.left);
        break;
      case "TSParameterProperty":
        stack.push(p.parameter);
        break;
      default:
        break;
    }
  }
  return out;
}

/** A property of an object literal, by name. */
export function property(node: Node, name: string): Node | undefined {
  if (node.type !== "ObjectExpression") return undefined;
  for (const p of node.properties) {
    if (p.type === "Property" && !p.computed && ((p.key.type === "Identifier" && p.key.name === name) || (p.key.type === "Literal" && p.key.value === name))) return unwrap(p.value as Node);
  }
  return undefined;
}

/** No value: absent, `undefined` or `null`. */
export function isNothing(n: Node | undefined): boolean {
  return !n || (n.type === "Identifier" && n.name === "undefined") || (n.type === "Literal" && n.value === null);
}
