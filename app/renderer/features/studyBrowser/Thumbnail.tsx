/** A study thumbnail (`images:thumbnail`, RGBA) painted on a canvas; fetched when first shown. */
import { useEffect, useRef, useState } from 'react';
import { useAppStores, useStudies } from '../app/AppContext';

export function Thumbnail({ instanceId }: { instanceId?: string }) {
  const stores = useAppStores();
  const state = useStudies((s) => (instanceId ? s.thumbnails[instanceId] : undefined));
  const canvasRef = useRef<HTMLCanvasElement>(null);

  const [visible, setVisible] = useState(false);

  // Fetch only thumbnails scrolled into view: a list of thousands of studies must not
  // send thousands of decode requests at once.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || visible) return;
    if (typeof IntersectionObserver === 'undefined') {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setVisible(true);
    }, { rootMargin: '200px' });
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [visible, instanceId]);

  useEffect(() => {
    if (instanceId && visible) void stores.studies.getState().loadThumbnail(instanceId);
  }, [stores, instanceId, visible]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || state?.status !== 'ready') return;
    const { width, height, rgba } = state.pixels;
    if (width <= 0 || height <= 0 || rgba.byteLength < width * height * 4) return;
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba, 0, width * height * 4), width, height), 0, 0);
  }, [state]);

  if (!instanceId) return <div className="thumbnail empty">—</div>;
  if (state?.status === 'error') {
    return (
      <div className="thumbnail error" title={state.error.message}>
        !
      </div>
    );
  }
  return <canvas ref={canvasRef} className={`thumbnail${state?.status === 'ready' ? ' ready' : ''}`} data-testid="thumbnail" data-ready={state?.status === 'ready'} />;
}
