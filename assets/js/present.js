// Presenter screen: fetch the current code every few seconds and swap the digits and the QR when it changes; the
// presenter may pause the changes (the countdown stops) and hide the code (WCAG 2.2.2: pause, stop, hide).
(function () {
  'use strict';

  var box = document.getElementById('present');
  var code = document.getElementById('present-code');
  var qr = document.getElementById('present-qr');
  var left = document.getElementById('present-left');
  var shown = document.getElementById('present-shown');
  var note = document.getElementById('present-note');
  var pausedNote = document.getElementById('present-paused');
  var pause = document.getElementById('present-pause');
  var hide = document.getElementById('present-hide');
  if (!box || !code || !qr || !window.fetch) {
    return;
  }
  var seconds = parseInt(left ? left.textContent : '0', 10) || 0;
  var paused = false;

  function refresh() {
    fetch(window.location.pathname + window.location.search, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (data) {
      if (!data || !data.code || paused) {
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
    if (paused) {
      return;
    }
    seconds = Math.max(0, seconds - 1);
    if (left) {
      left.textContent = String(seconds);
    }
    if (seconds === 0 || seconds % 5 === 0) {
      refresh();
    }
  }, 1000);

  // toggle(button, on, onText, offText): the button's pressed state and its words.
  function toggle(button, on, onText, offText) {
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.textContent = on ? onText : offText;
  }

  if (pause && hide && shown && note && pausedNote) {
    pause.addEventListener('click', function () {
      paused = !paused;
      toggle(pause, paused, 'Продолжить', 'Остановить смену кода');
      note.hidden = paused;
      pausedNote.hidden = !paused;
      if (!paused) {
        refresh();
      }
    });
    hide.addEventListener('click', function () {
      shown.hidden = !shown.hidden;
      toggle(hide, shown.hidden, 'Показать код', 'Скрыть код');
    });
    document.getElementById('present-controls').hidden = false;
  }
})();
