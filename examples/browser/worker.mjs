// The engine in a module Web Worker. Messages: {id, method, args}; answers: {id, result} or {id, error}
// (error is the Go *sdk.Error as JSON: code, message, detail, pointer, guards, problems).
import { load, SendflowError } from '../../wasm/dist/sendflow.mjs';

const ready = load().then((sf) => ({ sf, engine: sf.compile() }));
self.onmessage = async ({ data: { id, method, args } }) => {
  const { engine } = await ready;
  try {
    self.postMessage({ id, result: engine[method](...args) });
  } catch (e) {
    self.postMessage({ id, error: e instanceof SendflowError ? e.error : { code: 'internal_error', message: String(e) } });
  }
};
