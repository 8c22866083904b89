/* Behaviour shared by the console and the portal, driven by data- attributes (the CSP allows no inline script). */
(function () {
  'use strict';
  // <form data-confirm="…">: ask before a change that is hard to undo.
  document.addEventListener('submit', function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) ev.preventDefault();
  }, true);
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest ? ev.target.closest('[data-copy],[data-print],[data-select-on-click],[data-check-all]') : null;
    if (!el) return;
    if (el.hasAttribute('data-select-on-click')) el.select();
    if (el.hasAttribute('data-print')) window.print();
    if (el.hasAttribute('data-copy')) {
      var src = document.querySelector(el.getAttribute('data-copy'));
      if (src && navigator.clipboard) navigator.clipboard.writeText(src.value || src.textContent).then(function () {
        var old = el.textContent; el.textContent = '已复制'; setTimeout(function () { el.textContent = old; }, 1500);
      });
    }
    if (el.hasAttribute('data-check-all')) {
      document.querySelectorAll(el.getAttribute('data-check-all')).forEach(function (c) { c.checked = el.checked; });
    }
  });
  // <div data-reload-after="ms">: a page that follows a running job.
  var reload = document.querySelector('[data-reload-after]');
  if (reload) setTimeout(function () { location.reload(); }, parseInt(reload.getAttribute('data-reload-after'), 10));
})();
