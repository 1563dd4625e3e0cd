/** The persistent notice required on every screen (issue #2, README). */
export const RESEARCH_NOTICE = 'Research and prioritisation only — not for diagnosis';

export function ResearchNotice() {
  return (
    <div className="research-notice" role="note" data-testid="research-notice">
      {RESEARCH_NOTICE}
    </div>
  );
}
