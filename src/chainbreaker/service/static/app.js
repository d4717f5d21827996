// chainbreaker web UI: the little JavaScript the pages need. Served from the package, no CDN,
// no inline handlers (the Content-Security-Policy allows scripts from 'self' only).
"use strict";

// Ask before a form does something that cannot be undone (data-confirm="question").
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Follow a background screening job: <section data-job-url="/api/v1/screening/jobs/ID">.
function followJob(section) {
  var url = section.getAttribute("data-job-url");
  var bar = section.querySelector("progress");
  var text = section.querySelector("[data-job-status]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
        if (text) { text.textContent = job.status + " — " + job.done + " of " + (job.total || "?") + " names"; }
        if (job.status === "finished" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}

document.addEventListener("DOMContentLoaded", function () {
  var jobs = document.querySelectorAll("[data-job-url][data-job-running]");
  for (var i = 0; i < jobs.length; i++) { followJob(jobs[i]); }
});

// Zoom and pan of server-drawn SVG (network, map): wheel or buttons zoom, dragging pans; no library.
function zoomable(svg) {
  var base = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var box = base.slice();
  function apply() { svg.setAttribute("viewBox", box.join(" ")); }
  function zoom(factor, cx, cy) {
    var w = box[2] * factor, h = box[3] * factor;
    if (w > base[2] * 4 || w < base[2] / 12) { return; }
    box = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, w, h];
    apply();
  }
  function point(event) {
    var rect = svg.getBoundingClientRect();
    return [box[0] + (event.clientX - rect.left) / rect.width * box[2],
            box[1] + (event.clientY - rect.top) / rect.height * box[3]];
  }
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var p = point(event);
    zoom(event.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
  }, { passive: false });
  var dragging = null;
  svg.addEventListener("pointerdown", function (event) { dragging = [event.clientX, event.clientY]; svg.setPointerCapture(event.pointerId); });
  svg.addEventListener("pointerup", function () { dragging = null; });
  svg.addEventListener("pointermove", function (event) {
    if (!dragging) { return; }
    var rect = svg.getBoundingClientRect();
    box[0] -= (event.clientX - dragging[0]) / rect.width * box[2];
    box[1] -= (event.clientY - dragging[1]) / rect.height * box[3];
    dragging = [event.clientX, event.clientY];
    apply();
  });
  var controls = document.querySelector("[data-zoom-for='" + svg.parentNode.id + "']");
  if (controls) {
    controls.addEventListener("click", function (event) {
      var action = event.target.getAttribute("data-zoom");
      var cx = box[0] + box[2] / 2, cy = box[1] + box[3] / 2;
      if (action === "in") { zoom(0.8, cx, cy); }
      if (action === "out") { zoom(1.25, cx, cy); }
      if (action === "reset") { box = base.slice(); apply(); }
    });
  }
}

document.addEventListener("DOMContentLoaded", function () {
  var drawings = document.querySelectorAll("svg.zoomable");
  for (var i = 0; i < drawings.length; i++) { zoomable(drawings[i]); }
});
