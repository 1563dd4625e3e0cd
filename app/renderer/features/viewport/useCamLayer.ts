/**
 * The AI heatmap layer of one viewport (issue #4): builds the coloured Grad-CAM of the
 * image on display once per (result, class) with features/ai's camOverlay helpers, and
 * hands the viewport controller a draw function it calls after every render, so the map
 * follows zoom, pan, rotation and flips. Redraws when the result or the settings change.
 */
import { useEffect, useMemo, useRef, type MutableRefObject } from 'react';
import { useStore } from 'zustand';
import { aiEntryKey } from '../../stores/ai.store';
import { camRgba, drawCamOverlay, type ImageToCanvasTransform } from '../../viewer/camOverlay';
import type { CxrImage } from '../../viewer/imageObject';
import type { ViewportController } from '../../viewer/viewportController';
import { useAppStores } from '../app/AppContext';

export type LayerDrawer = (context: CanvasRenderingContext2D, transform: ImageToCanvasTransform, image: CxrImage) => void;

export function useCamLayer(instanceId: string | undefined, frame: number, controller: MutableRefObject<ViewportController | undefined>): MutableRefObject<LayerDrawer | undefined> {
  const { ai } = useAppStores();
  const entry = useStore(ai, (s) => (instanceId ? s.entries[aiEntryKey(instanceId, frame)] : undefined));
  const overlay = useStore(ai, (s) => s.overlay);
  const result = entry?.state === 'done' ? entry.result : undefined;

  const canvas = useMemo(() => {
    if (!result || !overlay.visible) return undefined;
    const labels = Object.keys(result.probabilities);
    const classIndex = labels.indexOf(overlay.classLabel ?? result.label);
    try {
      const { width, height, rgba } = camRgba(result, classIndex < 0 ? labels.indexOf(result.label) : classIndex);
      const c = document.createElement('canvas');
      c.width = width;
      c.height = height;
      c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
      return c;
    } catch {
      // A malformed CAM must not take the viewer down: no heatmap.
      return undefined;
    }
  }, [result, overlay.visible, overlay.classLabel]);

  const drawer = useRef<LayerDrawer | undefined>(undefined);
  drawer.current = canvas
    ? (context, transform, image) => drawCamOverlay(context, transform, canvas, { rows: image.rows, columns: image.columns }, overlay.opacity)
    : undefined;

  useEffect(() => {
    controller.current?.redraw();
  }, [canvas, overlay.opacity, controller]);

  return drawer;
}
