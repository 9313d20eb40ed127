import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';

/** One step of a path into the YAML tree: a map key or a list index. */
export type Segment = string | number;

/** 1-based line and column. */
export interface SourcePos {
  line: number;
  col: number;
}

/** A problem the YAML parser itself found (syntax, duplicate keys). */
export interface SyntaxProblem {
  pos: SourcePos;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * A parsed tandem.yaml that still knows where every node came from, so every later check can point at a
 * line and column instead of only a dotted path.
 */
export class YamlSource {
  private constructor(
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string): { source: YamlSource; problems: SyntaxProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(doc, lines);
    const problems: SyntaxProblem[] = [
      ...doc.errors.map((e) => ({ pos: source.posAt(e.pos[0]), message: e.message, severity: 'error' as const })),
      ...doc.warnings.map((w) => ({ pos: source.posAt(w.pos[0]), message: w.message, severity: 'warning' as const })),
    ];
    return { source, problems };
  }

  posAt(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /**
   * Where the value (or, with `at: 'key'`, the key) at `path` starts. When the path does not exist — a
   * missing required key — this is the key of its closest existing ancestor, which is where the user will look.
   */
  locate(path: readonly Segment[], at: 'key' | 'value' = 'value'): SourcePos {
    let node: unknown = this.doc.contents;
    let lastKey: Node | null = null;
    for (let i = 0; i < path.length; i++) {
      const pair = childPair(node, path[i]);
      if (pair === undefined) return this.start(lastKey ?? node);
      if (i === path.length - 1 && at === 'key' && isPair(pair)) return this.start(pair.key);
      if (isPair(pair)) lastKey = pair.key as Node;
      node = isPair(pair) ? pair.value : pair;
    }
    return this.start(node ?? lastKey);
  }

  /** Where a node starts; the top of the file for a node without a position. */
  nodePos(node: unknown): SourcePos {
    return this.start(node);
  }

  private start(node: unknown): SourcePos {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.posAt(range[0]) : { line: 1, col: 1 };
  }
}

/** The pair (for maps) or item (for lists) at one segment, or undefined when absent. */
function childPair(node: unknown, segment: Segment): Pair | Node | undefined {
  if (isMap(node)) {
    return node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(segment));
  }
  if (isSeq(node) && typeof segment === 'number') return node.items[segment] as Node | undefined;
  return undefined;
}
