// Region and district selects: refill the districts when the region changes; the no-JS «Обновить районы» path stays
// usable. The folded catalogue filters open by themselves on wide screens.
(function () {
  'use strict';

  // <details data-open-wide>: folded on phones (seminars first), unfolded where there is room.
  if (window.matchMedia && document.querySelectorAll && window.matchMedia('(min-width: 40em)').matches) {
    var boxes = document.querySelectorAll('details[data-open-wide]');
    for (var b = 0; b < boxes.length; b++) {
      boxes[b].open = true;
    }
  }

  if (!window.fetch || !window.JSON || !document.querySelectorAll) {
    return;
  }
  // <select data-districts="ID">: the region select; ID names its district select.
  var regions = document.querySelectorAll('select[data-districts]');

  function wire(region) {
    var district = document.getElementById(region.getAttribute('data-districts'));
    var form = region.form;
    if (!district || !form) {
      return;
    }
    var nojs = form.querySelectorAll('[data-nojs]');
    var seq = 0; // only the latest request may fill the select

    function showFallback(show) {
      for (var i = 0; i < nojs.length; i++) {
        nojs[i].hidden = !show;
      }
    }

    // Keeps the first option («Все районы» or «Не указан») and drops the rest.
    function clear() {
      while (district.options.length > 1) {
        district.remove(1);
      }
      district.selectedIndex = 0;
    }

    region.addEventListener('change', function () {
      var mine = ++seq;
      clear();
      if (!region.value) {
        return;
      }
      district.setAttribute('aria-busy', 'true');
      fetch('/?region_id=' + encodeURIComponent(region.value), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      }).then(function (res) {
        if (!res.ok) {
          throw new Error('HTTP ' + res.status);
        }
        return res.json();
      }).then(function (data) {
        if (mine !== seq) {
          return;
        }
        var items = data && Array.isArray(data.districts) ? data.districts : [];
        for (var i = 0; i < items.length; i++) {
          var d = items[i];
          if (d && d.id !== undefined && d.id !== null) {
            district.add(new Option(String(d.name), String(d.id)));
          }
        }
      }).catch(function () {
        // Quietly fall back to the server round trip.
        if (mine === seq) {
          showFallback(true);
        }
      }).then(function () {
        if (mine === seq) {
          district.removeAttribute('aria-busy');
        }
      });
    });

    showFallback(false);
  }

  for (var i = 0; i < regions.length; i++) {
    wire(regions[i]);
  }
}());
