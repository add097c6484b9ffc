// Door scanner's offline queue and transport, without the DOM: scans and undos stored first, uploaded in order, read into outcomes.
// A classic script defining one global, checkinQueue; checkin.js paints its outcomes, tests/js/ runs it under node.
var checkinQueue = (function () {
  'use strict';

  var QUEUE_KEY = 'checkin.queue';
  var DEVICE_KEY = 'checkin.device_id';
  var TIMEOUT = 6000; // a hanging request counts as no connection
  var RETRY = 5000; // while anything waits, the queue is tried again this often

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function deviceTime(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  // What the server's answer to an upload means. r: {status, data} as request() resolves, or null when the server
  // was not reached. Returns {state: 'network'}; {state: 'keep', auth, why}: not signed in any more, an expired form,
  // or a failing server, so the item stays queued; or {state: 'done', status, data} with, for a scan, answer: the
  // result to show ({result, message, name, organization, at, by, conflict, scan_id, counts}, result 'error' for a
  // refusal without one) and, for an undo, undone: whether the server undid it.
  function outcome(item, r) {
    if (r === null) {
      return { state: 'network' };
    }
    var ok = r.status >= 200 && r.status < 300;
    if (r.data === null || r.status < 200 || r.status >= 500 || r.status === 401 || r.status === 403 ||
        r.status === 408 || r.status === 429) {
      return {
        state: 'keep',
        auth: r.status === 401 || r.status === 403,
        why: (r.data && (r.data.error || r.data.message)) || ''
      };
    }
    var o = { state: 'done', status: r.status, data: r.data };
    if (item.kind === 'undo') {
      o.undone = ok && r.data.result === 'undone';
    } else {
      o.answer = ok && typeof r.data.result === 'string' ? r.data : {
        result: 'error',
        message: r.data.error || r.data.message || 'Отметка не принята (ошибка ' + r.status + ').'
      };
    }
    return o;
  }

  // env: storage (localStorage; null, or one that throws, keeps everything in memory for this page), fetch,
  // random(bytes) (fills a Uint8Array with random bytes), online() (false when the browser knows it is offline),
  // csrf (the page's token; a JSON answer may renew it), changed() (the queue or the link state changed),
  // settled(item, outcome) (an upload has ended: see outcome()).
  function create(env) {
    var memory = {};
    var csrf = env.csrf || '';
    var link = 'online'; // online | offline (no connection) | server (5xx, not JSON) | auth (401/403)
    var inFlight = {};
    var flushing = false;

    /* ---- storage: a copy in memory backs it when it fails (private mode, quota) */

    function get(key) {
      try {
        var raw = env.storage.getItem(key);
        if (raw !== null) {
          return JSON.parse(raw);
        }
      } catch (e) {
        // fall through to the copy in memory
      }
      return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
    }

    function set(key, value) {
      memory[key] = value;
      try {
        env.storage.setItem(key, JSON.stringify(value));
      } catch (e) {
        // kept in memory for this page
      }
    }

    function randomId() {
      var b = new Uint8Array(16);
      var s = '';
      env.random(b);
      for (var i = 0; i < b.length; i++) {
        s += String.fromCharCode(b[i]);
      }
      return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); // 22 characters
    }

    var deviceId = get(DEVICE_KEY);
    if (typeof deviceId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(deviceId)) {
      deviceId = randomId();
      set(DEVICE_KEY, deviceId);
    }

    /* ---- requests */

    // Resolves {status, data} (data: parsed JSON or null); rejects when the server was not reached.
    function request(url, method, fields) {
      var init = {
        method: method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      };
      var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
      var timer = 0;
      if (csrf) {
        init.headers['X-CSRF-Token'] = csrf;
      }
      if (fields) {
        var parts = [];
        for (var k in fields) {
          if (Object.prototype.hasOwnProperty.call(fields, k) && fields[k] !== null && fields[k] !== undefined &&
              fields[k] !== '') {
            parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(fields[k])));
          }
        }
        init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
        init.body = parts.join('&');
      }
      if (ctrl) {
        init.signal = ctrl.signal;
        timer = setTimeout(function () {
          ctrl.abort();
        }, TIMEOUT);
      }
      return env.fetch(url, init).then(function (res) {
        return res.text().then(function (text) {
          var type = res.headers.get('Content-Type') || '';
          var data = null;
          if (type.indexOf('application/json') !== -1) {
            try {
              data = JSON.parse(text);
            } catch (e) {
              data = null;
            }
          }
          if (data && typeof data.csrf === 'string' && data.csrf) {
            csrf = data.csrf;
          }
          return { status: res.status, data: data && typeof data === 'object' ? data : null };
        });
      }).then(function (r) {
        clearTimeout(timer);
        return r;
      }, function (err) {
        clearTimeout(timer);
        throw err;
      });
    }

    function setLink(state) {
      link = state;
      env.changed();
    }

    /* ---- the queue: every scan and undo is stored first and removed once the server has answered */

    function items() {
      var q = get(QUEUE_KEY);
      if (!Array.isArray(q)) {
        return [];
      }
      return q.filter(function (x) {
        return x && typeof x.id === 'string' && typeof x.url === 'string' && x.fields && typeof x.fields === 'object';
      });
    }

    function add(item) {
      var q = items();
      q.push(item);
      set(QUEUE_KEY, q);
      env.changed();
    }

    function remove(id) {
      set(QUEUE_KEY, items().filter(function (x) {
        return x.id !== id;
      }));
      env.changed();
    }

    function queued(id) {
      var q = items();
      for (var i = 0; i < q.length; i++) {
        if (q[i].id === id) {
          return true;
        }
      }
      return false;
    }

    // Resolves the outcome's state ('done': removed from the queue; 'network', 'keep': stays queued), or 'busy' when
    // the item is on its way already (a flush or the retry met it): it goes up once.
    function send(item) {
      if (inFlight[item.id]) {
        return Promise.resolve('busy');
      }
      inFlight[item.id] = true;
      return request(item.url, 'POST', item.fields).then(null, function () {
        return null;
      }).then(function (r) {
        var o = outcome(item, r);
        delete inFlight[item.id];
        if (o.state === 'network') {
          setLink('offline');
        } else if (o.state === 'keep') {
          setLink(o.auth ? 'auth' : 'server');
        } else {
          remove(item.id);
          setLink('online');
        }
        env.settled(item, o);
        return o.state;
      });
    }

    // Sends the queue in order, one request at a time; stops at the first failure.
    function flush() {
      if (flushing) {
        return;
      }
      var q = items();
      if (q.length === 0) {
        if (link !== 'online' && env.online()) {
          setLink('online');
        }
        return;
      }
      flushing = true;
      var i = 0;
      (function next() {
        while (i < q.length && !queued(q[i].id)) {
          i++;
        }
        if (i >= q.length) {
          flushing = false;
          env.changed();
          return;
        }
        send(q[i++]).then(function (state) {
          if (state === 'network' || state === 'keep') {
            flushing = false;
            return;
          }
          next();
        });
      }());
    }

    // Queues a scan and uploads it; once it is answered, whatever waited goes too. s: url, seminar, session, code,
    // method, id (the client scan id; a fresh one when empty), at (a Date: the device's time of the scan).
    function scan(s) {
      var id = s.id || randomId();
      var item = {
        id: id,
        kind: 'scan',
        url: s.url,
        seminar: s.seminar,
        session: s.session,
        fields: {
          code: s.code,
          session_id: s.session,
          client_scan_id: id,
          device_id: deviceId,
          device_time: deviceTime(s.at),
          method: s.method
        }
      };
      add(item);
      send(item).then(function (state) {
        if (state === 'done') {
          flush(); // the connection works: send whatever waited
        }
      });
      return item;
    }

    // Queues the undo of an answered scan and uploads it. u: url, seminar, session, target (the scan's item id),
    // scanId (the server's id of the scan).
    function undo(u) {
      var id = randomId();
      var item = {
        id: id,
        kind: 'undo',
        url: u.url,
        seminar: u.seminar,
        session: u.session,
        target: u.target,
        fields: { scan_id: u.scanId, client_scan_id: id, device_id: deviceId }
      };
      add(item);
      send(item);
      return item;
    }

    return {
      get: get,
      set: set,
      randomId: randomId,
      request: request,
      link: function () {
        return link;
      },
      setLink: setLink,
      // Known to be without a connection: answers come from the device.
      offline: function () {
        return link === 'offline' || !env.online();
      },
      size: function () {
        return items().length;
      },
      queued: queued,
      sending: function (id) {
        return inFlight[id] === true;
      },
      remove: remove,
      scan: scan,
      undo: undo,
      // Uploads what an earlier page left, then keeps trying while anything waits.
      start: function () {
        flush();
        setInterval(function () {
          if (items().length > 0) {
            flush();
          } else if (link !== 'online' && env.online()) {
            setLink('online');
          }
        }, RETRY);
      },
      // The browser says the connection is back.
      online: function () {
        if (link === 'offline') {
          setLink('online');
        }
        flush();
      }
    };
  }

  return { QUEUE_KEY: QUEUE_KEY, create: create };
}());
