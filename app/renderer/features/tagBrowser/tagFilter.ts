/**
 * Search over a DICOM tag tree (nested sequences, PS3.5 7.5): a node matches when its
 * tag, keyword, VR or value contains the query; a sequence is kept when it or anything
 * inside it matches, with only the matching items and elements.
 */
import type { TagNode } from '../../../shared/ipc/contract';

/** Normalises a query: case-insensitive, "0010,0010", "(0010,0010)" and "00100010" all match the tag. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[()\s]/g, '');
}

function nodeMatches(node: TagNode, query: string): boolean {
  const tag = normalise(node.tag);
  return tag.includes(query) || tag.replace(',', '').includes(query) || node.keyword.toLowerCase().includes(query) || node.vr.toLowerCase() === query || node.value.toLowerCase().includes(query);
}

/** The subtree of `nodes` matching `query` (all of it for an empty query). */
export function filterTags(nodes: readonly TagNode[], rawQuery: string): TagNode[] {
  const query = normalise(rawQuery);
  if (!query) return [...nodes];
  const out: TagNode[] = [];
  for (const node of nodes) {
    if (nodeMatches(node, query)) {
      out.push(node);
      continue;
    }
    if (node.items) {
      const items = node.items.map((item) => filterTags(item, rawQuery)).filter((item) => item.length > 0);
      if (items.length > 0) out.push({ ...node, items });
    }
  }
  return out;
}

/** Number of elements in a tree, nested ones included. */
export function countTags(nodes: readonly TagNode[]): number {
  let n = 0;
  for (const node of nodes) {
    n += 1;
    for (const item of node.items ?? []) n += countTags(item);
  }
  return n;
}
