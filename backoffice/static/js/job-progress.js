// A page showing a running background job reloads itself until the job has finished.
(function () {
  var box = document.querySelector("[data-running]");
  if (box && box.getAttribute("data-running")) {
    setTimeout(function () { location.reload(); }, 1500);
  }
})();
