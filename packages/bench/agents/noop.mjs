// The no-op task every runtime benchmark runs: Flotilla's agent module and piscina's worker alike.
export default function noop(payload) {
  return payload;
}
