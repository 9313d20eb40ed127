/**
 * Test helpers the connectors' malformed-body specs share: a loopback app that answers every request with one body,
 * and fast-check bodies that are either any JSON or a real answer with one node swapped for any JSON.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';

export interface AnsweringApp {
  url: string;
  /** The body (200, JSON) every request gets from now on. */
  answer(value: unknown): void;
  close(): Promise<void>;
}

/** A loopback app on port 0 that answers every request with the current body, whatever was asked. */
export async function answeringApp(): Promise<AnsweringApp> {
  let body = '';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answer: (value) => void (body = JSON.stringify(value) ?? ''),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `template` with one node (the `pick`-th, depth first, wrapping around) replaced by `value`. */
export function swapNode(template: unknown, pick: number, value: unknown): unknown {
  const doc = structuredClone(template);
  const slots: [Record<string, unknown>, string][] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push([node as Record<string, unknown>, key]);
      walk(child);
    }
  };
  walk(doc);
  if (slots.length === 0) return value;
  const [parent, key] = slots[pick % slots.length];
  parent[key] = value;
  return doc;
}

/** Any JSON, or one of the endpoints' real bodies (`templates`) damaged in one node. */
export function damagedBodies(templates: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc
      .record({ template: fc.constantFrom(...templates), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) })
      .map(({ template, pick, value }) => swapNode(template, pick, value)),
  );
}
