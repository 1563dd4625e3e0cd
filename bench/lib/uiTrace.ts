/**
 * Optional Chromium performance trace of a window/level drag (bench/ui.bench.ts with
 * BENCH_UI_TRACE=1): records devtools.timeline + GC over CDP and summarises the renderer
 * main thread's time per event name within frames longer than one vsync, so a frame-rate
 * shortfall names its cause (our render, React, GC, paint, or a thread starved of CPU).
 */
import type { Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time; below `dur` when the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: unknown };
}

/** Starts tracing on `page`; the returned function stops it and returns the events. */
export async function startTrace(page: Page): Promise<() => Promise<TraceEvent[]>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    // The protocol types trace events as plain objects; these are Chromium's trace format.
    for (const event of e.value) events.push(event as unknown as TraceEvent);
  });
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.gc,blink.user_timing,toplevel',
    transferMode: 'ReportEvents',
  });
  return async () => {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    return events;
  };
}

/**
 * Time per event name (ms, self-nesting included) on the renderer main thread, over the
 * whole trace and in tasks longer than `longTaskMs`; plus the count of such tasks.
 */
export function summariseTrace(events: TraceEvent[], longTaskMs = 12): Record<string, unknown> {
  const threadName = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = [...threadName.entries()].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k);
  const complete = events.filter((e) => e.ph === 'X' && typeof e.dur === 'number' && main.includes(`${e.pid}:${e.tid}`));
  const tasks = complete.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const long = tasks.filter((t) => t.dur! / 1000 > longTaskMs);
  const inLong = (e: TraceEvent) => long.some((t) => e.ts >= t.ts && e.ts < t.ts + t.dur!);
  const byName = (filter: (e: TraceEvent) => boolean) => {
    const totals = new Map<string, number>();
    for (const e of complete) if (filter(e) && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur! / 1000);
    return Object.fromEntries([...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, Math.round(v)]));
  };
  const first = Math.min(...complete.map((e) => e.ts));
  const last = Math.max(...complete.map((e) => e.ts + e.dur!));
  return {
    traceMs: Math.round((last - first) / 1000),
    mainThreadBusyMs: Math.round(tasks.reduce((s, t) => s + t.dur!, 0) / 1000),
    longTasks: long.length,
    longTaskMs: long.map((t) => Math.round(t.dur! / 1000)).sort((a, b) => b - a).slice(0, 10),
    // Wall vs CPU time of the long tasks: a large gap means the thread waited for a core.
    longTasksWallMs: Math.round(long.reduce((s, t) => s + t.dur!, 0) / 1000),
    longTasksCpuMs: Math.round(long.reduce((s, t) => s + (t.tdur ?? t.dur!), 0) / 1000),
    timeByEventMs: byName(() => true),
    timeInLongTasksByEventMs: byName(inLong),
  };
}
