import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressOutbox } from '../../../src/worker/outbox.js';

describe('ProgressOutbox', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function outbox() {
    const sent: string[] = [];
    const box = new ProgressOutbox<number, string>({
      sendProgress: (p) => sent.push(`p${p}`),
      sendMetrics: (m) => sent.push(`m${m.join('+')}`),
      intervalMs: 100,
      now: () => Date.now(),
    });
    return { box, sent };
  }

  it('sends the first progress at once, then at most one per interval, keeping the latest', () => {
    const { box, sent } = outbox();
    box.progress(1);
    for (let i = 2; i <= 50; i++) box.progress(i);
    expect(sent).toEqual(['p1']);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['p1', 'p50']);
    for (let i = 51; i <= 1000; i++) {
      box.progress(i);
      vi.advanceTimersByTime(1);
    }
    // ~950 ms of updates every millisecond: about ten messages a second.
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(12);
  });

  it('never loses the final progress: flush sends what is pending', () => {
    const { box, sent } = outbox();
    box.progress(1);
    box.progress(2);
    box.progress(3);
    box.flush();
    expect(sent).toEqual(['p1', 'p3']);
    box.flush();
    expect(sent).toEqual(['p1', 'p3']);
  });

  it('batches metric points and sends them before the progress they belong to', () => {
    const { box, sent } = outbox();
    box.progress(1);
    box.metrics(['a']);
    box.metrics(['b', 'c']);
    box.progress(2);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['p1', 'ma+b+c', 'p2']);
  });

  it('dispose cancels the pending timer', () => {
    const { box, sent } = outbox();
    box.progress(1);
    box.progress(2);
    box.dispose();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['p1']);
  });
});
