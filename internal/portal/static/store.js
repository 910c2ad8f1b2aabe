// The case in progress, kept in the browser (IndexedDB) so that a reload does not lose it. Nothing leaves
// the browser. One record, "current": the case, the policy it runs on and the date being recorded.

const DB = 'sendflow-portal';
const STORE = 'cases';

function open() {
  return new Promise((res, rej) => {
    if (!globalThis.indexedDB) { rej(new Error('this browser keeps no IndexedDB')); return; }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => res(req.result);
    req.onerror = () => rej(req.error);
  });
}

async function tx(mode, fn) {
  const db = await open();
  try {
    return await new Promise((res, rej) => {
      const t = db.transaction(STORE, mode);
      const req = fn(t.objectStore(STORE));
      t.oncomplete = () => res(req?.result);
      t.onerror = () => rej(t.error);
      t.onabort = () => rej(t.error || new Error('the save was aborted'));
    });
  } finally {
    db.close();
  }
}

/** Saves record ({case, policy: {id, source?, title?}, at}) as the current case. */
export function saveCurrent(record) {
  return tx('readwrite', (s) => s.put({ ...record, key: 'current', saved_at: new Date().toISOString() }));
}

/** The saved current case, or null. */
export async function loadCurrent() {
  try {
    return (await tx('readonly', (s) => s.get('current'))) || null;
  } catch {
    return null;
  }
}
