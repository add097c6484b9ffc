// The dative form of a full name («Ёлкина-Петрова Анна-Мария Олеговна» -> «Ёлкиной-Петровой Анне-Марии Олеговне»)
// by the Petrovich rules (assets/vendor/petrovich.js, from npm at build time), without the DOM.
// A classic script defining one global, dativeName; profile.js proposes it as people type, tests/js/ runs it under node.
var dativeName = (function () {
  'use strict';

  // Turkic patronymics: «Рашид оглы» (son of), «Рашид кызы» (daughter of); the patronymic stays as it is.
  var TURKIC = { 'оглы': 'male', 'улы': 'male', 'кызы': 'female', 'гызы': 'female' };

  function genderOf(middle, tail) {
    var m = (middle || '').toLowerCase();
    if (tail && TURKIC[tail.toLowerCase()]) {
      return TURKIC[tail.toLowerCase()];
    }
    if (/(ич|ыч)$/.test(m)) {
      return 'male';
    }
    if (/(на|зы)$/.test(m)) {
      return 'female';
    }
    return null;
  }

  // Petrovich declines each part of a hyphenated name by itself («Анна-Мария» -> «Анне-Марии»).
  function decline(p, gender, kind, word) {
    return p[gender][kind].dative(word);
  }

  // The dative form of «Фамилия Имя [Отчество [оглы|кызы]]», or null when it cannot be told (no
  // patronymic to find the gender by, or not a name). p: the petrovich function.
  function of(p, full) {
    var words = String(full || '').trim().split(/\s+/);
    var tail = words.length === 4 && TURKIC[words[3].toLowerCase()] ? words[3] : null;
    var gender;

    if (words.length < 2 || words.length > (tail ? 4 : 3) || words[0] === '') {
      return null;
    }
    gender = genderOf(words[2], tail);
    if (gender === null) {
      return null;
    }
    return [
      decline(p, gender, 'last', words[0]),
      decline(p, gender, 'first', words[1])
    ].concat(words.length > 2 ? [tail ? words[2] : decline(p, gender, 'middle', words[2])] : [])
      .concat(tail ? [tail] : []).join(' ');
  }

  return { of: of };
}());
