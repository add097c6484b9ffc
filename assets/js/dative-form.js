// Proposes the dative form of a full name as the person types (dative.js with the Petrovich rules) and shows
// the line as the certificate will print it; a form opts in with data-dative-source/-target/-preview.
(function () {
  'use strict';

  var source = document.querySelector('[data-dative-source]');
  var target = document.querySelector('[data-dative-target]');
  var preview = document.querySelector('[data-dative-preview]');
  if (!source || !target || !window.petrovich || !window.dativeName) {
    return;
  }
  // What was last proposed: the field follows the name until the person corrects it by hand.
  var proposed = target.value === window.dativeName.of(window.petrovich, source.value) ? target.value : '';

  function show() {
    if (preview) {
      preview.textContent = target.value.trim() ? 'Сертификат выдан ' + target.value.trim() : '';
    }
  }

  source.addEventListener('input', function () {
    var next = window.dativeName.of(window.petrovich, source.value);
    if (next !== null && (target.value === '' || target.value === proposed)) {
      target.value = next;
      proposed = next;
    }
    show();
  });
  target.addEventListener('input', show);
  show();
}());
