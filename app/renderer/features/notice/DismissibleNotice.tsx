/** A one-line message above a screen (a failed action, a hint) that the user dismisses. */
export function DismissibleNotice({ message, testId, onDismiss }: { message: string | undefined; testId: string; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <div className="notice-banner" role="status" data-testid={testId}>
      {message}
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
