/**
 * One viewport: the cornerstone element, measurement SVG, magnifier, overlay text and
 * the error of a file that cannot be shown (named by file name).
 */
import { useEffect, useMemo, useRef } from 'react';
import type { SlotIndex } from '../../stores/viewer.store';
import { compareStoreOf } from '../../stores/compare.store';
import { findInstance, studyInstances } from '../../stores/studies.store';
import { registerController } from '../../viewer/controllerRegistry';
import { makeImageId } from '../../viewer/imageObject';
import { setupCornerstone } from '../../viewer/imageLoader';
import { ViewportController } from '../../viewer/viewportController';
import { adoptView, followView } from '../../viewer/viewportSync';
import { messageNamingFile } from '../../lib/format';
import { useAppStores, useStudies, useViewer } from '../app/AppContext';
import { OverlayText } from './OverlayText';
import { useCamLayer } from './useCamLayer';

export function Viewport({ slot }: { slot: SlotIndex }) {
  const stores = useAppStores();
  const elementRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const magnifierRef = useRef<HTMLCanvasElement>(null);
  const controllerRef = useRef<ViewportController | undefined>(undefined);
  const content = useViewer((s) => s.slots[slot]);
  const readout = useViewer((s) => s.readouts[slot]);
  const active = useViewer((s) => s.activeSlot === slot && s.layout === '1x2');
  const overlayVisible = useViewer((s) => s.overlayVisible);
  const patients = useStudies((s) => s.patients);
  const camLayer = useCamLayer(content.instanceId, content.frame, controllerRef);

  useEffect(() => {
    const element = elementRef.current;
    const annotations = svgRef.current;
    const magnifier = magnifierRef.current;
    if (!element || !annotations || !magnifier) return;
    setupCornerstone(stores.api);
    const compare = compareStoreOf(stores);
    // Zoom and pan follow between the two viewports of a 1×2 comparison while sync is on.
    const linked = () => compare.getState().sync && stores.viewer.getState().layout === '1x2';
    const controller = new ViewportController(
      { element, annotations, magnifier },
      {
        onReadout: (r) => stores.viewer.getState().setReadout(slot, r),
        drawLayers: (context, transform, image) => camLayer.current?.(context, transform, image),
        onViewChange: () => {
          if (linked()) followView(slot);
        },
        onImageShown: () => {
          if (linked()) adoptView(slot);
        },
        onToggleSync: () => compare.getState().toggleSync(),
      },
    );
    controller.enable();
    controller.setTool(stores.viewer.getState().tool);
    controllerRef.current = controller;
    const unregister = registerController(slot, controller);
    return () => {
      unregister();
      controller.destroy();
      controllerRef.current = undefined;
    };
  }, [stores, slot]);

  useEffect(() => {
    if (content.instanceId) void controllerRef.current?.show(makeImageId(content.instanceId, content.frame));
    else controllerRef.current?.clear();
  }, [content.instanceId, content.frame]);

  const found = useMemo(() => (content.instanceId ? findInstance(patients, content.instanceId) : undefined), [patients, content.instanceId]);
  const imageIndex = useMemo(() => {
    if (!found) return undefined;
    const list = studyInstances(found.study);
    return { index: list.findIndex((i) => i.instanceId === found.instance.instanceId), count: list.length };
  }, [found]);

  const activate = () => stores.viewer.getState().setActiveSlot(slot);

  return (
    <div className={`viewport${active ? ' active' : ''}`} data-testid={`viewport-${slot}`} data-status={readout.status} onPointerDownCapture={activate}>
      <div ref={elementRef} className="cornerstone-element" data-testid={`viewport-canvas-${slot}`} />
      <svg ref={svgRef} className="annotations" data-testid={`annotations-${slot}`} />
      <canvas ref={magnifierRef} className="magnifier" data-testid={`magnifier-${slot}`} />
      {overlayVisible && readout.status !== 'empty' ? (
        <OverlayText patient={found?.patient} study={found?.study} instance={found?.instance} imageIndex={imageIndex} frame={content.frame} readout={readout} />
      ) : null}
      {readout.status === 'empty' ? (
        <div className="viewport-placeholder">
          <div>No image</div>
          <div className="dim">Open files or a folder, or drop them here, then pick a study.</div>
        </div>
      ) : null}
      {readout.status === 'ready' && readout.warnings ? (
        <div className="viewport-warning" role="status" data-testid={`viewport-warning-${slot}`}>
          {readout.warnings.map((w) => (
            <div key={w}>⚠ {w}</div>
          ))}
        </div>
      ) : null}
      {readout.status === 'loading' ? <div className="viewport-loading">Loading…</div> : null}
      {readout.status === 'error' && readout.error ? (
        <div className="viewport-error" role="alert" data-testid={`viewport-error-${slot}`}>
          <div className="strong">Cannot display this image</div>
          <div>{messageNamingFile(found?.instance.fileName, readout.error.message)}</div>
          <div className="dim">{readout.error.code}</div>
        </div>
      ) : null}
    </div>
  );
}

/** 1×1 or 1×2 grid of viewports. */
export function ViewportGrid() {
  const stores = useAppStores();
  const layout = useViewer((s) => s.layout);
  // Turning sync on lines the other viewport up with the active one at once.
  useEffect(
    () =>
      compareStoreOf(stores).subscribe((now, before) => {
        if (now.sync && !before.sync && stores.viewer.getState().layout === '1x2') followView(stores.viewer.getState().activeSlot);
      }),
    [stores],
  );
  return (
    <div className={`viewport-grid layout-${layout}`} data-testid="viewport-grid" data-layout={layout}>
      <Viewport slot={0} />
      {layout === '1x2' ? <Viewport slot={1} /> : null}
    </div>
  );
}
