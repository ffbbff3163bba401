/**
 * A parser and evaluator for the subset of Milvus's boolean expression language that hitline emits
 * (==, !=, <, <=, >, >=, in [...], and/or/not, parentheses, unary minus, string, number and bool
 * literals). Where hitline's escaping depends on it, it accepts only what both Milvus (Go string literals)
 * and Milvus Lite parse: a raw newline or carriage return inside a literal is a syntax error, the only
 * escapes are \\ \n \r \t and the literal's own quote (Lite rejects \uXXXX and \xXX, Go rejects \' in
 * double quotes), and other characters, control characters included, stand for themselves. A fractional
 * literal against an Int64 field is refused as Milvus refuses it. Anything else is a parse
 * error, so a compiler that emits something outside this subset fails the recorder's tests.
 */

export type ExprValue = string | number | boolean;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'cmp'; field: string; op: '==' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { kind: 'in'; field: string; negate: boolean; values: Literal[] };
interface Literal {
  type: 'string' | 'int' | 'float' | 'bool';
  value: ExprValue;
}

type Token =
  | { t: 'id'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string };

export class ExprError extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, next] = readString(src, i);
      out.push({ t: 'str', v: value });
      i = next;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('<>()[],-!'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new ExprError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

/** Reads a string literal starting at the quote; returns its value and the index after it. */
function readString(src: string, start: number): [string, number] {
  const quote = src[start];
  let i = start + 1;
  let out = '';
  while (i < src.length) {
    const c = src[i];
    if (c === quote) return [out, i + 1];
    if (c === '\n' || c === '\r') throw new ExprError('newline inside a string literal');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    const simple: Record<string, string> = { '\\': '\\', [quote]: quote, n: '\n', r: '\r', t: '\t' };
    if (e === undefined || !(e in simple)) throw new ExprError(`unknown escape sequence \\${e ?? ''}`);
    out += simple[e];
    i += 2;
  }
  throw new ExprError('unterminated string literal');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.pos !== this.tokens.length) throw new ExprError(`unexpected ${JSON.stringify(this.tokens[this.pos])}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(words: string[]): boolean {
    const t = this.peek();
    return !!t && ((t.t === 'id' && words.includes(t.v)) || (t.t === 'op' && words.includes(t.v)));
  }

  private expect(v: string): void {
    const t = this.tokens[this.pos++];
    if (!t || t.v !== v) throw new ExprError(`expected ${v}`);
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord(['or', 'OR', '||'])) {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.isWord(['and', 'AND', '&&'])) {
      this.pos++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isWord(['not', 'NOT', '!'])) {
      this.pos++;
      return { kind: 'not', operand: this.unary() };
    }
    if (this.peek()?.v === '(' && this.peek()?.t === 'op') {
      this.pos++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const t = this.tokens[this.pos++];
    if (!t || t.t !== 'id') throw new ExprError('expected a field name');
    const field = t.v;
    if (this.isWord(['in', 'IN']) || (this.isWord(['not', 'NOT']) && /^(in|IN)$/.test(this.tokens[this.pos + 1]?.v ?? ''))) {
      const negate = this.isWord(['not', 'NOT']);
      this.pos += negate ? 2 : 1;
      this.expect('[');
      const values: Literal[] = [];
      while (this.peek()?.v !== ']') {
        values.push(this.literal());
        if (this.peek()?.v === ',') this.pos++;
        else break;
      }
      this.expect(']');
      return { kind: 'in', field, negate, values };
    }
    const op = this.tokens[this.pos++];
    if (!op || op.t !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(op.v)) throw new ExprError(`expected a comparison after ${field}`);
    return { kind: 'cmp', field, op: op.v as '==', value: this.literal() };
  }

  private literal(): Literal {
    let negative = false;
    if (this.peek()?.t === 'op' && this.peek()?.v === '-') {
      negative = true;
      this.pos++;
    }
    const t = this.tokens[this.pos++];
    if (!t) throw new ExprError('expected a value');
    if (t.t === 'str' && !negative) return { type: 'string', value: t.v };
    if (t.t === 'num') {
      const isInt = /^\d+$/.test(t.v);
      const n = Number(t.v) * (negative ? -1 : 1);
      return { type: isInt ? 'int' : 'float', value: n };
    }
    if (t.t === 'id' && /^(true|True|TRUE|false|False|FALSE)$/.test(t.v) && !negative) return { type: 'bool', value: /^t/i.test(t.v) };
    throw new ExprError(`expected a value, got ${JSON.stringify(t.v)}`);
  }
}

/** Field name → Milvus data type name ('VarChar', 'Int64', 'Double', 'Bool', ...). */
export type FieldTypes = Record<string, string>;

export interface CompiledExpr {
  (row: Record<string, unknown>): boolean;
}

/** Parses and type-checks an expression; '' matches every row. Throws ExprError as Milvus would refuse it. */
export function compileExpr(expr: string, types: FieldTypes): CompiledExpr {
  if (expr.trim() === '') return () => true;
  const ast = new Parser(tokenize(expr)).parse();
  check(ast, types);
  return (row) => evaluate(ast, row);
}

function check(node: Node, types: FieldTypes): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      check(node.left, types);
      check(node.right, types);
      return;
    case 'not':
      check(node.operand, types);
      return;
    case 'cmp':
    case 'in': {
      const type = types[node.field];
      if (!type) throw new ExprError(`field ${node.field} not exist`);
      const literals = node.kind === 'cmp' ? [node.value] : node.values;
      for (const lit of literals) {
        const ok =
          (type === 'VarChar' && lit.type === 'string') ||
          (type === 'Int64' && lit.type === 'int') ||
          ((type === 'Double' || type === 'Float') && (lit.type === 'int' || lit.type === 'float')) ||
          (type === 'Bool' && lit.type === 'bool');
        if (!ok) throw new ExprError(`cannot cast value to ${type}, value: ${JSON.stringify(lit.value)}`);
      }
      return;
    }
  }
}

function evaluate(node: Node, row: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, row) && evaluate(node.right, row);
    case 'or':
      return evaluate(node.left, row) || evaluate(node.right, row);
    case 'not':
      return !evaluate(node.operand, row);
    case 'in': {
      const v = row[node.field];
      const found = node.values.some((lit) => lit.value === v);
      return node.negate ? !found : found;
    }
    case 'cmp': {
      const v = row[node.field] as ExprValue;
      const c = compare(v, node.value.value);
      switch (node.op) {
        case '==':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
    }
  }
}

/** Strings compare by UTF-8 bytes, as Milvus compares VarChar. */
function compare(a: ExprValue, b: ExprValue): number {
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b ? 0 : 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
