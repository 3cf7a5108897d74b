import { inMemoryTransport } from '../../src/transport/in-memory.js';
import { transportConformance } from './conformance.js';

transportConformance('in-memory', () => inMemoryTransport({ hosts: 2 }), { hostsCanDie: false });
