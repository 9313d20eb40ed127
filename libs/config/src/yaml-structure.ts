import { isAlias, isCollection, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import type { Issues } from './issues.js';
import type { Segment, YamlSource } from './yaml-source.js';

/**
 * The YAML parser accepts documents that its `toJS` then rejects with a ReferenceError (an alias with no anchor
 * before it, an alias inside the very node it names) or silently mangles (a list or mapping used as a key). They
 * are checked on the tree, where every node still has its position, so each becomes a located issue.
 */
export function checkStructure(source: YamlSource, issues: Issues): void {
  const anchors = new Map<string, Node>();
  visit(source.doc, {
    Node(_key, node, ancestors) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        const alias = `alias "*${node.source}"`;
        if (!target) report(source, issues, node, ancestors, `${alias} names no anchor: define "&${node.source}" before it`);
        else if (ancestors.includes(target)) report(source, issues, node, ancestors, `${alias} is inside the node it names, which would repeat forever`);
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
    },
    Pair(_key, pair, ancestors) {
      const key = pair.key as Node | null;
      const target = isAlias(key) ? anchors.get(key.source) : key;
      // Reported at the mapping holding the key: the key itself has no name to show.
      if (isCollection(target)) report(source, issues, key as Node, ancestors, 'a key must be a plain name, not a list or mapping');
    },
  });
}

/**
 * The document as plain data, or undefined (with a located issue) when expanding its aliases fails. After
 * checkStructure only the alias budget can still be exceeded: a document built to expand to huge data.
 */
export function toPlainData(source: YamlSource, issues: Issues): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    let first: Node | undefined;
    visit(source.doc, { Alias: (_key, node) => ((first = node), visit.BREAK) });
    const pos = source.nodePos(first);
    issues.addAt(pos.line, pos.col, `cannot expand the aliases of this file: ${(error as Error).message}`, 'error');
    return undefined;
  }
}

function report(source: YamlSource, issues: Issues, node: Node, ancestors: readonly unknown[], message: string): void {
  const pos = source.nodePos(node);
  issues.addAt(pos.line, pos.col, message, 'error', pathOf(ancestors, node));
}

/** The map keys and list indexes leading to `node`, from the visitor's ancestor chain. */
function pathOf(ancestors: readonly unknown[], node: unknown): Segment[] {
  const path: Segment[] = [];
  ancestors.forEach((ancestor, i) => {
    if (isPair(ancestor)) path.push(isScalar(ancestor.key) ? String(ancestor.key.value) : String(ancestor.key));
    if (isSeq(ancestor)) path.push(ancestor.items.indexOf((ancestors[i + 1] ?? node) as never));
  });
  return path;
}
