// Sign-up form enhancement: refill the district and organisation selects live; the no-JS path stays usable.
(function () {
  'use strict';

  var form = document.getElementById('signup-form');
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  // Region and district belong to the separate GET form "place-form".
  var region = document.getElementById('su-region');
  var district = document.getElementById('su-district');
  var organization = document.getElementById('su-organization');
  if (!region || !district || !organization) {
    return;
  }
  var nojs = form.querySelectorAll('[data-nojs]');
  // «Моей организации нет в списке»: the proposed organisation's fields and its district.
  var missing = document.getElementById('su-org-missing');
  var newOrg = document.getElementById('su-new-org');
  var orgField = document.getElementById('su-organization-field');
  var orgDistrict = document.getElementById('su-org-district');
  var seq = 0; // only the latest request may fill the selects

  function showFallback(show) {
    for (var i = 0; i < nojs.length; i++) {
      nojs[i].hidden = !show;
    }
  }

  // Keeps the first placeholder option («Выберите …») and drops the rest.
  function clearSelect(select) {
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.selectedIndex = 0;
  }

  function fillSelect(select, items, label) {
    clearSelect(select);
    if (!Array.isArray(items)) {
      return;
    }
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      if (!it || it.id === undefined || it.id === null) {
        continue;
      }
      select.add(new Option(label(it), String(it.id)));
    }
  }

  function load(query, onData) {
    var mine = ++seq;
    form.setAttribute('aria-busy', 'true');
    return fetch('/signup?' + query, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      if (!res.ok) {
        throw new Error('HTTP ' + res.status);
      }
      return res.json();
    }).then(function (data) {
      if (mine === seq) {
        onData(data || {});
      }
    }).catch(function () {
      // Quietly fall back to the server round trip.
      if (mine === seq) {
        showFallback(true);
      }
    }).then(function () {
      if (mine === seq) {
        form.removeAttribute('aria-busy');
      }
    });
  }

  region.addEventListener('change', function () {
    if (orgDistrict) {
      orgDistrict.value = '';
    }
    clearSelect(district);
    clearSelect(organization);
    if (!region.value) {
      seq++;
      return;
    }
    load('region_id=' + encodeURIComponent(region.value), function (data) {
      fillSelect(district, data.districts, function (d) {
        return String(d.name);
      });
    });
  });

  district.addEventListener('change', function () {
    if (orgDistrict) {
      orgDistrict.value = district.value;
    }
    clearSelect(organization);
    if (!region.value || !district.value) {
      seq++;
      return;
    }
    load('region_id=' + encodeURIComponent(region.value) +
         '&district_id=' + encodeURIComponent(district.value), function (data) {
      fillSelect(organization, data.organizations, function (o) {
        return String(o.short_name) + ' — ' + String(o.sector_name);
      });
    });
  });

  function showMissing() {
    newOrg.hidden = !missing.checked;
    orgField.hidden = missing.checked;
    organization.required = !missing.checked;
    document.getElementById('su-org-name').required = missing.checked;
    document.getElementById('su-org-sector').required = missing.checked;
  }
  if (missing && newOrg && orgField) {
    missing.addEventListener('change', showMissing);
    showMissing();
  }

  showFallback(false);
}());
