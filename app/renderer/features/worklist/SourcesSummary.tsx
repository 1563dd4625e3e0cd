/**
 * The lines that say what feeds the worklist (issue #5), shared by the Sources strip and the
 * Sources dialog: listener, watched folder, settings-file problems. A failure shows main's
 * message marked "Error" in words and an icon, not by colour alone.
 */
import type { IngestSourcesStatus } from '../../../shared/ipc/contract';

/** Last component of a folder path (Windows or POSIX), for a compact label. */
export function folderName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) ?? path;
}

function ErrorText({ message, testId }: { message: string; testId: string }) {
  return (
    <span className="wl-source s-error" data-testid={testId} data-state="failed">
      <span className="tag" aria-hidden="true">
        ⚠
      </span>
      <span className="tag">Error:</span> {message}
    </span>
  );
}

/** The listener's, the watched folder's and the settings file's lines (strip and dialog). */
export function SourcesSummary({ status }: { status: IngestSourcesStatus }) {
  const { listener, watchedFolder } = status;
  const where = `${listener.aeTitle ?? ''} :${listener.port ?? ''}`;
  return (
    <>
      {listener.state === 'failed' ? (
        <ErrorText message={listener.message ?? 'The DICOM listener is not receiving.'} testId="sources-listener" />
      ) : (
        <span className="wl-source" data-testid="sources-listener" data-state={listener.state}>
          {listener.state === 'off'
            ? 'Listener off'
            : listener.state === 'starting'
              ? `DICOM listener ${where} — starting…`
              : `DICOM listener ${where} — listening · ${listener.received} received`}
        </span>
      )}
      {watchedFolder.state === 'failed' ? (
        <ErrorText message={watchedFolder.message ?? 'The watched folder cannot be read.'} testId="sources-watch" />
      ) : (
        <span className="wl-source" data-testid="sources-watch" data-state={watchedFolder.state} title={watchedFolder.folder}>
          {watchedFolder.state === 'off' ? 'Watched folder off' : `Watched folder ${folderName(watchedFolder.folder ?? '')} — watching`}
        </span>
      )}
      {watchedFolder.state === 'watching' && watchedFolder.message ? (
        <span className="wl-source s-note" data-testid="sources-watch-note">
          <span className="tag">Warning:</span> {watchedFolder.message}
        </span>
      ) : null}
      {status.settingsProblems.map((problem) => (
        <ErrorText key={problem} message={problem} testId="sources-settings-problem" />
      ))}
    </>
  );
}
