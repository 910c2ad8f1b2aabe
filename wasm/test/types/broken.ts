// Deliberately wrong: wasm/test/types.test.mjs checks tsc rejects it (an unknown trigger).
import type { Firing } from '../../js/sendflow';

export const firing: Firing = { trigger: 'ehc.request', actor: 'parent', at: '2026-01-01' };
