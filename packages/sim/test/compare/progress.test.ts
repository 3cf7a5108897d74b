import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { gridProgress } from '../../src/compare/progress.js';

/** A terminal-like stream that keeps what is written to it. */
function terminal(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => text };
}

describe('the grid progress bar', () => {
  it('appears once the run is predicted to pass a second, and not before', () => {
    let nowMs = 0;
    const out = terminal();
    const progress = gridProgress(10, { enabled: true, nowMs: () => nowMs, stream: out.stream });
    nowMs = 50;
    progress.update(1); // 10 cells at 50 ms each: 0.5 s predicted
    expect(out.text()).toBe('');
    nowMs = 300;
    progress.update(2); // 1.5 s predicted
    progress.update(3);
    progress.stop();
    expect(out.text()).toContain('simulating');
    expect(out.text()).toContain('/10 runs');
  });

  it('never appears when disallowed', () => {
    let nowMs = 0;
    const out = terminal();
    const progress = gridProgress(4, { enabled: false, nowMs: () => nowMs, stream: out.stream });
    nowMs = 10_000;
    progress.update(1);
    progress.stop();
    expect(out.text()).toBe('');
  });
});
