/** Progress bar of the running import with its count and a Cancel button. */
import { isImportRunning } from '../../stores/import.store';
import { useAppStores, useImports } from '../app/AppContext';

export function ImportProgress() {
  const stores = useAppStores();
  const job = useImports((s) => s.job);
  const running = useImports(isImportRunning);
  if (!job || !running) return null;
  const fraction = job.total > 0 ? Math.min(job.done / job.total, 1) : 0;
  return (
    <div className="import-progress" data-testid="import-progress" role="status">
      <span className="label">{job.phase === 'scanning' ? 'Scanning…' : 'Importing'}</span>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
        <div className={`fill${job.total === 0 ? ' indeterminate' : ''}`} style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <span className="count" data-testid="import-count">
        {job.done} / {job.total || '?'}
        {job.failed > 0 ? ` · ${job.failed} failed` : ''}
      </span>
      <button type="button" onClick={() => void stores.imports.getState().cancel()} data-testid="import-cancel">
        Cancel
      </button>
    </div>
  );
}
