/* The review page: zoom with pan, rotation that never crops, and keyboard shortcuts (A 通过, R 驳回, N 下一份). */
(function () {
  'use strict';
  var STEP = 1.25, MIN = 0.1, MAX = 8;

  function Viewer(box) {
    this.box = box; this.img = box.querySelector('img');
    this.rot = parseInt(box.getAttribute('data-rotation') || '0', 10) % 360;
    this.zoom = 1; this.x = 0; this.y = 0; this.fit = 1;
    this.label = box.parentNode.querySelector('.zoom-level');
    var self = this;
    if (this.img.complete && this.img.naturalWidth) this.reset(); else this.img.addEventListener('load', function () { self.reset(); });
    window.addEventListener('resize', function () { self.reset(); });
    box.addEventListener('wheel', function (ev) { ev.preventDefault(); self.zoomBy(ev.deltaY < 0 ? STEP : 1 / STEP); }, {passive: false});
    box.addEventListener('pointerdown', function (ev) {
      self.drag = {x: ev.clientX - self.x, y: ev.clientY - self.y}; box.classList.add('dragging'); box.setPointerCapture(ev.pointerId);
    });
    box.addEventListener('pointermove', function (ev) {
      if (!self.drag) return; self.x = ev.clientX - self.drag.x; self.y = ev.clientY - self.drag.y; self.draw();
    });
    box.addEventListener('pointerup', function () { self.drag = null; box.classList.remove('dragging'); });
  }
  // Fit the whole page in the frame at its current rotation: a quarter turn swaps width and height.
  Viewer.prototype.reset = function () {
    var w = this.img.naturalWidth, h = this.img.naturalHeight, turned = this.rot % 180 !== 0;
    if (!w || !h) return;
    var bw = this.box.clientWidth, bh = this.box.clientHeight;
    this.fit = Math.min(bw / (turned ? h : w), bh / (turned ? w : h));
    this.img.style.width = w + 'px'; this.img.style.height = h + 'px';
    this.zoom = 1; this.x = 0; this.y = 0; this.draw();
  };
  Viewer.prototype.zoomBy = function (k) { this.zoom = Math.min(MAX, Math.max(MIN, this.zoom * k)); this.draw(); };
  Viewer.prototype.draw = function () {
    var s = this.fit * this.zoom;
    this.img.style.transform = 'translate(-50%, -50%) translate(' + this.x + 'px,' + this.y + 'px) rotate(' + this.rot + 'deg) scale(' + s + ')';
    if (this.label) this.label.textContent = Math.round(this.zoom * 100) + '%';
  };

  document.querySelectorAll('.doc-viewer').forEach(function (box) {
    var v = new Viewer(box), card = box.closest('.doc-card');
    card.querySelectorAll('[data-zoom]').forEach(function (b) {
      b.addEventListener('click', function () {
        var d = parseInt(b.getAttribute('data-zoom'), 10);
        if (d === 0) v.reset(); else v.zoomBy(d > 0 ? STEP : 1 / STEP);
      });
    });
    card.querySelectorAll('.rotate-form').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        fetch(form.action, {method: 'POST', body: new FormData(form), headers: {'Accept': 'application/json'},
                            credentials: 'same-origin'})
          .then(function (r) { return r.json(); })
          .then(function (data) { v.rot = data.rotation; v.reset(); })
          .catch(function () { form.submit(); });
      });
    });
  });

  document.addEventListener('keydown', function (ev) {
    var t = ev.target.tagName;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return;
    var key = ev.key.toLowerCase();
    if (key === 'a') {
      var form = document.getElementById('approve-form');
      if (!form) return;
      var box = form.querySelector('input[name=confirm_flags]');
      if (box && !box.checked) { box.focus(); box.closest('.alert').scrollIntoView({block: 'center'}); return; }
      form.querySelector('button[name=then]').click();
    } else if (key === 'r') {
      var ret = document.getElementById('return-box');
      if (ret) { ret.open = true; ret.scrollIntoView({block: 'center'}); }
    } else if (key === 'n') {
      var next = document.getElementById('next-link');
      if (next) location.href = next.href;
    }
  });
})();
