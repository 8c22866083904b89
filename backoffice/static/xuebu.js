// The site's small behaviours, bound by data attributes: the Content-Security-Policy runs no inline script or
// on…= handler, so templates say what they want (data-confirm, data-select-all, …) and this file does it.
(function () {
  'use strict';

  function on(type, selector, handler) {
    document.addEventListener(type, function (event) {
      var el = event.target.closest ? event.target.closest(selector) : null;
      if (el) { handler(event, el); }
    }, true);
  }

  // <form data-confirm="…">, <button data-confirm="…">: ask before submitting.
  on('submit', 'form[data-confirm]', function (event, form) {
    if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); }
  });
  on('click', 'button[data-confirm], input[type=submit][data-confirm]', function (event, button) {
    if (!window.confirm(button.getAttribute('data-confirm'))) { event.preventDefault(); }
  });

  // A checkbox that ticks every box matching its selector.
  on('change', 'input[data-select-all]', function (event, box) {
    document.querySelectorAll(box.getAttribute('data-select-all')).forEach(function (c) { c.checked = box.checked; });
  });

  // A read-only field selected whole on click; a button copying a field to the clipboard; a print button.
  on('click', 'input[data-select-on-click]', function (event, input) { input.select(); });
  on('click', '[data-copy-from]', function (event, button) {
    var source = document.querySelector(button.getAttribute('data-copy-from'));
    if (source && navigator.clipboard) { navigator.clipboard.writeText(source.value); }
  });
  on('click', '[data-print]', function () { window.print(); });
  on('click', 'a[data-history-back]', function (event) {
    if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });

  // The review page's zoom slider: scales the document image, keeping its saved rotation.
  on('input', 'input[data-zoom-target]', function (event, slider) {
    var img = document.getElementById(slider.getAttribute('data-zoom-target'));
    if (!img) { return; }
    img.dataset.scale = slider.value / 100;
    img.style.transform = 'rotate(' + img.dataset.rot + 'deg) scale(' + img.dataset.scale + ')';
  });

  // flask-admin's "with selected" actions (templates/admin/actions.html).
  on('click', '[data-model-action]', function (event, link) {
    event.preventDefault();
    if (window.modelActions) { window.modelActions.execute(link.getAttribute('data-model-action')); }
  });

  // flask-admin's javascript:void(0) links only open menus: never follow them (the policy would refuse).
  on('click', 'a[href^="javascript:"]', function (event) { event.preventDefault(); });

  // "退出登录" in the console menu logs out by POST with the page's CSRF token (a GET only asks).
  on('click', 'a[href="/logout"]', function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (!token) { return; }
    event.preventDefault();
    var form = document.createElement('form');
    form.method = 'post';
    form.action = '/logout';
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'csrf_token';
    input.value = token.getAttribute('content');
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
  });

  function ready() {
    // A page that refreshes itself while a job runs (<div data-reload-after="1500">).
    var reload = document.querySelector('[data-reload-after]');
    if (reload) {
      window.setTimeout(function () { window.location.reload(); },
                        parseInt(reload.getAttribute('data-reload-after'), 10) || 2000);
    }
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', ready); } else { ready(); }
}());
