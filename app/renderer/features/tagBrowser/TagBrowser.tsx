/** DICOM tag browser of the active image, with search through nested sequences (`images:tags`). */
import { useEffect, useMemo, useState } from 'react';
import type { AppError } from '../../../shared/result';
import type { TagNode } from '../../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../../lib/api';
import { useAppStores, useViewer } from '../app/AppContext';
import { countTags, filterTags } from './tagFilter';

function TagRows({ nodes, depth }: { nodes: TagNode[]; depth: number }) {
  return (
    <>
      {nodes.map((node, i) => (
        <li key={`${node.tag}-${i}`} className="tag-node" data-testid="tag-row">
          <div className="tag-line" style={{ paddingLeft: depth * 14 }}>
            <span className="tag">{node.tag}</span>
            <span className="vr">{node.vr}</span>
            <span className="keyword">{node.keyword || 'Unknown'}</span>
            <span className="value" title={node.value}>
              {node.value}
            </span>
          </div>
          {node.items?.map((item, itemIndex) => (
            <ul key={itemIndex} className="tag-item">
              <li className="item-label" style={{ paddingLeft: (depth + 1) * 14 }}>
                Item {itemIndex + 1}
              </li>
              <TagRows nodes={item} depth={depth + 1} />
            </ul>
          ))}
        </li>
      ))}
    </>
  );
}

export function TagBrowser() {
  const stores = useAppStores();
  const instanceId = useViewer((s) => s.slots[s.activeSlot].instanceId);
  const [query, setQuery] = useState('');
  const [state, setState] = useState<{ instanceId?: string; elements?: TagNode[]; error?: AppError }>({});

  useEffect(() => {
    if (!instanceId) return;
    let live = true;
    setState({ instanceId });
    invokeOrThrow(stores.api, 'images:tags', { instanceId })
      .then(({ elements }) => live && setState({ instanceId, elements }))
      .catch((err: unknown) => live && setState({ instanceId, error: errorOf(err) }));
    return () => {
      live = false;
    };
  }, [stores, instanceId]);

  const filtered = useMemo(() => (state.elements ? filterTags(state.elements, query) : []), [state.elements, query]);

  return (
    <aside className="tag-browser" data-testid="tag-browser">
      <div className="panel-title">
        DICOM tags
        <button type="button" className="link" onClick={() => stores.viewer.getState().setTagsOpen(false)} aria-label="Close tag browser">
          ✕
        </button>
      </div>
      <input
        className="search"
        type="search"
        placeholder="Search tag, keyword or value…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="tag-search"
        autoFocus
      />
      {!instanceId ? <div className="dim pad">Open an image to see its tags.</div> : null}
      {state.error ? <div className="error-banner">{state.error.message}</div> : null}
      {state.elements ? (
        <div className="dim pad small" data-testid="tag-count">
          {countTags(filtered)} of {countTags(state.elements)} elements
        </div>
      ) : instanceId && !state.error ? (
        <div className="dim pad">Loading…</div>
      ) : null}
      <ul className="tag-tree">
        <TagRows nodes={filtered} depth={0} />
      </ul>
    </aside>
  );
}
