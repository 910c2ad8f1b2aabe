// A module Web Worker running sendflow: each message is a bridge request object; the answer is the
// response object ({ok, result} or {ok:false, error}).
import { load } from '/dist/sendflow.mjs';

const ready = load();
self.onmessage = async (ev) => {
  const sf = await ready;
  self.postMessage(JSON.parse(sf.requestRaw(JSON.stringify(ev.data))));
};
