/* The worker's application page: while any upload is still being checked, ask again every few seconds and
   reload once the results are in (the page then shows them in plain words). */
(function () {
  'use strict';
  var me = document.getElementById('portal-js');
  if (!me || !document.querySelector('.check-result[data-state="checking"]')) return;
  var url = me.getAttribute('data-checks'), tries = 0;
  function poll() {
    if (++tries > 60) return;
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var waiting = Object.keys(data).some(function (k) { return data[k].state === 'checking'; });
        if (waiting) setTimeout(poll, 3000); else location.reload();
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
