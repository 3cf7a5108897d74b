import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from '../../src/errors/config-error.js';
import { FlotillaError, isFlotillaError } from '../../src/errors/flotilla-error.js';

describe('errors', () => {
  it('carry a stable code across a structured clone (a thread boundary)', () => {
    const original = new ConfigError('agents[0].capacity', 'be ≥ 1', 0);
    expect(original.message).toBe('agents[0].capacity must be ≥ 1, got 0');
    const received = FlotillaError.fromJSON(structuredClone(original.toJSON()));
    expect(isFlotillaError(received)).toBe(true);
    expect(isConfigError(received)).toBe(true);
    expect(received.code).toBe('FLOTILLA_INVALID_CONFIG');
    expect(received.message).toBe(original.message);
  });

  it('are recognized by brand, not by instanceof, and plain errors are not', () => {
    expect(isFlotillaError(new Error('x'))).toBe(false);
    expect(isFlotillaError({ code: 'FLOTILLA_INVALID_CONFIG' })).toBe(false);
    expect(isFlotillaError(new FlotillaError('FLOTILLA_X', 'x'))).toBe(true);
  });
});
