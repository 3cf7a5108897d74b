// The agent module both agent processes serve: a fake LLM summarizer (no network), with latency that
// grows with the text, progress as it "streams", and the abort signal honoured.
import { hostname } from 'node:os';

export default async function summarize({ text }, ctx) {
  const words = text.split(/\s+/).filter(Boolean);
  const latencyMs = 20 + 2 * words.length;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, latencyMs);
    ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.signal.reason)), {
      once: true,
    });
  });
  ctx.progress(1, 'done');
  return {
    summary: words.slice(0, 6).join(' ') + (words.length > 6 ? ' …' : ''),
    by: `${hostname()}/${process.pid}`,
  };
}
