/* 导入名单: upload with a progress bar and the per-row result, without leaving the page. */
(function () {
var form = document.getElementById('roster-form');
if (!form) return;
form.addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target, bar = document.querySelector('#progress .progress-bar'), out = document.getElementById('result');
  document.getElementById('progress').classList.remove('d-none');
  var xhr = new XMLHttpRequest();
  xhr.open('POST', form.action || window.location.href);
  xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
  xhr.upload.onprogress = function (e) {
    if (e.lengthComputable) { var p = Math.round(e.loaded * 100 / e.total); bar.style.width = p + '%'; bar.textContent = '上传 ' + p + '%'; }
  };
  xhr.upload.onload = function () { bar.style.width = '100%'; bar.textContent = '正在逐行校验并导入…'; };
  xhr.onload = function () {
    var r; try { r = JSON.parse(xhr.responseText); } catch (e) { r = {error: '导入失败，请稍后重试。'}; }
    bar.classList.remove('progress-bar-animated'); bar.textContent = r.error ? '失败' : '完成';
    out.textContent = '';
    var box = document.createElement('div');
    box.className = 'alert ' + (r.error ? 'alert-danger' : 'alert-success');
    box.textContent = r.error || r.summary;
    if (!r.error) { var a = document.createElement('a'); a.href = r.report_url; a.textContent = ' 下载逐行结果（Excel）'; box.appendChild(a); }
    out.appendChild(box);
    if (r.errors && r.errors.length) {
      var t = document.createElement('table'); t.className = 'table table-sm table-bordered';
      t.innerHTML = '<thead><tr><th>行号</th><th>姓名</th><th>问题</th></tr></thead>';
      var body = document.createElement('tbody');
      r.errors.forEach(function (e) {
        var tr = document.createElement('tr'); tr.className = 'table-danger';
        [e.row, e.name, e.messages.join('；')].forEach(function (v) { var td = document.createElement('td'); td.textContent = v; tr.appendChild(td); });
        body.appendChild(tr);
      });
      t.appendChild(body); out.appendChild(t);
    }
  };
  xhr.send(new FormData(form));
});
})();
