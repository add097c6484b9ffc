// Presenter screen: fetch the current code every few seconds and swap the digits and the QR when it changes.
(function () {
  'use strict';

  var box = document.getElementById('present');
  var code = document.getElementById('present-code');
  var qr = document.getElementById('present-qr');
  var left = document.getElementById('present-left');
  if (!box || !code || !qr || !window.fetch) {
    return;
  }
  var seconds = parseInt(left ? left.textContent : '0', 10) || 0;

  function refresh() {
    fetch(window.location.pathname + window.location.search, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (data) {
      if (!data || !data.code) {
        return;
      }
      if (data.code !== code.textContent) {
        code.textContent = data.code;
        qr.src = data.qr_url;
      }
      seconds = data.seconds_left;
    }).catch(function () {
      // The broadcast keeps the last code; the next refresh tries again.
    });
  }

  setInterval(function () {
    seconds = Math.max(0, seconds - 1);
    if (left) {
      left.textContent = String(seconds);
    }
    if (seconds === 0 || seconds % 5 === 0) {
      refresh();
    }
  }, 1000);
})();
