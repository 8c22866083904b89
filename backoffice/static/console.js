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
  // A button asking before its form goes (flask-admin's row delete: templates/admin/model/row_actions.html).
  document.addEventListener('click', function (ev) {
    var button = ev.target.closest ? ev.target.closest('button[data-confirm]') : null;
    if (button && !window.confirm(button.getAttribute('data-confirm'))) ev.preventDefault();
  }, true);
  // flask-admin's "with selected" actions (templates/admin/actions.html), without its inline onclick.
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('[data-model-action]') : null;
    if (!link) return;
    ev.preventDefault();
    if (window.modelActions) window.modelActions.execute(link.getAttribute('data-model-action'));
  });
  // flask-admin's javascript:void(0) links only open menus: never follow one (the CSP would refuse and say so).
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('a[href^="javascript:"]') : null;
    if (link) ev.preventDefault();
  }, true);
  // An error page's 返回 goes back where the person came from (its href is the fallback).
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('a[data-history-back]') : null;
    if (link && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });
  // 退出登录 in the console menu logs out by POST with the page's CSRF token (GET /logout only asks).
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('a[href="/logout"]') : null;
    var token = document.querySelector('meta[name="csrf-token"]');
    if (!link || !token) return;
    ev.preventDefault();
    var form = document.createElement('form'), input = document.createElement('input');
    form.method = 'post'; form.action = '/logout';
    input.type = 'hidden'; input.name = 'csrf_token'; input.value = token.getAttribute('content');
    form.appendChild(input); document.body.appendChild(form); form.submit();
  });
  // <div data-reload-after="ms">: a page that follows a running job.
  var reload = document.querySelector('[data-reload-after]');
  if (reload) setTimeout(function () { location.reload(); }, parseInt(reload.getAttribute('data-reload-after'), 10));
})();

/* <input data-org-search="url" data-org-id="field">: suggest organisations as one types; the chosen one's id goes
   into the hidden field (a name or code typed by hand is resolved by the server). */
(function () {
  'use strict';
  document.querySelectorAll('[data-org-search]').forEach(function (input) {
    var list = document.getElementById(input.getAttribute('list'));
    var hidden = input.form && input.form.querySelector('input[type=hidden][name="' + input.getAttribute('data-org-id') + '"]');
    var found = {}, timer = null;
    input.addEventListener('input', function () {
      if (hidden) hidden.value = found[input.value] || '';
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = input.getAttribute('data-org-search');
        fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(input.value), {credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (orgs) {
            list.innerHTML = '';
            orgs.forEach(function (o) {
              found[o.label] = o.id;
              var opt = document.createElement('option');
              opt.value = o.label;
              list.appendChild(opt);
            });
            if (hidden) hidden.value = found[input.value] || '';
          });
      }, 200);
    });
  });
})();

/* File inputs speak Chinese whatever the browser's language: the native control (which says "Choose File" in an
   English browser) is hidden behind a 选择文件 button and the chosen file's name. */
(function () {
  'use strict';
  document.querySelectorAll('input[type=file]').forEach(function (input, n) {
    if (!input.id) input.id = 'file-input-' + n;
    input.classList.add('file-picker-native');
    var button = document.createElement('label');
    button.setAttribute('for', input.id);
    button.className = 'btn btn-outline-primary btn-sm mr-2 mb-1 file-picker-button';
    button.textContent = '选择文件';
    var name = document.createElement('span');
    name.className = 'file-picker-name small text-muted mr-2';
    name.textContent = '未选择文件';
    input.insertAdjacentElement('afterend', name);
    input.insertAdjacentElement('afterend', button);
    input.addEventListener('change', function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : '未选择文件';
    });
  });
})();
