// The door scanner's offline queue (assets/js/checkin-queue.js) under node, with an injected storage, fetch and clock.
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';

const source = readFileSync(new URL('../../assets/js/checkin-queue.js', import.meta.url), 'utf8');
const SCAN = '/checkin/7/scan';
const UNDO = '/checkin/7/undo';

// Objects made inside the script's own realm, compared as plain data.
const plain = (x) => JSON.parse(JSON.stringify(x));

// Lets every promise the fake server and the queue chain up run to its end.
const settle = () => new Promise((resolve) => setImmediate(resolve));

// localStorage as the browser has it: strings by key, kept across page loads while the test holds it.
function storage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v))
  };
}

// The page's timers, turned by hand: advance(ms) runs what falls due, in time order.
function clock() {
  let now = 0;
  let seq = 0;
  const timers = new Map();
  const add = (fn, ms, every) => {
    timers.set(++seq, { fn, at: now + ms, every });
    return seq;
  };
  return {
    setTimeout: (fn, ms) => add(fn, ms, 0),
    setInterval: (fn, ms) => add(fn, ms, ms),
    clearTimeout: (id) => timers.delete(id),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, t] = due;
        now = t.at;
        if (t.every) t.at += t.every;
        else timers.delete(id);
        t.fn();
        await settle();
      }
      now = end;
    }
  };
}

function response(status, body, type = 'application/json; charset=utf-8') {
  return {
    status,
    headers: { get: (h) => (h.toLowerCase() === 'content-type' ? type : null) },
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body))
  };
}

