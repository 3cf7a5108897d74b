// A stand-in for an LLM call: no network, but the shape of one. The answer length (output tokens) is a
// deterministic function of the prompt, and latency grows with it (time to first token + per-token time),
// like a real model's. Progress is reported as tokens "stream" in; the signal aborts the call.
const TIME_TO_FIRST_TOKEN_MS = 40;
const MS_PER_TOKEN = 0.6;

function outputTokens(prompt) {
  let hash = 2166136261;
  for (let i = 0; i < prompt.length; i++) hash = Math.imul(hash ^ prompt.charCodeAt(i), 16777619);
  return 40 + ((hash >>> 0) % 160); // 40–200 tokens
}

export default async function fakeLlm(payload, ctx) {
  const prompt = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const tokens = outputTokens(prompt);
  const totalMs = TIME_TO_FIRST_TOKEN_MS + tokens * MS_PER_TOKEN;
  for (const fraction of [0.25, 0.5, 0.75]) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, totalMs / 4);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
    ctx.progress(fraction, `${Math.round(tokens * fraction)}/${tokens} tokens`);
  }
  await new Promise((resolve) => setTimeout(resolve, totalMs / 4));
  return { answer: `(${tokens} tokens on "${prompt.slice(0, 48)}")`, tokens };
}
