// Door scanner's screen: camera (jsQR), keyboard wedge, search, undo, results; scans go through checkin-queue.js.
(function () {
  'use strict';

  // The session select submits itself; without a page address it would go to ".../scan" after a no-JS scan.
  var sessionForm = document.getElementById('checkin-session');
  var root = document.getElementById('checkin');
  var scanUrl = root ? root.getAttribute('data-scan-url') || '' : '';
  var pageUrl = scanUrl.replace(/\/scan$/, '');
  if (sessionForm) {
    var sessionSelect = sessionForm.querySelector('select[name="session_id"]');
    if (!sessionForm.getAttribute('action') && pageUrl && pageUrl !== scanUrl) {
      sessionForm.setAttribute('action', pageUrl);
    }
    if (sessionSelect) {
      var nojs = sessionForm.querySelectorAll('[data-nojs]');
      for (var n = 0; n < nojs.length; n++) {
        nojs[n].hidden = true;
      }
      sessionSelect.addEventListener('change', function () {
        sessionForm.submit();
      });
    }
  }

  var panel = document.getElementById('scan-result');
  var wedge = document.getElementById('checkin-wedge');
  var codeInput = document.getElementById('checkin-code');
  if (!root || !panel || !wedge || !codeInput || !scanUrl || !window.fetch || !window.JSON ||
      !window.Promise || !window.crypto || !window.crypto.getRandomValues || !window.btoa || !window.checkinQueue) {
    return; // the wedge form still posts to the server on its own
  }

  var undoUrl = root.getAttribute('data-undo-url') || '';
  var ticketsUrl = root.getAttribute('data-tickets-url') || '';
  var searchUrl = root.getAttribute('data-search-url') || '';
  var seminarId = root.getAttribute('data-seminar-id') || '';
  var sessionId = root.getAttribute('data-session-id') || '';

  var TICKETS_EVERY = 60000;
  var REPEAT_WINDOW = 3000; // the camera ignores the same code seen again within this time
  var RECENT_MAX = 15;
  var TICKETS_KEY = 'checkin.tickets.' + seminarId;
  var RECENT_KEY = 'checkin.recent.' + seminarId;

  // After a scan posted without JavaScript the address is ".../scan": a reload would post again.
  if (window.history && history.replaceState && location.pathname === scanUrl && pageUrl) {
    history.replaceState(null, '', pageUrl + '?session_id=' + encodeURIComponent(sessionId));
  }

  // "10:02", "2026-12-12 10:02:33" or "2026-12-12T10:02:33" -> "10:02".
  function hhmm(at) {
    var m = /(\d{1,2}:\d{2})/.exec(String(at));
    return m ? m[1] : String(at);
  }

  /* ---- ticket codes */

  // A wedge scanner types key positions: with the Russian layout on, "https://x/t/AbC" arrives as
  // "реезыЖ..ч.е.ФиС". Codes and ticket links are Latin only, so Cyrillic means the layout is wrong.
  var LAYOUT_RU = 'йцукенгшщзхъфывапролджэячсмитьбю.ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,ёЁ"№;:?';
  var LAYOUT_EN = 'qwertyuiop[]asdfghjkl;\'zxcvbnm,./QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?`~@#$^&';

  function fromRussianLayout(s) {
    if (!/[а-яёА-ЯЁ]/.test(s)) {
      return s;
    }
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var k = LAYOUT_RU.indexOf(s.charAt(i));
      out += k === -1 ? s.charAt(i) : LAYOUT_EN.charAt(k);
    }
    return out;
  }

  // A QR holds the ticket link ".../t/<code>"; a wedge scanner or a person may also give the bare code.
  function ticketCode(text) {
    var s = fromRussianLayout(String(text || '').trim());
    var i = s.lastIndexOf('/t/');
    if (i !== -1) {
      s = s.slice(i + 3);
      var cut = s.search(/[?#\/\s]/);
      if (cut !== -1) {
        s = s.slice(0, cut);
      }
    }
    return s;
  }

  function looksLikeTicket(text) {
    var s = fromRussianLayout(String(text || '').trim());
    return s.indexOf('/t/') !== -1 || /^[A-Za-z0-9_-]{22}$/.test(s);
  }

  /* ---- the queue and its uploads */

  var csrfInput = wedge.querySelector('input[name="csrf"]') || document.querySelector('input[name="csrf"]');
  var storage = null;
  try {
    storage = window.localStorage;
  } catch (e) {
    // private mode: the queue keeps everything in memory
  }
  var queue = window.checkinQueue.create({
    storage: storage,
    fetch: function (url, init) {
      return window.fetch(url, init);
    },
    random: function (bytes) {
      window.crypto.getRandomValues(bytes);
    },
    online: function () {
      return navigator.onLine !== false;
    },
    csrf: csrfInput ? csrfInput.value : '',
    changed: updateIndicator,
    settled: settled
  });

  /* ---- counters, result panel, connection indicator */

  function setCounts(counts) {
    if (!counts || typeof counts !== 'object') {
      return;
    }
    var cells = root.querySelectorAll('[data-count]');
    for (var i = 0; i < cells.length; i++) {
      var v = counts[cells[i].getAttribute('data-count')];
      if (typeof v === 'number' || (typeof v === 'string' && v !== '')) {
        cells[i].textContent = String(v);
      }
    }
  }

  function para(cls, text) {
    var p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    return p;
  }

  // tone: ok | already | bad | offline | idle; extra: more classes; lines: smaller text under the title.
  function paint(tone, title, note, lines, extra) {
    var frag = document.createDocumentFragment();
    frag.appendChild(para('scan__title', title));
    if (note) {
      frag.appendChild(para('scan__note', note));
    }
    for (var i = 0; i < lines.length; i++) {
      if (lines[i]) {
        frag.appendChild(para('scan__line', lines[i]));
      }
    }
    panel.className = 'scan scan--' + tone + (extra ? ' ' + extra : '');
    while (panel.firstChild) {
      panel.removeChild(panel.firstChild);
    }
    panel.appendChild(frag);
    // Two green results in a row must still look like two: the panel flashes on every change.
    void panel.offsetWidth;
    panel.className += ' scan--fresh';
  }

  function buzz(tone) {
    if (navigator.vibrate) {
      try {
        navigator.vibrate(tone === 'ok' ? 80 : tone === 'already' ? [60, 80, 60] : [200, 100, 200]);
      } catch (e) {
        // not allowed here
      }
    }
  }

  function showResult(res) {
    var r = res.result;
    var tone = r === 'ok' ? 'ok' : r === 'already' ? 'already' : 'bad';
    if (r === 'ok') {
      paint(tone, 'Добро пожаловать, ' + (res.name || 'участник'), '', [res.organization]);
    } else if (r === 'already') {
      paint(tone, 'Уже отмечен' + (res.at ? ' в ' + hhmm(res.at) : '') + (res.by ? ', отметил(а) ' + res.by : ''),
        res.conflict ? 'На другом устройстве' : '', [res.name, res.organization]);
    } else {
      paint(tone, res.message || 'Билет не принят', '', [res.name, res.organization]);
    }
    buzz(tone);
  }

  var indicator = document.getElementById('checkin-offline');

  function updateIndicator() {
    if (!indicator) {
      return;
    }
    var n = queue.size();
    var link = queue.link();
    var text = '';
    if (link === 'offline') {
      text = 'Нет связи — отметки сохраняются на устройстве (' + n + ' в очереди)';
    } else if (link === 'server') {
      text = 'Сервер не отвечает — отметки сохраняются на устройстве (' + n + ' в очереди)';
    } else if (link === 'auth') {
      text = 'Нужно войти заново и обновить страницу — отметки сохранены на устройстве (' + n + ' в очереди)';
    } else if (n > 0) {
      text = 'Отправляем сохранённые отметки (' + n + ' в очереди)';
    }
    indicator.hidden = text === '';
    indicator.className = 'checkin-offline' + (link === 'online' ? ' checkin-offline--sending' : '');
    if (indicator.textContent !== text) {
      indicator.textContent = text;
    }
  }

  /* ---- the ticket list, for answers while offline */

  var ticketIndex = null;

  function tickets() {
    if (ticketIndex === null) {
      var stored = queue.get(TICKETS_KEY);
      if (!stored || !Array.isArray(stored.tickets)) {
        return null;
      }
      ticketIndex = {};
      for (var i = 0; i < stored.tickets.length; i++) {
        var t = stored.tickets[i];
        if (t && typeof t.code === 'string') {
          ticketIndex[t.code] = t;
        }
      }
    }
    return ticketIndex;
  }

  function refreshTickets() {
    if (!ticketsUrl || queue.offline()) {
      return;
    }
    queue.request(ticketsUrl, 'GET', null).then(function (r) {
      if (r.status === 200 && r.data && Array.isArray(r.data.tickets)) {
        queue.set(TICKETS_KEY, { at: Date.now(), tickets: r.data.tickets });
        ticketIndex = null;
      }
    }).catch(function () {
      // the next scan or the retry will notice the lost connection
    });
  }

  /* ---- this device's last scans, per seminar */

  function recentKey(seminar) {
    return 'checkin.recent.' + seminar;
  }

  function recentRead(seminar) {
    var list = queue.get(recentKey(seminar));
    return Array.isArray(list) ? list : [];
  }

  function recentAdd(entry) {
    var list = recentRead(entry.seminar);
    list.unshift(entry);
    queue.set(recentKey(entry.seminar), list.slice(0, RECENT_MAX));
    renderRecent();
  }

  function recentUpdate(seminar, id, changes) {
    var list = recentRead(seminar);
    var found = null;
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i].id === id) {
        for (var k in changes) {
          if (Object.prototype.hasOwnProperty.call(changes, k)) {
            list[i][k] = changes[k];
          }
        }
        found = list[i];
      }
    }
    if (found) {
      queue.set(recentKey(seminar), list);
      renderRecent();
    }
    return found;
  }

  function recentFind(id) {
    var list = recentRead(seminarId);
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i].id === id) {
        return list[i];
      }
    }
    return null;
  }

  var recentBox = document.getElementById('checkin-recent');
  var recentList = document.getElementById('checkin-recent-list');
  var recentEmpty = document.getElementById('checkin-recent-empty');

  var RESULT_NAMES = {
    ok: 'Отмечен',
    already: 'Уже был отмечен',
    invalid: 'Неверный код',
    other_seminar: 'Другой семинар',
    cancelled: 'Запись отменена',
    waitlisted: 'Лист ожидания',
    error: 'Ошибка'
  };

  function entryState(e) {
    if (e.state === 'queued') {
      return 'Сохранено на устройстве, ждёт отправки';
    }
    if (e.state === 'cancel_pending' || e.state === 'undoing') {
      return 'Отменяется…';
    }
    if (e.state === 'undone') {
      return 'Отменено';
    }
    return RESULT_NAMES[e.result] || e.message || 'Отправлено';
  }

  function renderRecent() {
    if (!recentList) {
      return;
    }
    var list = recentRead(seminarId);
    var frag = document.createDocumentFragment();
    for (var i = 0; i < list.length; i++) {
      var e = list[i];
      if (!e || String(e.session) !== String(sessionId)) {
        continue;
      }
      var li = document.createElement('li');
      var tone = e.state === 'queued' || e.state === 'undone' || e.state === 'undoing' ||
        e.state === 'cancel_pending' ? 'muted' : e.result === 'ok' ? 'ok' : e.result === 'already' ? 'already' : 'bad';
      li.className = 'checkin-recent__item checkin-recent__item--' + tone;
      var time = document.createElement('span');
      time.className = 'checkin-recent__time';
      time.textContent = e.time || '';
      var who = document.createElement('span');
      who.className = 'checkin-recent__who';
      who.textContent = e.name || e.code || '';
      var state = document.createElement('span');
      state.className = 'checkin-recent__state';
      state.textContent = entryState(e);
      li.appendChild(time);
      li.appendChild(who);
      li.appendChild(state);
      if (e.state === 'queued' || (e.state === 'done' && e.result === 'ok' && e.scan_id)) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'button button--danger button--small checkin-recent__undo';
        b.setAttribute('data-undo', e.id);
        b.textContent = 'Отменить';
        b.setAttribute('aria-label', 'Отменить отметку: ' + (e.name || e.code || ''));
        li.appendChild(b);
      }
      frag.appendChild(li);
    }
    while (recentList.firstChild) {
      recentList.removeChild(recentList.firstChild);
    }
    recentList.appendChild(frag);
    if (recentEmpty) {
      recentEmpty.hidden = recentList.firstChild !== null;
    }
  }

  /* ---- what the uploads answered */

  var panelFor = null; // the scan whose answer the panel waits for
  var searchAfter = null; // a manual scan after which the search list is refreshed
  var notified = {}; // scans whose «saved on the device» answer is already on the panel

  function sameSession(item) {
    return String(item.seminar) === String(seminarId) && String(item.session) === String(sessionId);
  }

  function settled(item, outcome) {
    if (outcome.state === 'done') {
      delete notified[item.id];
      if (item.kind === 'undo') {
        undoAnswered(item, outcome);
      } else {
        scanAnswered(item, outcome.answer);
      }
    } else if (outcome.state === 'keep') {
      // Not signed in any more, an expired form, or a failing server: the scan waits on the device.
      if (panelFor === item.id && item.kind !== 'undo' && !notified[item.id]) {
        showOffline(item, outcome.auth ? 'Отметка сохранена на устройстве: нужно войти заново'
          : 'Сервер не отвечает — отметка сохранена на устройстве', outcome.why);
      }
    } else if (!notified[item.id] && item.kind === 'undo') {
      notified[item.id] = true;
      paint('offline', 'Нет связи — отмена сохранена на устройстве', '', ['Она будет отправлена, когда связь появится.']);
    } else if (panelFor === item.id && !notified[item.id]) {
      showOffline(item);
    }
  }

  function scanAnswered(item, res) {
    var entry = recentUpdate(item.seminar, item.id, {
      state: 'done',
      result: res.result,
      message: res.message || '',
      name: res.name || (recentFind(item.id) || {}).name || '',
      scan_id: res.scan_id || null
    });
    if (sameSession(item)) {
      setCounts(res.counts);
    }
    if (entry && entry.cancel === true) {
      // «Отменить» was pressed while the scan was on its way: cancel it on the server now.
      recentUpdate(item.seminar, item.id, { cancel: false });
      if (res.result === 'ok' && res.scan_id) {
        queueUndo(entry);
        return;
      }
      recentUpdate(item.seminar, item.id, { state: 'undone' });
    }
    if (panelFor === item.id) {
      showResult(res);
    }
    if (searchAfter === item.id) {
      searchAfter = null;
      if (searchInput && searchInput.value.trim() !== '') {
        runSearch();
      }
    }
  }

  function undoAnswered(item, outcome) {
    var data = outcome.data;
    var entry = recentUpdate(item.seminar, item.target, outcome.undone ? { state: 'undone' } : { state: 'done' });
    if (sameSession(item)) {
      setCounts(data.counts);
    }
    if (outcome.undone) {
      paint('idle', 'Отметка отменена', '', [entry ? entry.name || entry.code : '']);
    } else {
      paint(outcome.status < 300 ? 'already' : 'bad', data.message || data.error || 'Отметку не удалось отменить.', '',
        [entry ? entry.name || entry.code : '']);
    }
  }

  // What the device itself knows about a code, for answers without the server: {kind, text}.
  function localCheck(item) {
    var code = item.fields.code;
    var list = recentRead(item.seminar);
    for (var i = 0; i < list.length; i++) {
      var e = list[i];
      if (e && e.id !== item.id && e.code === code && String(e.session) === String(item.session) &&
          (e.state === 'queued' || (e.state === 'done' && (e.result === 'ok' || e.result === 'already')))) {
        return { kind: 'repeat', text: 'Уже отмечен на этом устройстве в ' + e.time };
      }
    }
    var index = String(item.seminar) === String(seminarId) ? tickets() : null;
    if (index === null) {
      return { kind: 'unknown', text: 'Список билетов не загружен — проверить билет нельзя' };
    }
    var t = Object.prototype.hasOwnProperty.call(index, code) ? index[code] : null;
    if (!t) {
      return { kind: 'invalid', text: 'Билет не найден в списке' };
    }
    return {
      kind: 'valid',
      text: 'Билет действителен: ' + (t.name || '') + (t.organization ? ' (' + t.organization + ')' : '')
    };
  }

  function showOffline(item, title, why) {
    var check = localCheck(item);
    notified[item.id] = true;
    paint('offline', title || 'Нет связи — отметка сохранена на устройстве', '', [why || '', check.text],
      'scan--offline-' + check.kind);
    buzz(check.kind === 'valid' ? 'ok' : check.kind === 'invalid' ? 'bad' : 'already');
  }

  /* ---- scanning */

  var finePointer = window.matchMedia ? window.matchMedia('(pointer: fine)').matches : true;
  var clientIdInput = wedge.querySelector('input[name="client_scan_id"]');

  function freshClientId() {
    if (clientIdInput) {
      clientIdInput.value = queue.randomId();
    }
  }

  // The next scanner read must land in the wedge field; on touch screens only after the wedge itself.
  function focusWedge(always) {
    if (always || finePointer) {
      try {
        codeInput.focus({ preventScroll: true });
      } catch (e) {
        codeInput.focus();
      }
    }
  }

  function scan(code, method, clientId) {
    var index = tickets();
    var known = index && Object.prototype.hasOwnProperty.call(index, code) ? index[code] : null;
    var item = queue.scan({
      url: scanUrl,
      seminar: seminarId,
      session: sessionId,
      code: code,
      method: method,
      id: clientId,
      at: new Date()
    });
    var id = item.id;
    recentAdd({
      id: id,
      seminar: seminarId,
      session: sessionId,
      code: code,
      name: known && known.name ? known.name : '',
      time: hhmm(item.fields.device_time),
      state: 'queued'
    });
    panelFor = id;
    if (queue.offline()) {
      // Known to be offline: answer from the device at once; the upload may still win.
      showOffline(item);
    } else {
      setTimeout(function () {
        if (panelFor === id && queue.queued(id) && queue.sending(id)) {
          paint('idle', 'Проверяем билет…', '', [known && known.name ? known.name : code]);
        }
      }, 500);
    }
    return id;
  }

  wedge.addEventListener('submit', function (e) {
    e.preventDefault();
    var code = ticketCode(codeInput.value);
    codeInput.value = '';
    if (code) {
      scan(code, 'qr', clientIdInput && clientIdInput.value ? clientIdInput.value : null);
      freshClientId();
    }
    focusWedge(true);
  });

  // A scanner read while a button has the focus would be lost: send the keys to the wedge field.
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || typeof e.key !== 'string' || e.key.length !== 1 || e.key === ' ') {
      return;
    }
    var a = document.activeElement;
    if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT' || a.isContentEditable)) {
      return;
    }
    codeInput.focus();
  });

  /* ---- undo */

  function queueUndo(entry) {
    recentUpdate(entry.seminar, entry.id, { state: 'undoing' });
    queue.undo({ url: undoUrl, seminar: entry.seminar, session: entry.session, target: entry.id, scanId: entry.scan_id });
  }

  function undo(id) {
    var entry = recentFind(id);
    if (!entry) {
      return;
    }
    if (entry.state === 'queued') {
      if (queue.sending(id)) {
        recentUpdate(seminarId, id, { state: 'cancel_pending', cancel: true });
        return;
      }
      queue.remove(id);
      recentUpdate(seminarId, id, { state: 'undone' });
      if (panelFor === id) {
        panelFor = null;
      }
      paint('idle', 'Отметка отменена до отправки', '', [entry.name || entry.code]);
      return;
    }
    if (entry.state === 'done' && entry.result === 'ok' && entry.scan_id && undoUrl) {
      queueUndo(entry);
    }
  }

  if (recentList) {
    recentList.addEventListener('click', function (e) {
      var b = e.target && e.target.closest ? e.target.closest('[data-undo]') : null;
      if (b) {
        b.disabled = true;
        undo(b.getAttribute('data-undo'));
        focusWedge(false);
      }
    });
  }

  /* ---- manual search */

  var searchBox = document.getElementById('checkin-search');
  var searchForm = document.getElementById('checkin-search-form');
  var searchInput = document.getElementById('checkin-q');
  var searchStatus = document.getElementById('checkin-search-status');
  var people = document.getElementById('checkin-people');
  var searchSeq = 0;
  var searchTimer = 0;

  var MODE_NAMES = { in_person: 'очно', online: 'онлайн' };
  var STATUS_NAMES = { waitlisted: 'лист ожидания', cancelled: 'запись отменена' };

  function renderPeople(list, note) {
    while (people.firstChild) {
      people.removeChild(people.firstChild);
    }
    for (var i = 0; i < list.length; i++) {
      var p = list[i];
      if (!p || typeof p !== 'object') {
        continue;
      }
      var li = document.createElement('li');
      li.className = 'checkin-person';
      var info = document.createElement('div');
      info.className = 'checkin-person__info';
      var name = document.createElement('span');
      name.className = 'checkin-person__name';
      name.textContent = p.name || '';
      info.appendChild(name);
      if (p.organization) {
        var org = document.createElement('span');
        org.className = 'checkin-person__org';
        org.textContent = p.organization;
        info.appendChild(org);
      }
      var meta = [];
      if (MODE_NAMES[p.mode]) {
        meta.push(MODE_NAMES[p.mode]);
      }
      if (STATUS_NAMES[p.status]) {
        meta.push(STATUS_NAMES[p.status]);
      }
      if (p.present === true || p.present === 1) {
        meta.push('уже отмечен(а)');
      }
      if (meta.length) {
        var m = document.createElement('span');
        m.className = 'checkin-person__meta';
        m.textContent = meta.join(' · ');
        info.appendChild(m);
      }
      li.appendChild(info);
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'button button--secondary checkin-person__mark';
      b.textContent = 'Отметить вручную';
      b.setAttribute('aria-label', 'Отметить вручную: ' + (p.name || ''));
      if (typeof p.code === 'string' && p.code !== '') {
        b.setAttribute('data-code', p.code);
      } else {
        b.disabled = true;
      }
      li.appendChild(b);
      people.appendChild(li);
    }
    if (searchStatus) {
      searchStatus.textContent = note !== undefined ? note : list.length ? '' : 'Никого не нашли.';
    }
  }

  // Without a connection the search runs over the saved ticket list.
  function searchOffline(text) {
    var index = tickets();
    var found = [];
    if (index === null) {
      renderPeople([], 'Нет связи, а список билетов не загружен — поиск недоступен.');
      return;
    }
    var needle = text.toLowerCase();
    for (var code in index) {
      if (Object.prototype.hasOwnProperty.call(index, code)) {
        var t = index[code];
        if (String(t.name || '').toLowerCase().indexOf(needle) !== -1 ||
            String(t.organization || '').toLowerCase().indexOf(needle) !== -1) {
          found.push({ name: t.name, organization: t.organization, code: t.code, mode: t.mode, status: 'confirmed' });
          if (found.length >= 30) {
            break;
          }
        }
      }
    }
    renderPeople(found, 'Нет связи — поиск по сохранённому списку билетов.');
  }

  function runSearch() {
    var text = searchInput.value.trim();
    var mine = ++searchSeq;
    clearTimeout(searchTimer);
    if (text === '') {
      renderPeople([], '');
      return;
    }
    if (queue.offline()) {
      searchOffline(text);
      return;
    }
    people.setAttribute('aria-busy', 'true');
    queue.request(searchUrl + (searchUrl.indexOf('?') === -1 ? '?' : '&') + 'q=' + encodeURIComponent(text) +
      '&session_id=' + encodeURIComponent(sessionId), 'GET', null).then(function (r) {
      if (mine !== searchSeq) {
        return;
      }
      if (r.status === 200 && r.data && Array.isArray(r.data.people)) {
        renderPeople(r.data.people);
      } else {
        renderPeople([], (r.data && (r.data.error || r.data.message)) || 'Поиск не удался.');
      }
    }, function () {
      if (mine === searchSeq) {
        queue.setLink('offline');
        searchOffline(text);
      }
    }).then(function () {
      if (mine === searchSeq) {
        people.removeAttribute('aria-busy');
      }
    });
  }

  if (searchBox && searchForm && searchInput && people && searchUrl) {
    searchInput.addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(runSearch, 300);
    });
    searchForm.addEventListener('submit', function (e) {
      e.preventDefault();
      // A scanner read that landed here is a scan, not a search.
      if (looksLikeTicket(searchInput.value)) {
        var code = ticketCode(searchInput.value);
        searchInput.value = '';
        renderPeople([], '');
        scan(code, 'qr');
        focusWedge(true);
        return;
      }
      runSearch();
    });
    people.addEventListener('click', function (e) {
      var b = e.target && e.target.closest ? e.target.closest('[data-code]') : null;
      if (b && !b.disabled) {
        searchAfter = scan(b.getAttribute('data-code'), 'manual');
        focusWedge(false);
      }
    });
    searchBox.hidden = false;
  }

  /* ---- camera */

  var camBox = document.getElementById('checkin-camera');
  var camView = document.getElementById('checkin-camera-view');
  var camToggle = document.getElementById('checkin-camera-toggle');
  var camError = document.getElementById('checkin-camera-error');
  var video = document.getElementById('checkin-video');
  var canvas = document.createElement('canvas');
  var ctx2d = null;
  var stream = null;
  var wantCamera = false;
  var frame = 0;
  var lastDecode = 0;
  var lastCode = '';
  var lastSeen = 0;

  function cameraError(err) {
    var name = err && err.name ? err.name : '';
    var text = name === 'NotAllowedError' || name === 'SecurityError'
      ? 'Доступ к камере запрещён. Разрешите его в настройках браузера или пользуйтесь сканером и поиском.'
      : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'Камера не найдена.'
        : name === 'NotReadableError' ? 'Камера занята другим приложением.' : 'Камеру включить не удалось.';
    if (camError) {
      camError.textContent = text;
      camError.hidden = false;
    }
  }

  function setToggle(on) {
    camToggle.textContent = on ? 'Выключить камеру' : 'Включить камеру';
    camToggle.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  function stopStream() {
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
    if (stream) {
      var tracks = stream.getTracks();
      for (var i = 0; i < tracks.length; i++) {
        tracks[i].stop();
      }
      stream = null;
    }
    video.srcObject = null;
    camView.hidden = true;
  }

  function onCameraRead(text) {
    var code = ticketCode(text);
    var t = Date.now();
    if (!code) {
      return;
    }
    // A camera reads the same ticket in many frames: while it stays in view it counts once.
    if (code === lastCode && t - lastSeen < REPEAT_WINDOW) {
      lastSeen = t;
      return;
    }
    lastCode = code;
    lastSeen = t;
    scan(code, 'qr');
  }

  function tick(now) {
    frame = 0;
    if (!stream) {
      return;
    }
    frame = requestAnimationFrame(tick);
    // About eight decodes a second are plenty and spare the battery.
    if (video.readyState < 2 || now - lastDecode < 120) {
      return;
    }
    lastDecode = now;
    var w = video.videoWidth;
    var h = video.videoHeight;
    if (!w || !h) {
      return;
    }
    var scale = Math.min(1, 720 / Math.max(w, h));
    var cw = Math.round(w * scale);
    var ch = Math.round(h * scale);
    if (canvas.width !== cw || canvas.height !== ch) {
      canvas.width = cw;
      canvas.height = ch;
      ctx2d = null;
    }
    if (!ctx2d) {
      ctx2d = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (!ctx2d) {
      return;
    }
    try {
      ctx2d.drawImage(video, 0, 0, cw, ch);
      var img = ctx2d.getImageData(0, 0, cw, ch);
      var found = window.jsQR(img.data, cw, ch, { inversionAttempts: 'dontInvert' });
      if (found && typeof found.data === 'string' && found.data !== '') {
        onCameraRead(found.data);
      }
    } catch (e) {
      // a frame that cannot be read is skipped
    }
  }

  function startCamera() {
    wantCamera = true;
    if (camError) {
      camError.hidden = true;
    }
    setToggle(true);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      if (!wantCamera || stream) {
        s.getTracks().forEach(function (tr) {
          tr.stop();
        });
        return;
      }
      stream = s;
      video.srcObject = s;
      camView.hidden = false;
      // On a phone the result panel and the picture must be on the screen together.
      if (panel.scrollIntoView && !finePointer) {
        panel.scrollIntoView({ block: 'start' });
      }
      var p = video.play();
      if (p && p.catch) {
        p.catch(function () {
          // muted inline video plays after a tap; the button was that tap
        });
      }
      frame = requestAnimationFrame(tick);
    }, function (err) {
      wantCamera = false;
      setToggle(false);
      cameraError(err);
    });
  }

  if (camBox && camView && camToggle && video && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
      typeof window.jsQR === 'function' && window.requestAnimationFrame) {
    video.muted = true;
    video.setAttribute('playsinline', 'playsinline');
    camToggle.addEventListener('click', function () {
      if (wantCamera) {
        wantCamera = false;
        setToggle(false);
        stopStream();
      } else {
        startCamera();
      }
    });
    // A hidden page gives the camera back; it comes on again when the page is shown.
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) {
        stopStream();
      } else if (wantCamera && !stream) {
        startCamera();
      }
    });
    camBox.hidden = false;
  }

  /* ---- start */

  freshClientId();
  if (recentBox) {
    recentBox.hidden = false;
  }
  renderRecent();
  updateIndicator();
  refreshTickets();
  queue.start();
  setInterval(refreshTickets, TICKETS_EVERY);
  window.addEventListener('online', function () {
    queue.online();
    refreshTickets();
  });
  window.addEventListener('offline', function () {
    queue.setLink('offline');
  });
  window.addEventListener('storage', function (e) {
    if (e.key === window.checkinQueue.QUEUE_KEY) {
      updateIndicator();
    } else if (e.key === RECENT_KEY) {
      renderRecent();
    } else if (e.key === TICKETS_KEY) {
      ticketIndex = null;
    }
  });
}());
