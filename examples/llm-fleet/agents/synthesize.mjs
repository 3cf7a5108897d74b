// The synthesis step: receives every research step's result (keyed by step id) and writes one report.
export default async function synthesize(results) {
  const findings = Object.entries(results)
    .filter(([, value]) => value !== undefined)
    .map(([step, value]) => `- ${step}: ${value.answer}`);
  const tokens = Object.values(results).reduce((sum, value) => sum + (value?.tokens ?? 0), 0);
  await new Promise((resolve) => setTimeout(resolve, 30));
  return `Report built from ${findings.length} findings (${tokens} tokens):\n${findings.join('\n')}`;
}