// The scan API as the server keeps it: an append-only log idempotent by client_scan_id; the first scan of a code is
// 'ok', later ones 'already'. answer(fields, attempt) may instead return 'down' (no connection), 'lost' (recorded,
// but the answer never arrives), 'hang' (no answer until aborted), or a response (or a promise of one) of its own.
function server(answer = () => null) {
  const calls = [];
  const log = new Map();
  const fetch = (url, init) => {
    const fields = Object.fromEntries(new URLSearchParams(init.body || ''));
    calls.push({ url, method: init.method, fields, headers: init.headers });
    const special = answer(fields, calls.length);
    if (special === 'down') return Promise.reject(new TypeError('Failed to fetch'));
    if (special === 'hang') {
      return new Promise((resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    if (special && special !== 'lost') return Promise.resolve(special);
    if (!log.has(fields.client_scan_id)) {
      const first = ![...log.values()].some((e) => e.code === fields.code);
      log.set(fields.client_scan_id, { code: fields.code, result: first ? 'ok' : 'already', id: log.size + 1 });
    }
    const e = log.get(fields.client_scan_id);
    if (special === 'lost') return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(response(200, { result: e.result, scan_id: e.id, name: 'Сканова Ирина Петровна' }));
  };
  return { calls, log, fetch };
}

// A page with the scanner script loaded: its own realm, as after every reload, on the given storage and server.
function page({ store = storage(), api = server(), online = () => true } = {}) {
  const time = clock();
  const sandbox = {
    setTimeout: time.setTimeout,
    setInterval: time.setInterval,
    clearTimeout: time.clearTimeout,
    AbortController,
    btoa
  };
  vm.runInNewContext(source, sandbox);
  const settled = [];
  const queue = sandbox.checkinQueue.create({
    storage: store,
    fetch: api.fetch,
    random: (b) => randomFillSync(b),
    online,
    csrf: 'token-1',
    changed: () => {},
    settled: (item, outcome) => settled.push({ id: item.id, ...plain(outcome) })
  });
  const scan = (code, id) => queue.scan({ url: SCAN, seminar: '7', session: '3', code, method: 'qr', id,
    at: new Date(2026, 11, 12, 10, 2, 33) });
  return { queue, settled, time, store, api, scan };
}

const ids = (calls) => calls.map((c) => c.fields.client_scan_id);

test('a scan made offline is kept on the device and uploaded once when the connection is back', async () => {
  let up = false;
  const api = server(() => (up ? null : 'down'));
  const p = page({ api });
  p.queue.start();
  const item = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  await settle();
  assert.equal(p.settled.at(-1).state, 'network');
  assert.equal(p.queue.link(), 'offline');
  assert.equal(p.queue.offline(), true);
  assert.equal(p.queue.size(), 1);
  assert.deepEqual(JSON.parse(p.store.data.get('checkin.queue')).map((x) => x.id), [item.id]);
  assert.equal(api.log.size, 0);

  up = true;
  p.queue.online(); // the browser's «online» event
  await settle();
  assert.equal(p.queue.size(), 0);
  assert.equal(p.queue.link(), 'online');
  assert.equal(api.log.size, 1);
  assert.deepEqual(p.settled.at(-1), { id: item.id, state: 'done', status: 200,
    data: { result: 'ok', scan_id: 1, name: 'Сканова Ирина Петровна' },
    answer: { result: 'ok', scan_id: 1, name: 'Сканова Ирина Петровна' } });
  assert.deepEqual(JSON.parse(p.store.data.get('checkin.queue')), []);

  // Nothing more goes out: the retry finds the queue empty.
  await p.time.advance(30000);
  assert.deepEqual(ids(api.calls), [item.id, item.id]);
  assert.equal(api.calls[1].url, SCAN);
  assert.equal(api.calls[1].method, 'POST');
  assert.equal(api.calls[1].headers['X-CSRF-Token'], 'token-1');
  assert.deepEqual(Object.keys(api.calls[1].fields).sort(),
    ['client_scan_id', 'code', 'device_id', 'device_time', 'method', 'session_id']);
  assert.equal(api.calls[1].fields.device_time, '2026-12-12T10:02:33');
  assert.equal(api.calls[1].fields.session_id, '3');
});

test("an upload already on its way is not sent again by the retry or the browser's «online» event", async () => {
  let answer;
  const held = new Promise((resolve) => {
    answer = resolve;
  });
  const api = server(() => held);
  const p = page({ api });
  p.queue.start();
  const item = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  assert.equal(p.queue.sending(item.id), true);
  await p.time.advance(5000); // the retry: the queue is not empty
  p.queue.online();
  await settle();
  assert.equal(api.calls.length, 1);
  answer(response(200, { result: 'ok', scan_id: 1 }));
  await settle();
  assert.equal(p.queue.sending(item.id), false);
  assert.equal(p.queue.size(), 0);
  p.queue.online();
  await p.time.advance(10000);
  assert.equal(api.calls.length, 1);
  assert.deepEqual(p.settled.map((s) => s.state), ['done']);
});

test('an answer lost on the way: the upload is repeated with its client scan id, and the server records it once', async () => {
  const api = server((f, n) => (n === 1 ? 'lost' : null));
  const p = page({ api });
  p.queue.start();
  const item = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  await settle();
  assert.equal(p.queue.size(), 1);
  await p.time.advance(5000);
  assert.deepEqual(ids(api.calls), [item.id, item.id]);
  assert.equal(api.log.size, 1);
  assert.equal(p.settled.at(-1).answer.result, 'ok');
  assert.equal(p.queue.size(), 0);
});

test("the server's «already checked in» answer is the outcome shown, and the scan leaves the queue", async () => {
  const already = { result: 'already', message: 'Уже отмечен', name: 'Сканова Ирина Петровна',
    organization: 'МБОУ СОШ № 2', at: '2026-12-12 10:02:33', by: 'Соколов Андрей Викторович', conflict: true,
    scan_id: 0, replay: false, counts: { registered: 1, present_in_person: 1, present_online: 0 } };
  const p = page({ api: server(() => response(200, already)) });
  p.scan('CodeAAAAAAAAAAAAAAAAAA');
  await settle();
  const o = p.settled.at(-1);
  assert.equal(o.state, 'done');
  assert.deepEqual(o.answer, already);
  assert.equal(p.queue.size(), 0);
  assert.equal(p.queue.link(), 'online');
});

test('every other answer of the scan and undo API becomes its outcome', async () => {
  const cases = [
    [response(422, { error: 'отсканируйте билет или введите код' }),
      { state: 'done', answer: { result: 'error', message: 'отсканируйте билет или введите код' } }, 0, 'online'],
    [response(409, {}), { state: 'done', answer: { result: 'error', message: 'Отметка не принята (ошибка 409).' } },
      0, 'online'],
    [response(401, { error: 'Войдите' }), { state: 'keep', auth: true, why: 'Войдите' }, 1, 'auth'],
    [response(403, { message: 'Срок формы истёк' }), { state: 'keep', auth: true, why: 'Срок формы истёк' }, 1, 'auth'],
    [response(503, '<html>Bad gateway</html>', 'text/html'), { state: 'keep', auth: false, why: '' }, 1, 'server'],
    [response(429, { error: 'Слишком часто' }), { state: 'keep', auth: false, why: 'Слишком часто' }, 1, 'server'],
    [response(200, 'not json{'), { state: 'keep', auth: false, why: '' }, 1, 'server'],
    ['down', { state: 'network' }, 1, 'offline']
  ];
  for (const [answer, want, left, link] of cases) {
    const p = page({ api: server(() => answer) });
    p.scan('CodeAAAAAAAAAAAAAAAAAA');
    await settle();
    const { id, status, data, ...got } = p.settled.at(-1);
    const label = JSON.stringify(want);
    assert.deepEqual(got, want, label);
    assert.equal(p.queue.size(), left, label);
    assert.equal(p.queue.link(), link, label);
  }
  for (const [body, undone] of [[{ result: 'undone', message: 'Отметка отменена.' }, true],
    [{ result: 'not_found', message: 'Нечего отменять' }, false]]) {
    const api = server(() => response(200, body));
    const p = page({ api });
    const item = p.queue.undo({ url: UNDO, seminar: '7', session: '3', target: 'scan-item', scanId: 41 });
    await settle();
    assert.equal(item.target, 'scan-item');
    assert.deepEqual(api.calls[0].fields, { scan_id: '41', client_scan_id: item.id,
      device_id: api.calls[0].fields.device_id });
    assert.deepEqual(p.settled.at(-1), { id: item.id, state: 'done', status: 200, data: body, undone });
    assert.equal(p.queue.size(), 0);
  }
});

test('a failed upload waits for the retry, not at once, and goes again with the same client scan id', async () => {
  const api = server((f, n) => (n === 1 ? response(502, 'Bad gateway', 'text/html') : n === 2 ? 'hang' : null));
  const p = page({ api });
  p.queue.start();
  const item = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  await settle();
  assert.equal(p.queue.link(), 'server');
  await p.time.advance(4999);
  assert.equal(api.calls.length, 1, 'retried before the retry interval');
  await p.time.advance(1);
  assert.equal(api.calls.length, 2);
  // The second try hangs: after 6 s it counts as no connection.
  await p.time.advance(5999);
  assert.equal(p.queue.link(), 'server');
  await p.time.advance(1);
  assert.equal(p.queue.link(), 'offline');
  assert.equal(api.calls.length, 2);
  await p.time.advance(5000);
  assert.equal(api.calls.length, 3);
  assert.equal(p.queue.size(), 0);
  assert.deepEqual(ids(api.calls), [item.id, item.id, item.id]);
  for (const c of api.calls) assert.deepEqual(c.fields, api.calls[0].fields);
  assert.deepEqual(p.settled.map((s) => s.state), ['keep', 'network', 'done']);
  await p.time.advance(20000);
  assert.equal(api.calls.length, 3);
});

test('the queue goes up in the order of the scans and stops at the first upload that fails', async () => {
  let up = false;
  let failB = true;
  const api = server((f) => {
    if (!up) return 'down';
    if (f.code === 'CodeBBBBBBBBBBBBBBBBBB' && failB) {
      failB = false;
      return response(503, 'down for a moment', 'text/plain');
    }
    return null;
  });
  const p = page({ api });
  p.queue.start();
  const a = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  const b = p.scan('CodeBBBBBBBBBBBBBBBBBB');
  const c = p.scan('CodeCCCCCCCCCCCCCCCCCC');
  await settle();
  assert.deepEqual(JSON.parse(p.store.data.get('checkin.queue')).map((x) => x.id), [a.id, b.id, c.id]);
  api.calls.length = 0;
  up = true;
  p.queue.online();
  await settle();
  assert.deepEqual(ids(api.calls), [a.id, b.id], 'C went before B was answered');
  assert.deepEqual(JSON.parse(p.store.data.get('checkin.queue')).map((x) => x.id), [b.id, c.id]);
  await p.time.advance(5000);
  assert.deepEqual(ids(api.calls), [a.id, b.id, b.id, c.id]);
  assert.deepEqual([...api.log.keys()], [a.id, b.id, c.id]);
  assert.equal(p.queue.size(), 0);
});

test('the queue and the device id survive a reload of the page', async () => {
  const store = storage();
  const before = page({ store, api: server(() => 'down') });
  const a = before.scan('CodeAAAAAAAAAAAAAAAAAA');
  const b = before.scan('CodeBBBBBBBBBBBBBBBBBB');
  await settle();
  const device = before.api.calls[0].fields.device_id;
  assert.match(device, /^[A-Za-z0-9_-]{22}$/);

  const api = server();
  const after = page({ store, api });
  assert.equal(after.queue.size(), 2);
  after.queue.start();
  await settle();
  assert.deepEqual(ids(api.calls), [a.id, b.id]);
  assert.deepEqual(api.calls.map((c) => c.fields.device_id), [device, device]);
  assert.deepEqual(api.calls[0].fields, before.api.calls[0].fields);
  assert.equal(after.queue.size(), 0);
  assert.deepEqual(JSON.parse(store.data.get('checkin.queue')), []);
  assert.equal(after.scan('CodeCCCCCCCCCCCCCCCCCC').fields.device_id, device);
});

test('without a working storage the queue is kept in memory for the page', async () => {
  const broken = { getItem() { throw new Error('SecurityError'); }, setItem() { throw new Error('QuotaExceeded'); } };
  const p = page({ store: broken, api: server(() => 'down') });
  const item = p.scan('CodeAAAAAAAAAAAAAAAAAA');
  await settle();
  assert.equal(p.queue.size(), 1);
  assert.equal(p.queue.queued(item.id), true);
  p.queue.remove(item.id);
  assert.equal(p.queue.size(), 0);
});
