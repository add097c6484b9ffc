// Certificate issuing: poll the job's progress every second and reload the page when it has finished.
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

  function poll() {
    fetch(url, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (job) {
      if (!job || !job.status) {
        setTimeout(poll, 3000);
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
        setTimeout(poll, 1000);
      } else {
        // The list of certificates on the page is now out of date.
        window.location.reload();
      }
    }).catch(function () {
      setTimeout(poll, 3000);
    });
  }

  setTimeout(poll, 1000);
})();
