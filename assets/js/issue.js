// Certificate issuing: poll the job's progress every second and reload the page when it has finished, unless the
// user has stopped the automatic updates.
(function () {
  'use strict';

  var box = document.getElementById('cert-job');
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute('data-url');
  var status = box.getAttribute('data-status');
  if (!url || (status !== 'queued' && status !== 'running')) {
    return;
  }
  var statusEl = document.getElementById('cert-job-status');
  var doneEl = document.getElementById('cert-job-done');
  var totalEl = document.getElementById('cert-job-total');
  var bar = document.getElementById('cert-job-bar');
  var stop = document.getElementById('cert-job-stop');
  var stopped = false;
  var timer = 0;

  // later(ms): the next poll, unless the user has stopped the automatic updates.
  function later(ms) {
    if (!stopped) {
      timer = setTimeout(poll, ms);
    }
  }

  function poll() {
    fetch(url, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (job) {
      if (!job || !job.status) {
        later(3000);
        return;
      }
      statusEl.textContent = job.status_name;
      doneEl.textContent = String(job.done);
      totalEl.textContent = String(job.total);
      if (bar && job.total > 0) {
        bar.max = job.total;
        bar.value = job.done;
      }
      if (job.active) {
        later(1000);
      } else if (!stopped) {
        // The list of certificates on the page is now out of date.
        window.location.reload();
      }
    }).catch(function () {
      later(3000);
    });
  }

  // The user may stop the updates (and the reload at the end), and start them again.
  if (stop) {
    stop.addEventListener('click', function () {
      stopped = !stopped;
      stop.setAttribute('aria-pressed', stopped ? 'true' : 'false');
      stop.textContent = stopped ? 'Обновлять автоматически' : 'Не обновлять автоматически';
      clearTimeout(timer);
      later(0);
    });
    document.getElementById('cert-job-controls').hidden = false;
  }
  later(1000);
})();
